/**
 * A bus of an app's own, written against `switchboard/bus` alone: real app, real ws clients. The sender a
 * publish skips reaches the bus as an opaque handle that it hands back unopened; a bus that is no
 * PresenceStore keeps presence within its process; half a PresenceStore is refused at `new App()`.
 */
import { App, Connector, OnConnect, OnMessage, SwitchboardError, WebSocketRoute } from 'switchboard';
import type { Bus, BusNode, Payload, Sender } from 'switchboard/bus';
import { createPresenceApp } from '../fixtures/presence-app';
import { closeAll, connect, recordingLogger, start } from '../helpers';

afterEach(closeAll);

/** Forwards everything to this process, and remembers what it was handed. */
class RecordingBus implements Bus {
  private node: BusNode | null = null;
  readonly publishes: { topic: string; payload: Payload; except: Sender | null }[] = [];

  open(node: BusNode): Promise<void> {
    this.node = node;
    return Promise.resolve();
  }

  publish(topic: string, payload: Payload, except: Sender | null): number {
    this.publishes.push({ topic, payload, except });
    return this.node === null ? 0 : this.node.publishLocal(topic, payload, except);
  }

  sendTo(id: string, payload: Payload): boolean {
    return this.node !== null && this.node.sendLocal(id, payload);
  }

  close(): Promise<void> {
    this.node = null;
    return Promise.resolve();
  }
}

@WebSocketRoute('/lobby')
class Lobby {
  @OnConnect()
  enter(ws: Connector) {
    ws.join('lobby');
    return 'in';
  }

  @OnMessage('say')
  say(ws: Connector, text: string) {
    return ws.publish('lobby', text, { exceptSelf: true });
  }
}

describe('a bus of your own (switchboard/bus)', () => {
  test('ws.publish with exceptSelf hands the bus an opaque sender, which skips the sender once given back', async () => {
    const bus = new RecordingBus();
    const { app, url } = await start({ bus, routes: [Lobby] });
    const alice = await connect(url('/lobby'));
    const bob = await connect(url('/lobby'));
    expect(await alice.next()).toBe('in');
    expect(await bob.next()).toBe('in');

    alice.send(JSON.stringify({ event: 'say', data: 'hi' }));
    expect(await bob.next()).toBe('hi');
    // Alice's next frame is her reply (one recipient): the push never reached her.
    expect(await alice.next()).toBe('{"event":"say","data":1}');
    expect(app.publish('lobby', 'all')).toBe(2);
    expect(await alice.next()).toBe('all');
    expect(await bob.next()).toBe('all');

    expect(bus.publishes.map((p) => [p.topic.endsWith('lobby'), p.payload, p.except === null])).toEqual([
      [true, 'hi', false],
      [true, 'all', true],
    ]);
  });

  test('a bus that is no PresenceStore keeps presence within its process', async () => {
    const { url } = await start(createPresenceApp({ bus: new RecordingBus(), logger: recordingLogger() }));
    const alice = await connect(url('/presence/alice'));
    const id = String(await alice.next());
    alice.send(JSON.stringify({ event: 'join', data: { room: 'board' } }));
    expect(await alice.next()).toBe('{"event":"join","data":true}');
    expect(await alice.next()).toBe(JSON.stringify({ event: 'presence_state', room: 'board', data: { alice: { metas: [{ id }] } } }));
  });

  test('half a PresenceStore is refused when the App is made', () => {
    const bus = Object.assign(new RecordingBus(), { trackPresence() {} });
    let error: unknown;
    try {
      new App({ bus });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).message).toBe(
      'new App(options): option "bus" must be a Bus that implements all of PresenceStore (trackPresence, untrackPresence, loadPresence) or none of it, got an object (RecordingBus). [SWB_ERR_INVALID_OPTION]',
    );
  });
});
