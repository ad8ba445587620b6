/**
 * The decorators. They only record metadata (metadata.ts); nothing here touches the runtime, so a
 * class can be declared before any App exists and compiled once at register().
 *
 * Each works in both decorator modes, told apart by the arguments it is called with: experimentalDecorators
 * pass (prototype, name, descriptor) to a method decorator and (class) to a class decorator; standard (TC39)
 * decorators pass (value, context), where context has a `kind`. Parameter decorators exist only in the
 * first mode.
 */
import type { AnyChannel, RequestSpec } from '../contract/channel';
import { isStandardSchema, type InferOutput, type StandardSchemaV1 } from '../contract/standard-schema';
import { invalidArgument, SwitchboardError } from '../util/errors';
import { checkKeys } from '../util/validate';
import type { Connector } from './connector';
import { addHandler, addStandardHandler, decoratorOf, setExplicitParam, setRoute, type HandlerMeta, type MessageKind } from './metadata';
import { isToken, type ProviderToken, type RouteClass, type RouteOptions } from './route-options';

/** Any method. */
export type AnyMethod = (...args: never[]) => unknown;

/**
 * What switchboard's method decorators are: callable as experimentalDecorators call them and as standard
 * decorators do. `M` is the type a decorated method must have (its parameters and return type); `S` the
 * type it must have under standard decorators, which are stricter: there, no design type and no parameter
 * decorator can say what a parameter is, so the parameters are what the positional convention passes, and
 * a method that cannot take them (`message(text: string)` given the Connector first) is a compile error
 * rather than a handler that runs with the wrong value.
 */
export interface HandlerDecorator<M extends AnyMethod = AnyMethod, S extends AnyMethod = M> {
  (method: S, context: ClassMethodDecoratorContext): void;
  // Last: experimentalDecorators try both signatures, and TypeScript 7 reports only the last one's error.
  <T extends M>(prototype: object, method: string | symbol, descriptor: TypedPropertyDescriptor<T>): void;
}

/**
 * The Connector as a parameter type that every `Connector<State, Route>` a handler may declare accepts
 * (`state` has a getter and a setter, so no one instance of the type parameters would).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConnector = Connector<any, any>;

/**
 * Under standard decorators: a handler that takes the Connector first, `Rest` next (what the positional
 * convention or an explicit kind passes), and anything after them (dependencies).
 */
export type StandardHandler<Rest extends unknown[], Return = unknown> = (ws: AnyConnector, ...args: [...Rest, ...never[]]) => Return;

/** `@WebSocketRoute`, in either decorator mode. */
export type RouteDecorator = (target: RouteClass, context?: ClassDecoratorContext) => void;

/** A parameter decorator (`@Inject`, `@Query`, `@Param`, `@Header`); they exist with experimentalDecorators only. */
export type ParamDecorator = (target: object, method: string | symbol | undefined, index: number) => void;

/** A handler that takes the message (or event data) as its second parameter; the first is the Connector. */
export type MessageHandler<Message, Return = unknown> = (ws: never, message: Message, ...rest: never[]) => Return;

/** What a handler of the request `S` answers: the output of its reply schema, or nothing (the client then receives `null`). */
type ReplyOf<S extends RequestSpec> = S['reply'] extends StandardSchemaV1 ? InferOutput<S['reply']> : void | null | undefined;

/** What a handler of the request `S` returns: its answer, or a Promise of it. */
export type RequestReply<S extends RequestSpec> = ReplyOf<S> | PromiseLike<ReplyOf<S>>;

/**
 * The type of a handler of the request `S`: `(ws, data)` with data of the schema's output type, returning
 * its reply (spelt out rather than through RequestReply, so a compiler error shows the reply's type itself).
 */
export type RequestHandler<S extends RequestSpec> = (ws: never, data: InferOutput<S['data']>, ...rest: never[]) => ReplyOf<S> | PromiseLike<ReplyOf<S>>;

