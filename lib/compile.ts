/**
 * At register: a route class's metadata → a CompiledRoute (validated parameter specs); at listen:
 * bound to the providers → a frozen RoutePlan of plain functions. Nothing here runs per message except
 * the resolvers and invokers it returns, which do no reflection and no lookups.
 */
import { isUtf8 } from 'node:buffer';
import { Connector } from './connector';
import { describe, SwitchboardError, ValidationError, WsError } from './errors';
import { parseJson, type JsonPolicy } from './json';
import { getDesignParamTypes, getExplicitParams, getHandlers, getRoute, type ExplicitParam, type HandlerKind, type ProviderToken } from './metadata';
import { checkRouteOptions, resolveTransport, type ResolvedTransport, type RouteClass, type RouteOptions } from './options';
import { parsePattern } from './route-pattern';
import type { Reply } from './reply';
import type { StandardResult, StandardSchemaV1 } from './standard-schema';
import type { UpgradeRequest } from './upgrade-request';

/** What one parameter receives. */
type Spec =
  | {
      readonly kind:
        'connector' | 'text' | 'number' | 'boolean' | 'json' | 'buffer' | 'uint8array' | 'arraybuffer' | 'message' | 'code' | 'reason' | 'deps' | 'request';
    }
  | ExplicitParam;

interface CompiledHandler {
  readonly method: string | symbol;
  readonly specs: readonly Spec[];
}

interface CompiledEvent extends CompiledHandler {
  readonly schema: StandardSchemaV1 | null;
}

export interface CompiledRoute {
  readonly cls: RouteClass;
  readonly pattern: string;
  readonly uwsPattern: string;
  /** See ParsedPattern.shape. */
  readonly shape: string;
  readonly paramNames: readonly string[];
  readonly transport: ResolvedTransport;
  readonly onError: NonNullable<RouteOptions['onError']> | null;
  readonly constructorSpecs: readonly ProviderToken[];
  readonly handlers: Readonly<Record<HandlerKind, CompiledHandler | null>>;
  /** `@OnMessage('event')` handlers by event name. */
  readonly events: ReadonlyMap<string, CompiledEvent>;
}

export type Invoker<D = ArrayBuffer> = (c: Connector, data: D, isBinary: boolean) => unknown;
export type CloseInvoker = (c: Connector, code: number, reason: string) => unknown;
export type UpgradeInvoker = (req: UpgradeRequest) => unknown;

/** A route ready to serve: every field set in one shape, absent handlers null. */
export interface RoutePlan {
  readonly name: string;
  readonly pattern: string;
  readonly uwsPattern: string;
  readonly paramNames: readonly string[];
  /** uWS pub/sub topic every connection of the route subscribes to, for broadcast. */
  readonly topic: string;
  readonly transport: ResolvedTransport;
  /** The App's policy for prototype keys in parsed JSON (event frames are parsed by dispatch). */
  readonly json: JsonPolicy;
  readonly onError: ((error: unknown, ws: Connector) => Reply | Promise<Reply>) | null;
  readonly onUpgrade: UpgradeInvoker | null;
  readonly onConnect: Invoker | null;
  readonly onMessage: Invoker | null;
  /** Event handlers by name, receiving the frame's `data`; null when the route has none. */
  readonly events: ReadonlyMap<string, Invoker<unknown>> | null;
  readonly onClose: CloseInvoker | null;
  /** `@OnDrain`: the send buffer has drained after backpressure. */
  readonly onDrain: Invoker | null;
}

const positional: Record<HandlerKind, readonly Spec[]> = {
  upgrade: [{ kind: 'request' }, { kind: 'deps' }],
  connect: [{ kind: 'connector' }, { kind: 'deps' }],
  message: [{ kind: 'connector' }, { kind: 'message' }, { kind: 'deps' }],
  close: [{ kind: 'connector' }, { kind: 'code' }, { kind: 'reason' }],
  drain: [{ kind: 'connector' }, { kind: 'deps' }],
};

const messageKinds = new Set(['text', 'number', 'boolean', 'json', 'buffer', 'uint8array', 'arraybuffer', 'message']);
const notInjectable = new Set<unknown>([Boolean, Function, Symbol, BigInt, Promise, Date, RegExp, Map, Set, WeakMap, WeakSet, Error]);

