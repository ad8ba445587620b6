/**
 * Metadata keys and typed readers/writers. Decorators write here at class-definition time; compile/ reads
 * once at register(). Keys are namespaced so they never collide with other libraries' metadata.
 *
 * Two decorator modes write to two places. experimentalDecorators hand a method decorator the prototype,
 * so handlers are kept with reflect-metadata on it. Standard (TC39) decorators get no prototype, only
 * `context.metadata`: one object per class, which the class then holds as `Class[Symbol.metadata]`, so
 * handlers are kept there; the readers below look in both.
 *
 * compile/ reads a class once, through readRouteClass: one plain record of everything it declared.
 */
import 'reflect-metadata';
import type { AnyChannel, RequestSpec } from '../contract/channel';
import type { StandardSchemaV1 } from '../contract/standard-schema';
import type { ProviderToken, RouteClass, RouteOptions } from './route-options';

// Compilers create `context.metadata` only when Symbol.metadata exists as a class is defined (TypeScript
// checks at that moment; esbuild falls back to Symbol.for('Symbol.metadata')), and Node.js 20 has none.
// Every route class imports switchboard first, so defining it here, with esbuild's symbol, comes in time.
const symbols = Symbol as { metadata?: symbol };
symbols.metadata ??= Symbol.for('Symbol.metadata');
const METADATA = symbols.metadata;

export type HandlerKind = 'upgrade' | 'connect' | 'message' | 'close' | 'drain';

/**
 * What the message parameter receives, said explicitly: `'text'` a string, `'json'` the parsed JSON,
 * `'bytes'` a Buffer (a copy), `'raw'` a string for a text frame and a Buffer for a binary one.
 */
export type MessageKind = 'text' | 'json' | 'bytes' | 'raw';

/** The decorator that declares a handler of this kind, for messages: `@OnMessage`. */
export function decoratorOf(kind: HandlerKind): string {
  return `@On${kind[0]!.toUpperCase()}${kind.slice(1)}`;
}

export interface RouteMeta {
  readonly pattern: string;
  readonly options: RouteOptions;
  /** `@WebSocketRoute(channel)`: the channel the pattern came from; null for a pattern. */
  readonly channel: AnyChannel | null;
}

export interface HandlerMeta {
  readonly kind: HandlerKind;
  readonly method: string | symbol;
  /** `@OnMessage('event')`: the JSON event this handler takes; undefined for the plain handler. */
  readonly event?: string;
  readonly schema?: StandardSchemaV1;
  /** `@OnMessage({ as })`: the message's kind, said explicitly (a schema implies `'json'`). */
  readonly as?: MessageKind;
  /** `@OnMessage(channel.requests.name)`: the request this handler answers (event, data and reply schemas). */
  readonly request?: RequestSpec;
}

/** What an explicit parameter decorator asked for. */
export type ExplicitParam = { readonly kind: 'inject'; readonly token: ProviderToken } | { readonly kind: 'query' | 'param' | 'header'; readonly name: string };

const ROUTE = 'switchboard:route';
const HANDLERS = 'switchboard:handlers';
const PARAMS = 'switchboard:params';
/** The key of a class's handlers in its standard decorator metadata (shared by every copy of switchboard, as the strings above are). */
const STANDARD_HANDLERS = Symbol.for(HANDLERS);

type StandardMetadata = Record<PropertyKey, unknown>;

export function setRoute(target: object, meta: RouteMeta): void {
  Reflect.defineMetadata(ROUTE, meta, target);
}

/** Own metadata only: a subclass of a route is not itself a route unless decorated. */
export function getRoute(target: object): RouteMeta | undefined {
  return Reflect.getOwnMetadata(ROUTE, target) as RouteMeta | undefined;
}

/** experimentalDecorators: a handler of the class whose prototype this is. */
export function addHandler(prototype: object, meta: HandlerMeta): void {
  const own = (Reflect.getOwnMetadata(HANDLERS, prototype) as HandlerMeta[] | undefined) ?? [];
  Reflect.defineMetadata(HANDLERS, [...own, meta], prototype);
}

/**
 * Standard decorators: a handler of the class being defined, in its `context.metadata`. That object
 * inherits from the base class's, so only an own list is ever written (never the base's).
 */
