/**
 * register(): a route class's metadata → a CompiledRoute. Every declaration mistake throws here, as a
 * SwitchboardError naming the class, the method and the fix, never at the first message.
 */
import { decoratorOf, getHandlers, getRoute, type HandlerKind } from '../declare/metadata';
import { checkRouteOptions, resolveTransport, type ResolvedTransport, type RouteClass } from '../declare/options';
import { SwitchboardError } from '../util/errors';
import { compileConstructor, compileParams, typeName } from './params';
import { parsePattern } from './pattern';
import type { CompiledEvent, CompiledHandler, CompiledRoute, ErrorHandler } from './plan';

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
  const prototype = cls.prototype as Record<string | symbol, unknown>;

  const handlers: Record<HandlerKind, CompiledHandler | null> = { upgrade: null, connect: null, message: null, close: null, drain: null };
  const events = new Map<string, CompiledEvent>();
  for (const { kind, method, event, schema } of getHandlers(prototype)) {
    const label = `${cls.name}.${String(method)}`;
    const arity = (prototype[method] as (...args: unknown[]) => unknown).length;
    const existing = event === undefined ? handlers[kind] : events.get(event);
    if (existing !== null && existing !== undefined)
      throw new SwitchboardError(
        'SWB_ERR_DUPLICATE_HANDLER',
        `${cls.name} declares two ${event === undefined ? decoratorOf(kind) : `@OnMessage('${event}')`} handlers (${String(existing.method)} and ${String(method)}). Keep one and call the other from it.`,
      );
    const specs = compileParams(label, kind, prototype, method, arity, parsed.names, event !== undefined);
    if (event === undefined) handlers[kind] = { method, specs };
    else events.set(event, { method, schema: schema ?? null, specs });
  }

  return Object.freeze({
    cls,
    pattern: route.pattern,
    uwsPattern: parsed.uws,
    shape: parsed.shape,
    paramNames: parsed.names,
    transport: resolveTransport(where, route.options, appTransport),
    // Typed for the default state by the app; the runtime passes any connection, whose state only app code reads.
    onError: (route.options.onError as ErrorHandler | undefined) ?? null,
    constructorSpecs: compileConstructor(cls),
    handlers: Object.freeze(handlers),
    events,
  });
}