function typeName(type: unknown): string {
  return typeof type === 'function' && type.name ? type.name : String(type);
}

/** Reads and validates a route class's declarations; throws SwitchboardError naming the fix. */
export function compileRoute(cls: RouteClass, appTransport: ResolvedTransport): CompiledRoute {
  if (typeof cls !== 'function')
    throw new SwitchboardError('SWB_ERR_NOT_A_ROUTE', `register() takes route classes, got ${typeName(cls)}. Pass the class itself, not an instance.`);
  const route = getRoute(cls);
  if (route === undefined)
    throw new SwitchboardError(
      'SWB_ERR_NOT_A_ROUTE',
      `${cls.name || 'This class'} has no @WebSocketRoute(pattern). Decorate the class, e.g. @WebSocketRoute('/ws').`,
    );
  const where = `@WebSocketRoute on ${cls.name}`;
  const parsed = parsePattern(route.pattern, where);
  checkRouteOptions(where, route.options);

  const handlers: Record<HandlerKind, CompiledHandler | null> = { upgrade: null, connect: null, message: null, close: null, drain: null };
  const events = new Map<string, CompiledEvent>();
  for (const { kind, method, event, schema } of getHandlers(cls.prototype as object)) {
    const label = `${cls.name}.${String(method)}`;
    if (event !== undefined) {
      const other = events.get(event);
      if (other !== undefined)
        throw new SwitchboardError(
          'SWB_ERR_DUPLICATE_HANDLER',
          `${cls.name} declares two @OnMessage('${event}') handlers (${String(other.method)} and ${String(method)}). Keep one and call the other from it.`,
        );
      const fn = (cls.prototype as Record<string | symbol, unknown>)[method] as (...args: unknown[]) => unknown;
      events.set(event, { method, schema: schema ?? null, specs: compileParams(label, kind, cls.prototype as object, method, fn.length, parsed.names, true) });
      continue;
    }
    const existing = handlers[kind];
    if (existing !== null)
      throw new SwitchboardError(
        'SWB_ERR_DUPLICATE_HANDLER',
        `${cls.name} declares two @On${kind[0]!.toUpperCase()}${kind.slice(1)} handlers (${String(existing.method)} and ${String(method)}). Keep one and call the other from it.`,
      );
    const fn = (cls.prototype as Record<string | symbol, unknown>)[method] as (...args: unknown[]) => unknown;
    handlers[kind] = { method, specs: compileParams(label, kind, cls.prototype as object, method, fn.length, parsed.names, false) };
  }

  return Object.freeze({
    cls,
    pattern: route.pattern,
    uwsPattern: parsed.uws,
    shape: parsed.shape,
    paramNames: parsed.names,
    transport: resolveTransport(where, route.options, appTransport),
    onError: route.options.onError ?? null,
    constructorSpecs: compileConstructor(cls),
    handlers: Object.freeze(handlers),
    events,
  });
}

function compileParams(
  label: string,
  kind: HandlerKind,
  proto: object,
  method: string | symbol,
  arity: number,
  routeParams: readonly string[],
  isEvent: boolean,
): Spec[] {
  const explicit = getExplicitParams(proto, method);
  const design = getDesignParamTypes(proto, method);
  const count = Math.max(design?.length ?? arity, explicit.length);
  const specs: Spec[] = [];
  for (let i = 0; i < count; i++) {
    const unresolved = (why: string, fix: string): SwitchboardError =>
      new SwitchboardError('SWB_ERR_UNRESOLVED_PARAMETER', `${label}: parameter #${i} (${design ? typeName(design[i]) : 'untyped'}) ${why}. ${fix}`);
    const ex = explicit[i];
    let spec: Spec;
    if (ex !== undefined) {
      if (ex.kind === 'param' && !routeParams.includes(ex.name))
        throw unresolved(`asks for @Param('${ex.name}'), which the route pattern does not have`, `Pattern parameters: ${routeParams.join(', ') || 'none'}.`);
      spec = ex;
    } else if (design === undefined) {
      const p = positional[kind][i];
      if (p === undefined)
        throw unresolved(
          `is beyond the positional convention (${positional[kind].map((s) => s.kind).join(', ')})`,
          'Enable emitDecoratorMetadata, or use @Inject/@Query/@Param/@Header on it.',
        );
      spec = p;
    } else if (kind === 'upgrade' && i === 0) {
      spec = { kind: 'request' };
    } else {
      spec =
        isEvent && (design[i] === Number || design[i] === Boolean)
          ? { kind: design[i] === Number ? 'number' : 'boolean' }
          : fromDesignType(kind, design[i], unresolved);
    }
    if (isEvent && (spec.kind === 'buffer' || spec.kind === 'uint8array' || spec.kind === 'arraybuffer'))
      throw unresolved('asks for bytes, but event data is JSON', 'Declare an object type (or string), or take binary frames in a plain @OnMessage().');
    if (messageKinds.has(spec.kind) && specs.some((s) => messageKinds.has(s.kind)))
      throw unresolved('asks for the message a second time', 'Take the message once, as text (string), JSON (an object type) or bytes (Buffer).');
    specs.push(spec);
  }
  return specs;
}

