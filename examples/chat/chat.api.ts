/**
 * The chat's channel: the contract its server (app.ts) implements and its clients speak. A client
 * with a bundler imports it for types (`connect(chat, url, { params: { client_id } })`); the page,
 * which has no bundler, uses the same event names with the untyped `connect(url)`.
 */
import { z } from 'zod';
import { defineChannel } from 'switchboard/client';

export const chat = defineChannel('/ws/{client_id}', {
  requests: {
    // The sender's reply is the seed's "You wrote: <text>".
    say: { data: z.object({ text: z.string().min(1).max(1000) }), reply: z.string() },
  },
  events: {
    // To everyone else: the page shows "Client #<from> says: <text>" and "Client #<from> left the chat".
    said: z.object({ from: z.string(), text: z.string() }),
    left: z.object({ from: z.string() }),
  },
});
