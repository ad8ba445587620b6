/**
 * Type tests (tstyche) of the bus seam, `switchboard/bus`: a bus of your own compiles against it alone,
 * the sender a publish skips is opaque (nothing of a socket to call), presence storage is a separate
 * interface, and the main entry no longer names the transport's types. Run with `npm run test:types`.
 */
import { describe, expect, test } from 'tstyche';
import type * as main from 'switchboard';
import { App } from 'switchboard';
import type { Bus, BusNode, Payload, PresenceStore, Sender } from 'switchboard/bus';
import type { RedisBus } from 'switchboard/redis';

declare const sender: Sender;
declare const node: BusNode;

const minimal: Bus = {
  open: () => Promise.resolve(),
  publish: (_topic: string, _payload: Payload, _except: Sender | null) => 0,
  sendTo: () => false,
  close: () => Promise.resolve(),
};

describe('switchboard/bus', () => {
  test('a bus needs open, publish, sendTo and close; presence storage is its own interface, which RedisBus implements', () => {
    expect(new App({ bus: minimal })).type.toBe<App>();
    expect<PresenceStore>().type.not.toBeAssignableFrom(minimal);
    expect<PresenceStore>().type.toBeAssignableFrom<RedisBus>();
  });

  test('the sender is opaque: a bus can only hand it back', () => {
    expect(node.publishLocal('t', 'x', sender)).type.toBe<number>();
    expect(sender.end).type.toRaiseError("Property 'end' does not exist on type 'Sender'.");
    expect(sender.publish).type.toRaiseError("Property 'publish' does not exist on type 'Sender'.");
  });

  test('the main entry names none of the seam', () => {
    expect<main.BusNode>().type.toRaiseError("has no exported member 'BusNode'");
    expect<main.Socket>().type.toRaiseError("has no exported member 'Socket'");
    expect<main.Payload>().type.toRaiseError("has no exported member 'Payload'");
  });
});
