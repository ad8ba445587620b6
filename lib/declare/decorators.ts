/**
 * The decorators. They only record metadata (metadata.ts); nothing here touches the runtime, so a
 * class can be declared before any App exists and compiled once at register().
 */
import { invalidArgument } from '../util/errors';
import { isStandardSchema, type StandardSchemaV1 } from '../client/standard-schema';
import { addHandler, decoratorOf, setExplicitParam, setRoute, type HandlerKind, type ProviderToken } from './metadata';
import type { RouteOptions } from './options';

type ClassDecorator = (target: abstract new (...args: never[]) => unknown) => void;
type MethodDecorator = (prototype: object, method: string | symbol, descriptor: PropertyDescriptor) => void;
type ParamDecorator = (target: object, method: string | symbol | undefined, index: number) => void;

/**
 * Binds a class to a WebSocket route. `:name` and `{name}` segments become `ws.params.name`.
 * @example
 * @WebSocketRoute('/ws/{clientId}', { maxQueuedMessages: 64 })
 * class Chat { @OnMessage() message(ws: Connector, text: string) { return `You wrote: ${text}`; } }
 */
export function WebSocketRoute(pattern: string, options: RouteOptions = {}): ClassDecorator {
  if (typeof pattern !== 'string') throw invalidArgument('@WebSocketRoute(pattern)', 'pattern', "a string such as '/ws/:id'", pattern);
  if (options === null || typeof options !== 'object') throw invalidArgument('@WebSocketRoute(pattern, options)', 'options', 'an object', options);
  return (target) => setRoute(target, { pattern, options });
}

function lifecycle(kind: HandlerKind, event?: string, schema?: StandardSchemaV1): MethodDecorator {
  return (prototype, method, descriptor) => {
    if (typeof descriptor.value !== 'function') throw invalidArgument(`${decoratorOf(kind)}()`, String(method), 'a method', descriptor.value);
    addHandler(prototype, event === undefined ? { kind, method } : { kind, method, event, ...(schema === undefined ? {} : { schema }) });
  };
}

/** Options of `@OnMessage(event, options)`. */
export interface EventOptions {
  /** Validates `data` before the handler runs: any Standard Schema validator (zod 4, valibot, arktype…). */
  schema?: StandardSchemaV1;
}

/**
 * Runs once the socket is open; its return value is sent to this client only.
 * @example
 * @OnConnect() connect(ws: Connector) { return `Welcome, client #${ws.params.clientId}`; }
 */
export function OnConnect(): MethodDecorator {
  return lifecycle('connect');
}

/**
 * Runs for each message, in arrival order; its return value is the reply. With an event name, it takes
 * only JSON frames `{"event":"<name>","data":…,"id"?:…}`, receives `data` as the message, and replies
 * `{"event":"<name>","data":<return value>}` (with the client's `id`). See docs/events.md.
 * @example
 * @OnMessage() message(ws: Connector, text: string) { return `You wrote: ${text}`; }
 * @OnMessage('chat', { schema: z.object({ text: z.string() }) }) chat(ws: Connector, msg: { text: string }) { … }
 */
export function OnMessage(event?: string, options: EventOptions = {}): MethodDecorator {
  if (event !== undefined && (typeof event !== 'string' || event === '')) throw invalidArgument('@OnMessage(event)', 'event', 'a non-empty string', event);
  if (options === null || typeof options !== 'object') throw invalidArgument('@OnMessage(event, options)', 'options', 'an object', options);
  if (options.schema !== undefined && !isStandardSchema(options.schema))
    throw invalidArgument('@OnMessage(event, { schema })', 'schema', 'a Standard Schema validator (zod 4, valibot, arktype…)', options.schema);
  if (options.schema !== undefined && event === undefined) throw invalidArgument('@OnMessage(event, { schema })', 'event', 'given when a schema is', event);
  return lifecycle('message', event, options.schema);
}

/**
 * Runs after the connection has closed and the last message handler has finished. Its return value is
 * ignored: there is no socket left to send it to.
 * @example
 * @OnClose() close(ws: Connector, code: number, reason: string) { ws.broadcast(`${ws.id} left`); }
 */
export function OnClose(): MethodDecorator {
  return lifecycle('close');
}

/**
 * Runs when this connection's send buffer has drained after backpressure (`ws.bufferedAmount` fell),
 * so a handler that pushes a lot can resume sending. Its return value is ignored and errors are only
 * logged: it is a signal, outside the message order, and may run while an async handler is pending.
 * @example
 * @OnDrain() drain(ws: Connector) { while (ws.bufferedAmount < 64 * 1024 && feed.hasMore()) ws.send(feed.next()); }
 */
export function OnDrain(): MethodDecorator {
  return lifecycle('drain');
}

/**
 * Runs at the HTTP upgrade, before any socket exists. Return `false` to reject with 403, throw
 * `HttpError` for another status, or return an object to seed `ws.state`. May be async.
 * @example
 * @OnUpgrade() auth(req: UpgradeRequest) {
 *   if (req.queryParams.get('token') !== 'wst') throw new HttpError(401, 'Bad token');
 *   return { user: 'alice' };
 * }
 */
export function OnUpgrade(): MethodDecorator {
  return lifecycle('upgrade');
}

function explicit(where: string, name: unknown, make: () => Parameters<typeof setExplicitParam>[3]): ParamDecorator {
  if (typeof name !== 'string' || name === '') throw invalidArgument(where, 'name', 'a non-empty string', name);
  return (target, method, index) => setExplicitParam(target, method, index, make());
}

/**
 * Injects a value given to `app.provide(token, value)`. Works on handler and constructor parameters.
 * @example
 * constructor(@Inject('greeting') private readonly greeting: string) {}
 */
export function Inject(token: ProviderToken): ParamDecorator {
  const ok = typeof token === 'string' || typeof token === 'symbol' || typeof token === 'function';
  if (!ok || token === '') throw invalidArgument('@Inject(token)', 'token', 'a class, a non-empty string or a symbol', token);
  return (target, method, index) => setExplicitParam(target, method, index, { kind: 'inject', token });
}

/**
 * Injects one query-string value of the upgrade request (`null` when absent).
 * @example
 * @OnMessage() message(@Query('name') name: string | null) { return `Hello ${name}`; }
 */
export function Query(name: string): ParamDecorator {
  return explicit('@Query(name)', name, () => ({ kind: 'query', name }));
}

/**
 * Injects one path parameter of the route.
 * @example
 * @OnConnect() connect(@Param('clientId') id: string) { return `Welcome, client #${id}`; }
 */
export function Param(name: string): ParamDecorator {
  return explicit('@Param(name)', name, () => ({ kind: 'param', name }));
}

/**
 * Injects one request header of the upgrade (name matched case-insensitively; `undefined` when absent).
 * @example
 * @OnConnect() connect(@Header('user-agent') agent: string | undefined) { return agent; }
 */
export function Header(name: string): ParamDecorator {
  return explicit('@Header(name)', name, () => ({ kind: 'header', name: name.toLowerCase() }));
}
