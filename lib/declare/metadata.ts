/**
 * Metadata keys and typed readers/writers. Decorators write here at class-definition time; compile.ts
 * reads once at register(). Keys are namespaced so they never collide with other libraries' metadata.
 */
import 'reflect-metadata';
import type { RouteOptions } from './options';
import type { StandardSchemaV1 } from '../client/standard-schema';

/** Anything `app.provide()` accepts as a key: a class, a string or a symbol. */
export type ProviderToken = string | symbol | (abstract new (...args: never[]) => unknown);

export type HandlerKind = 'upgrade' | 'connect' | 'message' | 'close' | 'drain';

/** The decorator that declares a handler of this kind, for messages: `@OnMessage`. */
export function decoratorOf(kind: HandlerKind): string {
  return `@On${kind[0]!.toUpperCase()}${kind.slice(1)}`;
}

export interface RouteMeta {
  readonly pattern: string;
  readonly options: RouteOptions;
}

export interface HandlerMeta {
  readonly kind: HandlerKind;
  readonly method: string | symbol;
  /** `@OnMessage('event')`: the JSON event this handler takes; undefined for the plain handler. */
  readonly event?: string;
  readonly schema?: StandardSchemaV1;
}

/** What an explicit parameter decorator asked for. */
export type ExplicitParam = { readonly kind: 'inject'; readonly token: ProviderToken } | { readonly kind: 'query' | 'param' | 'header'; readonly name: string };

const ROUTE = 'switchboard:route';
const HANDLERS = 'switchboard:handlers';
const PARAMS = 'switchboard:params';

export function setRoute(target: object, meta: RouteMeta): void {
  Reflect.defineMetadata(ROUTE, meta, target);
}

/** Own metadata only: a subclass of a route is not itself a route unless decorated. */
export function getRoute(target: object): RouteMeta | undefined {
  return Reflect.getOwnMetadata(ROUTE, target) as RouteMeta | undefined;
}

export function addHandler(prototype: object, meta: HandlerMeta): void {
  const own = (Reflect.getOwnMetadata(HANDLERS, prototype) as HandlerMeta[] | undefined) ?? [];
  Reflect.defineMetadata(HANDLERS, [...own, meta], prototype);
}

/** Handlers declared on the class and its bases, most-derived first. */
export function getHandlers(prototype: object): HandlerMeta[] {
  const all: HandlerMeta[] = [];
  for (let p: object | null = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const own = Reflect.getOwnMetadata(HANDLERS, p) as HandlerMeta[] | undefined;
    if (own) for (const h of own) if (!all.some((a) => a.method === h.method)) all.push(h);
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

export function getExplicitParams(target: object, method: string | symbol | undefined): readonly (ExplicitParam | undefined)[] {
  return (Reflect.getMetadata(PARAMS, target, method ?? 'constructor') as (ExplicitParam | undefined)[] | undefined) ?? [];
}

/** TypeScript's design types; undefined when the code was compiled without emitDecoratorMetadata. */
export function getDesignParamTypes(target: object, method: string | symbol | undefined): readonly unknown[] | undefined {
  return method === undefined
    ? (Reflect.getOwnMetadata('design:paramtypes', target) as unknown[] | undefined)
    : (Reflect.getMetadata('design:paramtypes', target, method) as unknown[] | undefined);
}