/** The positional convention's message: the frame as sent, a string for a text frame and a Buffer for a binary one. */
export type RawMessage = string | Buffer;

/** The message each explicit kind gives a plain `@OnMessage` (`'json'` may be any type). */
interface MessageOf {
  text: string;
  json: never;
  bytes: Buffer;
  raw: string | Buffer;
}

/** The kinds event data can be asked as: it is JSON, never bytes. */
export type EventKind = Exclude<MessageKind, 'bytes'>;

/** Options of `@OnMessage(options)`. */
export interface MessageOptions {
  /**
   * What the message parameter receives: `'text'` a string, `'json'` the parsed JSON, `'bytes'` a Buffer
   * (a copy), `'raw'` a string for a text frame and a Buffer for a binary one. With it, the handler's
   * parameters are `(ws, message, dependencies)` whatever the compiler: the first two are not read from design types.
   */
  as?: MessageKind;
}

/** Options of `@OnMessage(event, options)`. */
export interface EventOptions {
  /** Validates `data` before the handler runs: any Standard Schema validator (zod 4, valibot, arktype…). Implies `as: 'json'`. */
  schema?: StandardSchemaV1;
  /** What the data parameter receives: `'json'` (or `'raw'`) the data as sent, `'text'` a string (else `invalid_data`). */
  as?: EventKind;
}

const kinds: readonly MessageKind[] = ['text', 'json', 'bytes', 'raw'];

/** A standard decorator's context, or null when called by experimentalDecorators. */
function standardContext(second: unknown): DecoratorContext | null {
  return typeof second === 'object' && second !== null && 'kind' in second ? (second as DecoratorContext) : null;
}

function checkOptions(where: string, options: unknown, keys: readonly string[]): Record<string, unknown> {
  if (options === null || typeof options !== 'object') throw invalidArgument(where, 'options', 'an object', options);
  checkKeys(where, options, keys);
  return options as Record<string, unknown>;
}

/**
 * Binds a class to a WebSocket route: a pattern, where `:name` and `{name}` segments become `ws.params.name`,
 * or a channel (`defineChannel`), whose pattern it takes.
 * @example
 * @WebSocketRoute('/ws/{clientId}', { maxQueuedMessages: 64 })
 * class Chat { @OnMessage({ as: 'text' }) message(ws: Connector, text: string) { return `You wrote: ${text}`; } }
 * @example
 * @WebSocketRoute(chat) // chat = defineChannel('/chat/{room}', { requests, events })
 * class ChatRoute { @OnMessage(chat.requests.say) say(ws: Connector, msg: { text: string }) { return { at: Date.now() }; } }
 */
export function WebSocketRoute(route: string | AnyChannel, options: RouteOptions = {}): RouteDecorator {
  const where = '@WebSocketRoute(pattern)';
  const channel = typeof route === 'object' && route !== null ? route : null;
  const pattern: unknown = channel === null ? route : channel.pattern;
  if (typeof pattern !== 'string') throw invalidArgument(where, 'pattern', "a string such as '/ws/:id', or a channel made by defineChannel()", route);
  if (options === null || typeof options !== 'object') throw invalidArgument('@WebSocketRoute(pattern, options)', 'options', 'an object', options);
  return (target, context?: unknown) => {
    // experimentalDecorators call a class decorator with the class alone, standard ones add a context of kind 'class'.
    if (context !== undefined && standardContext(context)?.kind !== 'class') {
      const name: unknown = standardContext(context)?.name ?? context;
      throw new SwitchboardError(
        'SWB_ERR_INVALID_ARGUMENT',
        `@WebSocketRoute decorates a class; it was put on ${typeof name === 'string' ? name : typeof name === 'symbol' ? name.toString() : 'a member'}.`,
      );
    }
    setRoute(target, { pattern, options, channel });
  };
}