function fromDesignType(kind: HandlerKind, type: unknown, unresolved: (why: string, fix: string) => SwitchboardError): Spec {
  const wrongHere = (what: string): SwitchboardError =>
    unresolved(
      `asks for ${what}, which @On${kind[0]!.toUpperCase()}${kind.slice(1)} does not have`,
      'Remove it, or mark it with @Inject/@Query/@Param/@Header.',
    );
  if (type === Connector) {
    if (kind === 'upgrade') throw wrongHere('the Connector (no socket exists at upgrade)');
    return { kind: 'connector' };
  }
  if (kind === 'message') {
    if (type === String) return { kind: 'text' };
    if (type === Object || type === Array) return { kind: 'json' };
    if (type === Buffer) return { kind: 'buffer' };
    if (type === Uint8Array) return { kind: 'uint8array' };
    if (type === ArrayBuffer) return { kind: 'arraybuffer' };
  }
  if (kind === 'close') {
    if (type === Number) return { kind: 'code' };
    if (type === String) return { kind: 'reason' };
  }
  if (type === String || type === Number || type === Object || type === Array || type === Buffer || type === Uint8Array || type === ArrayBuffer)
    throw wrongHere(`a ${typeName(type)} (read as a message${kind === 'close' ? '' : ' or close code'})`);
  if (typeof type !== 'function' || notInjectable.has(type))
    throw unresolved(
      'has a type switchboard cannot inject',
      'Type it as Connector, string, an object type (JSON) or Buffer, or give it @Inject(token) for a value from app.provide().',
    );
  return { kind: 'inject', token: type as ProviderToken };
}

function compileConstructor(cls: RouteClass): ProviderToken[] {
  const explicit = getExplicitParams(cls, undefined);
  const design = getDesignParamTypes(cls, undefined);
  const count = Math.max(design?.length ?? cls.length, explicit.length);
  const tokens: ProviderToken[] = [];
  for (let i = 0; i < count; i++) {
    const ex = explicit[i];
    const type = design?.[i];
    if (ex?.kind === 'inject') tokens.push(ex.token);
    else if (ex === undefined && typeof type === 'function' && type !== Object && !notInjectable.has(type)) tokens.push(type as ProviderToken);
    else
      throw new SwitchboardError(
        'SWB_ERR_UNRESOLVED_PARAMETER',
        `${cls.name}: constructor parameter #${i} (${design ? typeName(type) : 'untyped'}) cannot be injected. A route class is made once per app; give its constructor parameters @Inject(token) or a class type passed to app.provide().`,
      );
  }
  return tokens;
}

type Resolver<A, B, C> = (a: A, b: B, c: C) => unknown;
type Providers = ReadonlyMap<ProviderToken, unknown>;

function tokenName(token: ProviderToken): string {
  return typeof token === 'function' ? token.name : String(token);
}

function provided(providers: Providers, token: ProviderToken, label: string): unknown {
  if (!providers.has(token))
    throw new SwitchboardError(
      'SWB_ERR_MISSING_PROVIDER',
      `${label} injects ${tokenName(token)}, which was never provided. Call app.provide(${tokenName(token)}, value) before listen().`,
    );
  return providers.get(token);
}

