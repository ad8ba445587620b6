/**
 * `app.asyncapi(info)`: an AsyncAPI 3.0.0 document generated from the registered routes
 * (docs/asyncapi.md). One channel per route (its address and path parameters), one operation per
 * thing the route receives or sends, one message per event with the JSON Schema of its data, reply
 * messages correlated by `id`, and the error frame.
 */
import type { StandardSchemaV1 } from '../contract/standard-schema';
import type { CompiledRoute, Spec } from '../compile/plan';
import { invalidArgument } from '../util/errors';
import { channelOf } from './channel-of';
import { addComponent, examplesOf, standardJsonSchema, type Direction, type JsonSchema } from './schemas';

/** What the document says about the app itself. */
export interface AsyncApiInfo {
  /** The API's name. */
  readonly title: string;
  /** The API's version (your app's, not switchboard's). */
  readonly version: string;
  readonly description?: string;
  /** Where it runs, by name: `{ production: { host: 'chat.example.com', protocol: 'wss' } }`. */
  readonly servers?: Readonly<Record<string, AsyncApiServer>>;
}

export interface AsyncApiServer {
  /** Host and port, e.g. `chat.example.com` or `localhost:8000`. */
  readonly host: string;
  /** Default `ws`. */
  readonly protocol?: 'ws' | 'wss';
  readonly description?: string;
}

/** An AsyncAPI document, as plain JSON. */
export type AsyncApiDocument = Record<string, unknown>;

const CORRELATION = { location: '$message.payload#/id' };
/** The position field of a recoverable push (App option `recovery`, docs/recovery.md). */
const POSITION = {
  type: 'object',
  description: "With the App's recovery: the push's position in its topic, which a client presents when it reconnects to get what it missed.",
  required: ['topic', 'epoch', 'offset'],
  properties: {
    topic: { type: 'string', description: '`room:<name>`, `route` (broadcasts) or `direct` (sendTo)' },
    epoch: { type: 'string' },
    offset: { type: 'integer', minimum: 1 },
  },
};
const ID = { description: "The client's correlation id, copied into the reply: any JSON value." };

/** The error codes switchboard itself sends (docs/events.md); apps add their own with WsError. */
export const ERROR_CODES: Readonly<Record<string, string>> = {
  validation_failed: "the event's schema rejected data; issues says where",
  invalid_data: 'data is not of the primitive type the handler declares',
  invalid_json: 'a plain handler that takes JSON received text that is not JSON',
  unknown_event: 'no handler has that event name',
  invalid_event: 'the frame is not a JSON object with a string event (or is binary)',
  internal_error: 'the handler failed (the server logged it)',
};

const errorMessage = {
  name: 'error',
  title: 'Error',
  summary: 'An error frame. It carries the event and id of the request it answers, when there was one; the connection stays open.',
  contentType: 'application/json',
  correlationId: CORRELATION,
  payload: {
    type: 'object',
    required: ['error'],
    properties: {
      event: { type: 'string' },
      id: ID,
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', description: "One of switchboard's codes, or an app's own WsError code.", examples: Object.keys(ERROR_CODES) },
          message: { type: 'string' },
          issues: {
            type: 'array',
            description: 'For validation_failed: each problem and where it is in `data`.',
            items: {
              type: 'object',
              required: ['message'],
              properties: { message: { type: 'string' }, path: { type: 'array', items: { type: ['string', 'number'] } } },
            },
          },
        },
      },
    },
  },
  examples: [
    {
      name: 'validation_failed',
      payload: { event: 'say', id: 1, error: { code: 'validation_failed', message: 'Too small', issues: [{ message: 'Too small', path: ['text'] }] } },
    },
    { name: 'unknown_event', payload: { event: 'dance', error: { code: 'unknown_event', message: 'No handler for event "dance"' } } },
  ],
  'x-error-codes': ERROR_CODES,
};

/** Keys of channels, operations and components: letters, digits, `_`, `-` and `.`, unique in their map. */
function keyIn(map: Record<string, unknown>, name: string): string {
  const base = name.replace(/[^\w.-]/g, '_') || '_';
  let key = base;
  for (let n = 2; key in map; n++) key = `${base}_${n}`;
  return key;
}