/** The decorator of one handler: records it in the mode it is called in. */
function handler(meta: Omit<HandlerMeta, 'method'>): HandlerDecorator {
  const decorator = `${decoratorOf(meta.kind)}()`;
  return (target: unknown, second: unknown, descriptor?: PropertyDescriptor): void => {
    const context = standardContext(second);
    if (context === null) {
      // experimentalDecorators: a static method's decorator gets the class itself instead of the prototype.
      if (typeof descriptor?.value !== 'function' || typeof target === 'function')
        throw invalidArgument(decorator, String(second), 'an instance method', descriptor?.value);
      addHandler(target as object, { ...meta, method: second as string | symbol });
      return;
    }
    if (context.kind !== 'method' || context.static || context.private) {
      const what = context.kind === 'class' ? 'a class' : context.private ? 'a private member' : `a ${context.static ? 'static ' : ''}${context.kind}`;
      throw new SwitchboardError(
        'SWB_ERR_INVALID_ARGUMENT',
        `${decorator} decorates an instance method with a public name; it was put on ${what} (${String(context.name)}).`,
      );
    }
    if (context.metadata === undefined)
      throw invalidArgument(
        decorator,
        'context.metadata',
        'an object (Symbol.metadata must exist when the class is defined: import switchboard first)',
        context.metadata,
      );
    addStandardHandler(context.metadata, { ...meta, method: context.name });
  };
}

/**
 * Runs once the socket is open; its return value is sent to this client only.
 * @example
 * @OnConnect() connect(ws: Connector) { return `Welcome, client #${ws.params.clientId}`; }
 */
export function OnConnect(): HandlerDecorator<AnyMethod, StandardHandler<[]>> {
  return handler({ kind: 'connect' });
}

/**
 * Runs for each message, in arrival order; its return value is the reply. Forms:
 * - `@OnMessage()`: every message that matched no event; the message parameter's type says what it
 *   receives (with decorator metadata), else it is positional (`(ws, message, dependencies)`).
 * - `@OnMessage({ as })`: the same, with the message's kind said explicitly.
 * - `@OnMessage('event', { schema, as })`: JSON frames `{"event":"<name>","data":…,"id"?:…}`; the handler
 *   receives `data` and its return value is sent as `{"event":"<name>","data":…}` (with the client's `id`).
 * - `@OnMessage(channel.requests.name)`: a channel's request: its event name and data schema; the handler
 *   must take the data's type and return the reply's (type-checked). See docs/events.md and docs/client.md.
 * @example
 * @OnMessage({ as: 'text' }) message(ws: Connector, text: string) { return `You wrote: ${text}`; }
 * @OnMessage('chat', { schema: z.object({ text: z.string() }) }) chat(ws: Connector, msg: { text: string }) { … }
 * @OnMessage(chat.requests.say) say(ws: Connector, msg: { text: string }) { return { at: Date.now() }; }
 */
export function OnMessage<K extends MessageKind>(
  options: MessageOptions & { as: K },
): HandlerDecorator<MessageHandler<MessageOf[K]>, StandardHandler<[message: MessageOf[K]]>>;
export function OnMessage(options?: MessageOptions): HandlerDecorator<AnyMethod, StandardHandler<[message: RawMessage]>>;
export function OnMessage<S extends StandardSchemaV1>(
  event: string,
  options: EventOptions & { schema: S },
): HandlerDecorator<MessageHandler<InferOutput<S>>, StandardHandler<[data: InferOutput<S>]>>;
export function OnMessage<K extends EventKind>(
  event: string,
  options: EventOptions & { as: K },
): HandlerDecorator<MessageHandler<MessageOf[K]>, StandardHandler<[data: MessageOf[K]]>>;
export function OnMessage(event: string, options?: EventOptions): HandlerDecorator<AnyMethod, StandardHandler<[data: unknown]>>;
export function OnMessage<S extends RequestSpec>(
  request: S,
): HandlerDecorator<RequestHandler<S>, StandardHandler<[data: InferOutput<S['data']>], ReplyOf<S> | PromiseLike<ReplyOf<S>>>>;
export function OnMessage(first?: string | MessageOptions | RequestSpec, second?: EventOptions): HandlerDecorator {
  if (typeof first === 'string') return event(first, second);
  if (second !== undefined) throw invalidArgument('@OnMessage(options)', 'a second argument', 'absent (options come first without an event name)', second);
  if (first !== null && typeof first === 'object' && 'event' in first) return request(first);
  const options = checkOptions('@OnMessage(options)', first ?? {}, ['as']);
  if (options.as !== undefined && !kinds.includes(options.as as MessageKind))
    throw invalidArgument('@OnMessage({ as })', 'as', `one of ${kinds.map((k) => `'${k}'`).join(', ')}`, options.as);
  return handler({ kind: 'message', ...(options.as === undefined ? {} : { as: options.as as MessageKind }) });
}

