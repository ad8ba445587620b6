/**
 * The channel the type tests share: a request with a reply schema, one without, one whose schemas are
 * hand-written and transform (the handler and the client see the output types), and two pushes.
 */
import { z } from 'zod';
import { defineChannel, type StandardSchemaV1 } from 'switchboard/client';

/** A validator written by hand whose output differs from its input: any Standard Schema types a channel, not only zod. */
declare const lengthOf: StandardSchemaV1<string, number>;

export const chat = defineChannel('/chat/{room}', {
  requests: {
    say: { data: z.object({ text: z.string().min(1) }), reply: z.object({ at: z.number() }) },
    join: { data: z.object({ name: z.string() }) },
    measure: { data: lengthOf, reply: z.string().transform((s) => s.length) },
  },
  events: {
    said: z.object({ from: z.string(), text: z.string() }),
    // The output type is what emit takes: the server sends what the client's listener will receive.
    count: z.string().transform((s) => s.length),
  },
});
