/**
 * A channel: the contract of one WebSocket route, shared by the server and the client. One object
 * holds the route pattern, the requests the client may make (each with its data schema and an optional
 * reply schema) and the events the server pushes; the types of both ends come from it.
 */
import { describe, usageError } from './errors';
import type { EventFrame } from './frames';
import { checkPattern } from './path';
import { isStandardSchema, type InferInput, type InferOutput, type StandardSchemaV1 } from './standard-schema';

/** A request as declared: the schema of its `data`, and of its reply when it has one. */
export interface RequestDef {
  readonly data: StandardSchemaV1;
  readonly reply?: StandardSchemaV1;
}

export interface RequestDefs {
  readonly [name: string]: RequestDef;
}

/** Server-to-client events by name, each with the schema of its `data`. */
export interface EventDefs {
  readonly [name: string]: StandardSchemaV1;
}

/**
 * One request of a channel, as `channel.requests.<name>`: the event name it travels under, its data
 * schema and its reply schema (`undefined` when it has none: the answer is then `null`).
 * @example
 * chat.requests.say; // { event: 'say', data: z.object({ text: … }), reply: z.object({ at: … }) }
 */
export interface RequestSpec<
  Name extends string = string,
  Data extends StandardSchemaV1 = StandardSchemaV1,
  Reply extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined,
> {
  readonly event: Name;
  readonly data: Data;
  readonly reply: Reply;
}

type ReplySchema<D extends RequestDef> = D extends { readonly reply: infer S extends StandardSchemaV1 } ? S : undefined;

export type RequestSpecs<R extends RequestDefs> = { readonly [K in keyof R & string]: RequestSpec<K, R[K]['data'], ReplySchema<R[K]>> };

/** What the client reads from a channel; every channel is one. */
export interface AnyChannel {
  readonly pattern: string;
  readonly requests: { readonly [name: string]: RequestSpec };
  readonly events: EventDefs;
}

/**
 * A channel made by {@link defineChannel}; frozen.
 * @example
 * type Chat = typeof chat; // Channel<'/chat/{room}', { say: …; join: … }, { said: … }>
 * const client: Client<Chat> = connect(chat, url, { params: { room: 'lobby' } });
 */
export interface Channel<P extends string = string, R extends RequestDefs = RequestDefs, E extends EventDefs = EventDefs> extends AnyChannel {
  /** The route pattern, `:name` or `{name}` for a path parameter. */
  readonly pattern: P;
  readonly requests: RequestSpecs<R>;
  readonly events: Readonly<E>;
  /**
   * The frame of a push, typed by the event's schema; sent as is, it is `{"event":name,"data":data}`.
   * @example
   * ws.publish(room, chat.event('said', { from: name, text }));
   */
  event<K extends keyof E & string>(name: K, data: InferOutput<E[K]>): EventFrame<K, InferOutput<E[K]>>;
}

/** The channel of `connect(url)`: any request or event name, data and replies `unknown`. */
export interface UntypedChannel extends AnyChannel {
  readonly requests: { readonly [name: string]: RequestSpec<string, StandardSchemaV1, StandardSchemaV1> };
}

type ReplyOf<S> = S extends StandardSchemaV1 ? InferOutput<S> : null;

/** What `request(name, data)` sends: the input type of the request's data schema. */
export type RequestData<C extends AnyChannel, K extends keyof C['requests']> = InferInput<C['requests'][K]['data']>;

/** What `request(name, …)` resolves to: the output type of its reply schema, or null without one. */
export type ReplyData<C extends AnyChannel, K extends keyof C['requests']> = ReplyOf<C['requests'][K]['reply']>;

/** What an `on(name, …)` listener receives: the output type of the event's schema. */
export type EventData<C extends AnyChannel, K extends keyof C['events']> = InferOutput<C['events'][K]>;

type Empty = Record<never, never>;

/** Keys a request declaration may not have: a misspelt `reply` is a compile error, not a silently missing schema. */
type OnlyDataAndReply<R extends RequestDefs> = { readonly [K in keyof R]: { readonly [X in Exclude<keyof R[K], keyof RequestDef>]: never } };

/**
 * Declares a channel, in a module both the server and the browser import. Schemas are any Standard
 * Schema (zod 4, valibot, arktype…); the client only reads their types, the server validates with them.
 * @example
 * export const chat = defineChannel('/chat/{room}', {
 *   requests: {
 *     say: { data: z.object({ text: z.string().min(1) }), reply: z.object({ at: z.number() }) },
 *     join: { data: z.object({ name: z.string() }) }, // no reply schema: answered with null
 *   },
 *   events: { said: z.object({ from: z.string(), text: z.string() }) },
 * });
 */
export function defineChannel<P extends string, R extends RequestDefs = Empty, E extends EventDefs = Empty>(
  pattern: P,
  definition: { readonly requests?: R & OnlyDataAndReply<R>; readonly events?: E },
): Channel<P, R, E> {
  checkPattern(pattern, 'defineChannel()');
  const where = `defineChannel(${pattern})`;
  const fail = (what: string, expected: string, got: unknown): never => {
    throw usageError('SWB_ERR_INVALID_ARGUMENT', `${where}: ${what} must be ${expected}, got ${describe(got)}`);
  };
  /** The keys of an object at `what` (a path, '' for the definition), each one of `allowed` unless it is empty. */
  const keysOf = (value: unknown, what: string, allowed: readonly string[]): string[] => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(what || 'the definition', 'an object', value);
    const keys = Object.keys(value);
    for (const key of keys)
      if (allowed.length > 0 && !allowed.includes(key))
        throw usageError('SWB_ERR_INVALID_ARGUMENT', `${where}: unknown key "${what && `${what}.`}${key}" (known: ${allowed.join(', ')})`);
    return keys;
  };
  const schema = (value: unknown, what: string): StandardSchemaV1 => (isStandardSchema(value) ? value : fail(what, 'a Standard Schema (zod, valibot…)', value));

  keysOf(definition, '', ['requests', 'events']);
  const requests: Record<string, RequestSpec> = {};
  const declared: RequestDefs = definition.requests ?? {};
  for (const event of keysOf(declared, 'requests', [])) {
    const def = declared[event];
    keysOf(def, `requests.${event}`, ['data', 'reply']);
    const reply = def!.reply === undefined ? undefined : schema(def!.reply, `requests.${event}.reply`);
    requests[event] = Object.freeze({ event, data: schema(def!.data, `requests.${event}.data`), reply });
  }
  const events: Record<string, StandardSchemaV1> = {};
  const pushes: EventDefs = definition.events ?? {};
  for (const name of keysOf(pushes, 'events', [])) events[name] = schema(pushes[name], `events.${name}`);
  return Object.freeze({
    pattern,
    requests: Object.freeze(requests),
    events: Object.freeze(events),
    event: (name: string, data: unknown) =>
      Object.hasOwn(events, name) ? { event: name, data } : fail('the event name', `one of ${Object.keys(events).join(', ')}`, name),
  }) as unknown as Channel<P, R, E>;
}