/** Creates the route instance and turns every spec into a bound resolver. */
export function bindRoute(compiled: CompiledRoute, providers: Providers, json: JsonPolicy): RoutePlan {
  const { cls, handlers } = compiled;
  const args = compiled.constructorSpecs.map((token, i) => provided(providers, token, `${cls.name} constructor parameter #${i}`));
  const instance = new (cls as unknown as new (...a: unknown[]) => object)(...args);
  const bind = <A, B, C>(kind: HandlerKind, resolve: (spec: Spec, label: string) => Resolver<A, B, C>): ((a: A, b: B, c: C) => unknown) | null => {
    const handler = handlers[kind];
    if (handler === null) return null;
    const label = `${cls.name}.${String(handler.method)}`;
    const fn = (instance as Record<string | symbol, (...a: unknown[]) => unknown>)[handler.method]!;
    return invoker(
      fn,
      instance,
      handler.specs.map((spec) => resolve(spec, label)),
    );
  };
  const constant = (spec: Spec, label: string): (() => unknown) | null => {
    if (spec.kind === 'inject') {
      const value = provided(providers, spec.token, label);
      return () => value;
    }
    return spec.kind === 'deps' ? () => providers : null;
  };
  const connection = (spec: Spec, label: string): Resolver<Connector, unknown, unknown> => {
    const c = constant(spec, label);
    if (c !== null) return c;
    switch (spec.kind) {
      case 'query':
        return (ws) => ws.queryParams.get(spec.name);
      case 'param':
        return (ws) => ws.params[spec.name];
      case 'header':
        return (ws) => ws.headers[spec.name];
      default:
        return (ws) => ws;
    }
  };
  const message = (spec: Spec, label: string): Resolver<Connector, ArrayBuffer, boolean> => messageResolver(spec, json) ?? connection(spec, label);
  const eventData = (spec: Spec, label: string): Resolver<Connector, unknown, boolean> => eventResolver(spec) ?? connection(spec, label);
  const events = new Map<string, Invoker<unknown>>();
  for (const [name, handler] of compiled.events) {
    const fn = (instance as Record<string | symbol, (...a: unknown[]) => unknown>)[handler.method]!;
    const label = `${cls.name}.${String(handler.method)}`;
    const invoke = invoker(
      fn,
      instance,
      handler.specs.map((spec) => eventData(spec, label)),
    );
    events.set(name, handler.schema === null ? invoke : validated(handler.schema, invoke));
  }
  const close = (spec: Spec, label: string): Resolver<Connector, number, string> =>
    spec.kind === 'code' ? (_ws, code) => code : spec.kind === 'reason' ? (_ws, _code, reason) => reason : connection(spec, label);
  const upgrade = (spec: Spec, label: string): Resolver<UpgradeRequest, unknown, unknown> => {
    const c = constant(spec, label);
    if (c !== null) return c;
    switch (spec.kind) {
      case 'query':
        return (req) => req.queryParams.get(spec.name);
      case 'param':
        return (req) => req.params[spec.name];
      case 'header':
        return (req) => req.headers[spec.name];
      default:
        return (req) => req;
    }
  };
  return Object.freeze({
    name: cls.name,
    pattern: compiled.pattern,
    uwsPattern: compiled.uwsPattern,
    paramNames: compiled.paramNames,
    topic: `swb:route:${compiled.uwsPattern}`,
    transport: compiled.transport,
    json,
    onError: compiled.onError === null ? null : compiled.onError.bind(instance),
    onUpgrade: bind('upgrade', upgrade) as UpgradeInvoker | null,
    onConnect: bind('connect', message),
    onMessage: bind('message', message),
    events: events.size === 0 ? null : events,
    onClose: bind('close', close),
    onDrain: bind('drain', message),
  });
}

// ignoreBOM: a leading U+FEFF is part of the message as sent, not a marker to strip.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** A text frame's payload: uWS has already refused text frames that are not UTF-8, so they pay no check. */
function text(data: ArrayBuffer): string {
  return decoder.decode(data);
}

