/**
 * The rooms example's channel: the contract its server (app.ts) implements and its clients speak.
 * A client with a bundler imports it for types (`connect(rooms, url)`); the page, which has no
 * bundler, uses the same event names with the untyped `connect(url)`.
 */
import { z } from 'zod';
import { defineChannel } from 'switchboard/client';

const label = z.string().regex(/^[\w -]{1,32}$/, 'room and name must be 1–32 letters, digits, spaces or dashes');
const said = z.object({ name: z.string(), text: z.string() });

export const rooms = defineChannel('/rooms', {
  requests: {
    // The example is what the docs page (app.docs) fills its console with.
    join: {
      data: z.object({ room: label, name: label }).meta({ examples: [{ room: 'lobby', name: 'ann' }] }),
      reply: z.object({ room: z.string(), recent: z.array(said) }),
    },
    say: { data: z.string().min(1).max(1000) },
    // who is online in the room, by name
    who: { data: z.undefined(), reply: z.object({ room: z.string(), here: z.array(z.string()) }) },
  },
  events: {
    said,
    // presence_state and presence_diff (docs/presence.md) are every channel's: the client types them
  },
});