function checkInfo(info: AsyncApiInfo): void {
  const where = 'app.asyncapi(info)';
  if (info === null || typeof info !== 'object') throw invalidArgument(where, 'info', 'an object { title, version }', info);
  for (const key of ['title', 'version'] as const)
    if (typeof info[key] !== 'string' || info[key] === '') throw invalidArgument(where, `info.${key}`, 'a non-empty string', info[key]);
  for (const [name, server] of Object.entries(info.servers ?? {}))
    if (server === null || typeof server !== 'object' || typeof server.host !== 'string' || server.host === '')
      throw invalidArgument(where, `info.servers.${name}`, "an object { host: 'example.com:8000', protocol?: 'ws' | 'wss' }", server);
}

/** The message parameter's spec of a handler: the one that receives the message or event data. */
function messageSpec(specs: readonly Spec[]): Spec['kind'] | null {
  return specs.find((s) => ['text', 'number', 'boolean', 'json', 'message', 'buffer', 'uint8array', 'arraybuffer'].includes(s.kind))?.kind ?? null;
}

/** A primitive type a handler declares for its data, as JSON Schema; {} (any JSON) otherwise. */
function declaredType(kind: Spec['kind'] | null): JsonSchema {
  if (kind === 'text') return { type: 'string' };
  if (kind === 'number' || kind === 'boolean') return { type: kind };
  return {};
}