/** A binary frame as text: only when its bytes are exactly UTF-8, never decoded with U+FFFD in place of bytes. */
function binaryText(data: ArrayBuffer): string {
  if (isUtf8(data)) return text(data);
  throw new WsError('unsupported_data', 'The message is a binary frame that is not valid UTF-8, and this handler takes text');
}

/** For an object parameter: a text frame holding a JSON object or array, under the App's JSON policy. */
function json(data: ArrayBuffer, isBinary: boolean, policy: JsonPolicy): unknown {
  if (isBinary) throw new WsError('invalid_data', 'Expected a JSON object or array in a text frame, got a binary frame');
  let value: unknown;
  try {
    value = parseJson(text(data), policy);
  } catch (error) {
    throw error instanceof WsError ? error : new WsError('invalid_json', `The message is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object') throw new WsError('invalid_data', `Expected a JSON object or array, got ${describe(value)}`);
  return value;
}

/** Message resolvers; the ArrayBuffer is only valid during the uWS callback, so bytes are copied. */
function messageResolver(spec: Spec, policy: JsonPolicy): Resolver<Connector, ArrayBuffer, boolean> | null {
  switch (spec.kind) {
    case 'text':
      return (_ws, data, isBinary) => (isBinary ? binaryText(data) : text(data));
    case 'json':
      return (_ws, data, isBinary) => json(data, isBinary, policy);
    case 'buffer':
      return (_ws, data) => Buffer.from(data.slice(0));
    case 'uint8array':
      return (_ws, data) => new Uint8Array(data.slice(0));
    case 'arraybuffer':
      return (_ws, data) => data.slice(0);
    case 'message':
      return (_ws, data, isBinary) => (isBinary ? Buffer.from(data.slice(0)) : text(data));
    default:
      return null;
  }
}

/** For `@OnMessage('event')`: the parameter that takes the message gets the frame's `data`. */
function eventResolver(spec: Spec): Resolver<Connector, unknown, boolean> | null {
  switch (spec.kind) {
    case 'json':
    case 'message':
      return (_ws, data) => data;
    case 'text':
      return typed('string');
    case 'number':
      return typed('number');
    case 'boolean':
      return typed('boolean');
    default:
      return null;
  }
}

/** Event data declared as a primitive type is checked, so the handler never sees another type. */
function typed(type: 'string' | 'number' | 'boolean'): Resolver<Connector, unknown, boolean> {
  return (_ws, data) => {
    if (typeof data !== type) throw new WsError('invalid_data', `Expected "data" to be a ${type}`);
    return data;
  };
}

/** Runs the Standard Schema first; its output (which may be transformed) is what the handler gets. */
function validated(schema: StandardSchemaV1, invoke: Invoker<unknown>): Invoker<unknown> {
  const validate = schema['~standard'].validate;
  const checked = (c: Connector, result: StandardResult<unknown>): unknown => {
    if (result.issues !== undefined) throw new ValidationError(result.issues);
    return invoke(c, result.value, false);
  };
  return (c, data) => {
    const result = validate(data);
    return result instanceof Promise ? result.then((r) => checked(c, r)) : checked(c, result);
  };
}

/** Specialised by arity so the common handlers allocate no argument array per call. */
function invoker<A, B, C>(fn: (...args: unknown[]) => unknown, self: object, r: Resolver<A, B, C>[]): (a: A, b: B, c: C) => unknown {
  const [r0, r1, r2, r3] = r;
  switch (r.length) {
    case 0:
      return () => fn.call(self);
    case 1:
      return (a, b, c) => fn.call(self, r0!(a, b, c));
    case 2:
      return (a, b, c) => fn.call(self, r0!(a, b, c), r1!(a, b, c));
    case 3:
      return (a, b, c) => fn.call(self, r0!(a, b, c), r1!(a, b, c), r2!(a, b, c));
    case 4:
      return (a, b, c) => fn.call(self, r0!(a, b, c), r1!(a, b, c), r2!(a, b, c), r3!(a, b, c));
    default:
      return (a, b, c) =>
        fn.apply(
          self,
          r.map((resolve) => resolve(a, b, c)),
        );
  }
}