function event(name: string, given: EventOptions = {}): HandlerDecorator {
  if (name === '') throw invalidArgument('@OnMessage(event)', 'event', 'a non-empty string', name);
  const options = checkOptions('@OnMessage(event, options)', given, ['schema', 'as']);
  const { schema, as } = options;
  if (schema !== undefined && !isStandardSchema(schema))
    throw invalidArgument('@OnMessage(event, { schema })', 'schema', 'a Standard Schema validator (zod 4, valibot, arktype…)', schema);
  if (as !== undefined && as !== 'text' && as !== 'json' && as !== 'raw')
    throw invalidArgument('@OnMessage(event, { as })', 'as', `'text', 'json' or 'raw' (event data is JSON, never bytes)`, as);
  if (schema !== undefined && as !== undefined && as !== 'json')
    throw invalidArgument('@OnMessage(event, { schema, as })', 'as', "'json' or absent (a schema implies it)", as);
  return handler({ kind: 'message', event: name, ...(schema === undefined ? {} : { schema }), ...(as === undefined ? {} : { as }) });
}

function request(spec: RequestSpec): HandlerDecorator {
  const ok = typeof spec.event === 'string' && spec.event !== '' && isStandardSchema(spec.data) && (spec.reply === undefined || isStandardSchema(spec.reply));
  if (!ok) throw invalidArgument('@OnMessage(request)', 'request', 'a request of a channel, like chat.requests.say', spec);
  return handler({ kind: 'message', event: spec.event, schema: spec.data, request: spec });
}

/**
 * Runs after the connection has closed and the last message handler has finished. Its return value is
 * ignored: there is no socket left to send it to. Positional parameters are `(ws, code, reason)`.
 * @example
 * @OnClose() close(ws: Connector, code: number, reason: string) { ws.broadcast(`${ws.id} left`); }
 */
export function OnClose(): HandlerDecorator<AnyMethod, StandardHandler<[code: number, reason: string]>> {
  return handler({ kind: 'close' });
}

/**
 * Runs when this connection's send buffer has drained after backpressure (`ws.bufferedAmount` fell),
 * so a handler that pushes a lot can resume sending. Its return value is ignored and errors are only
 * logged: it is a signal, outside the message order, and may run while an async handler is pending.
 * @example
 * @OnDrain() drain(ws: Connector) { while (ws.bufferedAmount < 64 * 1024 && feed.hasMore()) ws.send(feed.next()); }
 */
export function OnDrain(): HandlerDecorator<AnyMethod, StandardHandler<[]>> {
  return handler({ kind: 'drain' });
}

/**
 * What an `@OnUpgrade<State>()` handler returns: `false` (403), the state its connections start with,
 * or a Promise of either. Without a type argument any return is accepted (a non-object seeds nothing).
 */
export type UpgradeHandler<State> = [State] extends [undefined] ? AnyMethod : (req: never, ...rest: never[]) => false | State | PromiseLike<false | State>;

