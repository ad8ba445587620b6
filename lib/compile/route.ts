/**
 * register(): a route class's metadata → a CompiledRoute. Every declaration mistake throws here, as a
 * SwitchboardError naming the class, the method and the fix, never at the first message.
 */
import { decoratorOf, readRouteClass, type HandlerKind } from '../declare/metadata';
import type { RouteClass } from '../declare/route-options';
import { SwitchboardError } from '../util/errors';
import type { Logger } from '../util/validate';
import { compileConstructor, compileParams, typeName } from './params';
import { parsePattern } from './pattern';
import type { CompiledEvent, CompiledHandler, CompiledRoute, ErrorHandler } from './plan';
import { checkRouteOptions, resolveTransport, type ResolvedTransport } from './route-settings';

/**
 * Compiles one route class. `logger` hears, once per class, that handlers take their message by position
 * (no design types, no explicit kind): a change of toolchain must not change what they receive silently.
 */
export function compileRoute(cls: RouteClass, appTransport: ResolvedTransport, logger: Logger): CompiledRoute {
  if (typeof cls !== 'function')
    throw new SwitchboardError('SWB_ERR_NOT_A_ROUTE', `register() takes route classes, got ${typeName(cls)}. Pass the class itself, not an instance.`);
  // Everything the class declared, read once; from here on, compiling is plain data in, plain data out.
  const route = readRouteClass(cls);
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
  const byPosition: { label: string; event: boolean }[] = [];
  for (const handler of route.handlers) {
    const { kind, method, event, schema } = handler;
    const label = `${cls.name}.${String(method)}`;
    const existing = event === undefined ? handlers[kind] : events.get(event);
    if (existing !== null && existing !== undefined)
      throw new SwitchboardError(
        'SWB_ERR_DUPLICATE_HANDLER',
        `${cls.name} declares two ${event === undefined ? decoratorOf(kind) : `@OnMessage('${event}')`} handlers (${String(existing.method)} and ${String(method)}). Keep one and call the other from it.`,
      );
    const { specs, positional } = compileParams(label, handler, parsed.names);
    if (positional) byPosition.push({ label, event: event !== undefined });
    if (event === undefined) handlers[kind] = { method, specs };
    else events.set(event, { method, schema: schema ?? null, reply: handler.request?.reply ?? null, specs });
  }
  if (byPosition.length > 0) logger.warn(positionalNotice(cls.name, byPosition));

  return Object.freeze({
    cls,
    pattern: route.pattern,
    uwsPattern: parsed.uws,
    shape: parsed.shape,
    paramNames: parsed.names,
    transport: resolveTransport(where, route.options, appTransport),
    // Typed for the default state by the app; the runtime passes any connection, whose state only app code reads.
    onError: (route.options.onError as ErrorHandler | undefined) ?? null,
    channel: route.channel,
    constructorSpecs: compileConstructor(cls.name, route.constructorParams, route.options.inject),
    handlers: Object.freeze(handlers),
    events,
    recovery: route.options.recovery !== false,
    keepsHeaders: route.options.headers ?? readsHeaders(cls, route.options.onError, handlers, events),
  });
}

/**
 * Whether a route's code can read `ws.headers`, decided once at register(): a handler (after the upgrade)
 * with a `@Header` parameter, or the route's source (the class, the classes it extends, its `onError`)
 * mentioning `headers` outside `@OnUpgrade`, whose request has its own. The header text is the largest
 * part of an idle connection most routes never read (docs/limits.md#idle-memory); code outside the class
 * that reads them needs the route option `headers: true`, and without it gets SWB_ERR_HEADERS_NOT_KEPT.
 */
function readsHeaders(
  cls: RouteClass,
  onError: unknown,
  handlers: Readonly<Record<HandlerKind, CompiledHandler | null>>,
  events: ReadonlyMap<string, CompiledEvent>,
): boolean {
  const after = [handlers.connect, handlers.message, handlers.close, handlers.drain, ...events.values()];
  if (after.some((h) => h !== null && h.specs.some((spec) => spec.kind === 'header'))) return true;
  const guard = handlers.upgrade === null ? '' : String((cls.prototype as Record<string | symbol, unknown>)[handlers.upgrade.method]);
  let source = typeof onError === 'function' ? String(onError) : '';
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) source += String(c);
  return /\bheaders\b/.test(guard === '' ? source : source.replace(guard, ''));
}

/**
 * The one line register() logs for a class whose message handlers are positional: which, what each receives
 * (a plain handler the frame as sent, an event handler the event's data), and how to say it.
 */
function positionalNotice(className: string, handlers: readonly { label: string; event: boolean }[]): string {
  const takes = (labels: readonly string[]): string =>
    labels.length === 1 ? `${labels[0]} takes` : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)} take`;
  const plain = handlers.filter((h) => !h.event).map((h) => h.label);
  const events = handlers.filter((h) => h.event).map((h) => h.label);
  const convention = "Robyn's positional arguments (ws, message, dependencies)";
  const parts = [
    ...(plain.length === 0 ? [] : [`${takes(plain)} ${convention}, the message as sent: a string, or a Buffer for a binary frame`]),
    ...(events.length === 0
      ? []
      : [`${takes(events)} ${plain.length === 0 ? convention : 'them too'}, the event's data as the message: any JSON value, unchecked`]),
  ];
  return (
    `switchboard: ${className} has no design types (compiled without emitDecoratorMetadata, or with standard decorators), so ${parts.join('; ')}. ` +
    "To say what the message is: @OnMessage({ as: 'text' | 'json' | 'bytes' | 'raw' }), or @OnMessage('event', { schema, as })."
  );
}