export function addStandardHandler(metadata: object, meta: HandlerMeta): void {
  const m = metadata as StandardMetadata;
  const own = Object.hasOwn(m, STANDARD_HANDLERS) ? (m[STANDARD_HANDLERS] as HandlerMeta[]) : [];
  m[STANDARD_HANDLERS] = [...own, meta];
}

/** The handlers one class declared itself, in either mode. */
function ownHandlers(prototype: object): readonly HandlerMeta[] {
  const experimental = (Reflect.getOwnMetadata(HANDLERS, prototype) as HandlerMeta[] | undefined) ?? [];
  const cls: unknown = Object.hasOwn(prototype, 'constructor') ? (prototype as { constructor: unknown }).constructor : undefined;
  // A class without decorators of its own inherits its base's Symbol.metadata as a static property: not its own.
  const metadata =
    typeof cls === 'function' && Object.hasOwn(cls, METADATA) ? (cls as unknown as Record<symbol, StandardMetadata | undefined>)[METADATA] : undefined;
  const standard = metadata !== undefined && Object.hasOwn(metadata, STANDARD_HANDLERS) ? (metadata[STANDARD_HANDLERS] as HandlerMeta[]) : [];
  return standard.length === 0 ? experimental : [...experimental, ...standard];
}

/** Handlers declared on the class and its bases, most-derived first. */
function getHandlers(prototype: object): HandlerMeta[] {
  const all: HandlerMeta[] = [];
  for (let p: object | null = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const h of ownHandlers(p)) if (!all.some((a) => a.method === h.method)) all.push(h);
  }
  return all;
}

/** `method` is undefined for constructor parameters (the decorator then sees the class itself). */
export function setExplicitParam(target: object, method: string | symbol | undefined, index: number, param: ExplicitParam): void {
  const key = method ?? 'constructor';
  const own = (Reflect.getOwnMetadata(PARAMS, target, key) as (ExplicitParam | undefined)[] | undefined) ?? [];
  const next = [...own];
  next[index] = param;
  Reflect.defineMetadata(PARAMS, next, target, key);
}

function getExplicitParams(target: object, method: string | symbol | undefined): readonly (ExplicitParam | undefined)[] {
  return (Reflect.getMetadata(PARAMS, target, method ?? 'constructor') as (ExplicitParam | undefined)[] | undefined) ?? [];
}

/** TypeScript's design types; undefined when the code was compiled without emitDecoratorMetadata (or with standard decorators). */
function getDesignParamTypes(target: object, method: string | symbol | undefined): readonly unknown[] | undefined {
  return method === undefined
    ? (Reflect.getOwnMetadata('design:paramtypes', target) as unknown[] | undefined)
    : (Reflect.getMetadata('design:paramtypes', target, method) as unknown[] | undefined);
}

/** A method's (or the constructor's) parameters as declared: by decorators, by design types, by count. */
export interface ParamDeclarations {
  /** What parameter decorators asked for, by index (holes where none). */
  readonly explicit: readonly (ExplicitParam | undefined)[];
  /** TypeScript's design types; undefined without emitDecoratorMetadata (or with standard decorators). */
  readonly design: readonly unknown[] | undefined;
  /** The function's `length`: its parameters before the first with a default. */
  readonly arity: number;
}

export interface HandlerDeclaration extends HandlerMeta {
  readonly params: ParamDeclarations;
}

/** Everything a route class declared, read in one pass: what compile/ turns into a CompiledRoute. */
export interface RouteDeclarations extends RouteMeta {
  /** On the class and its bases, most-derived first (a base's handler overridden by name is not listed). */
  readonly handlers: readonly HandlerDeclaration[];
  readonly constructorParams: ParamDeclarations;
}

/** A route class's declarations; undefined when the class has no `@WebSocketRoute` of its own. */
export function readRouteClass(cls: RouteClass): RouteDeclarations | undefined {
  const route = getRoute(cls);
  if (route === undefined) return undefined;
  const prototype = cls.prototype as Record<string | symbol, unknown>;
  const handlers = getHandlers(prototype).map((meta) => ({
    ...meta,
    params: {
      explicit: getExplicitParams(prototype, meta.method),
      design: getDesignParamTypes(prototype, meta.method),
      arity: (prototype[meta.method] as (...args: unknown[]) => unknown).length,
    },
  }));
  const constructorParams = { explicit: getExplicitParams(cls, undefined), design: getDesignParamTypes(cls, undefined), arity: cls.length };
  return { ...route, handlers, constructorParams };
}