/**
 * Runs at the HTTP upgrade, before any socket exists. Return `false` to reject with 403, throw
 * `HttpError` for another status, or return an object to seed `ws.state`. May be async.
 * The type argument ties the return to the state the route's handlers declare: `@OnUpgrade<Member>()`
 * makes a handler that returns anything but a `Member` (or `false`) a compile error. A method decorator
 * cannot see the class's other handlers, so the compiler cannot infer it (NoInfer: standard decorators
 * would otherwise infer it from the method itself).
 * @example
 * @OnUpgrade<{ user: string }>() auth(req: UpgradeRequest) {
 *   if (req.queryParams.get('token') !== 'wst') throw new HttpError(401, 'Bad token');
 *   return { user: 'alice' };
 * }
 */
export function OnUpgrade<State extends object | undefined = undefined>(): HandlerDecorator<UpgradeHandler<NoInfer<State>>> {
  return handler({ kind: 'upgrade' });
}

/**
 * A parameter decorator's body. Called any other way (on a field or method, or by standard decorators,
 * which have no parameter decorators) it throws, naming what to use instead.
 */
function parameter(decorator: string, instead: string, param: Parameters<typeof setExplicitParam>[3]): ParamDecorator {
  return (target, method, index) => {
    if (typeof index !== 'number') {
      const context = standardContext(method);
      const where =
        context === null
          ? `${String(method)}, a field or method`
          : `the ${context.kind} ${String(context.name)}, under standard decorators (TypeScript without experimentalDecorators)`;
      throw new SwitchboardError(
        'SWB_ERR_INVALID_ARGUMENT',
        `${decorator} decorates a parameter, and parameter decorators exist only with experimentalDecorators; it was put on ${where}. ${instead}`,
      );
    }
    setExplicitParam(target, method, index, param);
  };
}

const readInHandler = (what: string): string => `Read ${what} in the handler instead (it is also on the UpgradeRequest).`;

/**
 * Injects a value given to `app.provide(token, value)`. Works on handler and constructor parameters, with
 * experimentalDecorators; under standard decorators, list constructor tokens in the route option `inject`.
 * @example
 * constructor(@Inject('greeting') private readonly greeting: string) {}
 */
export function Inject(token: ProviderToken): ParamDecorator {
  if (!isToken(token)) throw invalidArgument('@Inject(token)', 'token', 'a class, a non-empty string or a symbol', token);
  return parameter(
    '@Inject(token)',
    "For a route's constructor use the route option inject: [token, …] (@WebSocketRoute(pattern, { inject })), and keep the value on this.",
    { kind: 'inject', token },
  );
}

function named(decorator: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') throw invalidArgument(decorator, 'name', 'a non-empty string', name);
}

/**
 * Injects one query-string value of the upgrade request (`null` when absent). With standard decorators,
 * read `ws.queryParams.get(name)`.
 * @example
 * @OnMessage() message(@Query('name') name: string | null) { return `Hello ${name}`; }
 */
export function Query(name: string): ParamDecorator {
  named('@Query(name)', name);
  return parameter('@Query(name)', readInHandler(`ws.queryParams.get('${name}')`), { kind: 'query', name });
}

/**
 * Injects one path parameter of the route. With standard decorators, read `ws.params[name]`.
 * @example
 * @OnConnect() connect(@Param('clientId') id: string) { return `Welcome, client #${id}`; }
 */
export function Param(name: string): ParamDecorator {
  named('@Param(name)', name);
  return parameter('@Param(name)', readInHandler(`ws.params.${name}`), { kind: 'param', name });
}

/**
 * Injects one request header of the upgrade (name matched case-insensitively; `undefined` when absent).
 * With standard decorators, read `ws.headers[name]` (lower-case names).
 * @example
 * @OnConnect() connect(@Header('user-agent') agent: string | undefined) { return agent; }
 */
export function Header(name: string): ParamDecorator {
  named('@Header(name)', name);
  return parameter('@Header(name)', readInHandler(`ws.headers['${name.toLowerCase()}']`), { kind: 'header', name: name.toLowerCase() });
}