/** `recovery`: the App has the recovery option, so pushes of routes that keep it carry a position. */
export function asyncApiDocument(routes: readonly CompiledRoute[], info: AsyncApiInfo, recovery = false): AsyncApiDocument {
  checkInfo(info);
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const schemas: Record<string, JsonSchema> = {};

  /** The schema of one side of a validator, as a component ($ref) when it has one; else `fallback`. */
  const schemaFor = (name: string, schema: StandardSchemaV1 | undefined, direction: Direction, fallback: JsonSchema) => {
    const json = schema === undefined ? null : standardJsonSchema(schema, direction);
    return { ref: json === null ? fallback : addComponent(schemas, keyIn(schemas, name), json), examples: examplesOf(json) };
  };

  for (const route of routes) {
    const id = keyIn(channels, route.cls.name || 'route');
    const channelRef = { $ref: `#/channels/${id}` };
    const messageRef = (key: string) => ({ $ref: `#/channels/${id}/messages/${key}` });
    const typed = channelOf(route.cls);
    const messages: Record<string, unknown> = { error: { $ref: '#/components/messages/error' } };
    const sends: unknown[] = [];

    for (const [event, compiled] of route.events) {
      const key = keyIn(messages, event);
      const data = schemaFor(`${id}.${key}`, compiled.schema ?? undefined, 'input', declaredType(messageSpec(compiled.specs)));
      messages[key] = {
        name: event,
        title: event,
        summary: `The client sends "${event}"; exactly one reply or error frame answers a frame with an id.`,
        contentType: 'application/json',
        correlationId: CORRELATION,
        payload: { type: 'object', required: ['event'], properties: { event: { const: event }, data: data.ref, id: ID } },
        ...(data.examples.length === 0 ? {} : { examples: data.examples.map((example) => ({ payload: { event, data: example, id: 1 } })) }),
      };
      const request = typed?.requests[event];
      const reply = request?.reply === undefined ? null : schemaFor(`${id}.${key}.reply`, request.reply, 'output', {});
      const replyKey = keyIn(messages, `${key}.reply`);
      messages[replyKey] = {
        name: event,
        title: `${event} (reply)`,
        summary: `The reply to "${event}": what the handler returned, as "data".`,
        contentType: 'application/json',
        correlationId: CORRELATION,
        payload: {
          type: 'object',
          required: ['event'],
          // A typed request without a reply schema is answered with null.
          properties: { event: { const: event }, id: ID, data: reply?.ref ?? (request === undefined ? {} : { type: 'null' }) },
        },
        ...(reply === null || reply.examples.length === 0 ? {} : { examples: reply.examples.map((example) => ({ payload: { event, id: 1, data: example } })) }),
      };
      operations[keyIn(operations, `${id}.${key}`)] = {
        action: 'receive',
        channel: channelRef,
        title: event,
        summary: `Handles "${event}" (${route.cls.name}.${String(compiled.method)}).`,
        messages: [messageRef(key)],
        reply: { channel: channelRef, messages: [messageRef(replyKey), messageRef('error')] },
      };
    }

    const plain = route.handlers.message;
    if (plain !== null) {
      const kind = messageSpec(plain.specs);
      const binary = kind === 'buffer' || kind === 'uint8array' || kind === 'arraybuffer';
      const key = keyIn(messages, 'message');
      messages[key] = {
        name: 'message',
        title: route.events.size === 0 ? 'A message' : 'Any other frame',
        summary: route.events.size === 0 ? 'A frame the route handles.' : 'A frame that matches none of the events.',
        contentType: binary ? 'application/octet-stream' : kind === 'text' ? 'text/plain' : 'application/json',
        payload: binary ? { type: 'string', format: 'binary' } : declaredType(kind),
      };
      operations[keyIn(operations, `${id}.${key}`)] = {
        action: 'receive',
        channel: channelRef,
        title: 'message',
        summary: `Handles frames (${route.cls.name}.${String(plain.method)}); what it returns is sent back.`,
        messages: [messageRef(key)],
      };
    }

    const pushes = Object.entries(typed?.events ?? {});
    for (const [event, schema] of pushes) {
      const key = keyIn(messages, event);
      const data = schemaFor(`${id}.${key}`, schema, 'output', {});
      messages[key] = {
        name: event,
        title: event,
        summary: `The server pushes "${event}".`,
        contentType: 'application/json',
        payload: {
          type: 'object',
          required: ['event', 'data'],
          properties: { event: { const: event }, data: data.ref, ...(recovery && route.recovery ? { pos: POSITION } : {}) },
        },
        ...(data.examples.length === 0 ? {} : { examples: data.examples.map((example) => ({ payload: { event, data: example } })) }),
      };
      sends.push(messageRef(key));
    }
    if (pushes.length === 0) {
      const key = keyIn(messages, 'push');
      messages[key] = {
        name: 'push',
        title: 'Sent by the route',
        summary: "What the route sends besides replies to events: plain handlers' and @OnConnect's return values, ws.send, broadcasts and room publishes.",
        description: "Their shape is the app's: declare the route with a channel to document its events.",
        payload: {},
      };
      sends.push(messageRef(key));
    }
    operations[keyIn(operations, `${id}.send`)] = {
      action: 'send',
      channel: channelRef,
      title: 'pushes',
      summary: `What ${route.cls.name} sends to its clients.`,
      messages: [...sends, messageRef('error')],
    };

    channels[id] = {
      address: route.paramNames.reduce((address, name) => address.replace(`:${name}`, `{${name}}`), route.uwsPattern),
      title: route.cls.name,
      summary: `WebSocket route ${route.pattern}`,
      ...(route.paramNames.length === 0
        ? {}
        : { parameters: Object.fromEntries(route.paramNames.map((name) => [name, { description: `Path parameter "${name}".` }])) }),
      messages,
      ...bindingsOf(route),
    };
  }

  const servers = Object.entries(info.servers ?? {}).map(([name, s]) => [
    name,
    { host: s.host, protocol: s.protocol ?? 'ws', ...(s.description === undefined ? {} : { description: s.description }) },
  ]);
  return {
    asyncapi: '3.0.0',
    info: { title: info.title, version: info.version, ...(info.description === undefined ? {} : { description: info.description }) },
    ...(servers.length === 0 ? {} : { servers: Object.fromEntries(servers) }),
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { schemas, messages: { error: errorMessage } },
  };
}

/** The query and header values the route's handlers read with @Query and @Header, as the ws binding. */
function bindingsOf(route: CompiledRoute): Record<string, unknown> {
  const query = new Set<string>();
  const headers = new Set<string>();
  for (const handler of [...Object.values(route.handlers), ...route.events.values()])
    for (const spec of handler?.specs ?? []) {
      if (spec.kind === 'query') query.add(spec.name);
      if (spec.kind === 'header') headers.add(spec.name);
    }
  const object = (names: Set<string>) => ({ type: 'object', properties: Object.fromEntries([...names].map((n) => [n, { type: 'string' }])) });
  if (query.size === 0 && headers.size === 0) return {};
  return {
    bindings: {
      ws: {
        method: 'GET',
        ...(query.size === 0 ? {} : { query: object(query) }),
        ...(headers.size === 0 ? {} : { headers: object(headers) }),
        bindingVersion: '0.1.0',
      },
    },
  };
}
