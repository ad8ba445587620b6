/**
 * listen(): a CompiledRoute bound to the app's providers → a frozen RoutePlan. The route class is
 * instantiated once here, and every handler becomes an invoker: the method called on that instance with
 * its parameters' resolvers applied to the runtime's (connection, data, isBinary).
 */
import type { HandlerKind } from '../declare/metadata';
import type { UpgradeRequest } from '../declare/upgrade-request';
import type { JsonPolicy } from '../util/json';
import { routeTopic } from '../util/topics';
import type { CompiledRoute, Invoker, RoutePlan, Spec, UpgradeInvoker } from './plan';
import { RouteStats } from './stats';
import { constructorArgs, fromClose, fromContext, fromDecoded, fromEventData, fromMessage, validated, type Providers, type Resolver } from './resolvers';

type Method = (...args: unknown[]) => unknown;

/** `recovery`: the App has recovery on (the route's own option may still turn it off). */
export function bindRoute(compiled: CompiledRoute, providers: Providers, json: JsonPolicy, recovery = false): RoutePlan {
  const { cls } = compiled;
  const instance = new (cls as unknown as new (...a: unknown[]) => Record<string | symbol, Method>)(
    ...constructorArgs(compiled.constructorSpecs, providers, cls.name),
  );
  /** The invoker of one handler, each spec resolved by `specific` first, else from the context. */
  const bind = <A, B, C>(method: string | symbol, specs: readonly Spec[], specific: (spec: Spec) => Resolver<A, B, C> | null) => {
    const label = `${cls.name}.${String(method)}`;
    const resolvers = specs.map((spec) => specific(spec) ?? (fromContext(spec, providers, label) as Resolver<A, B, C>));
    return invoker(instance[method]!, instance, resolvers);
  };
  const handler = <A, B, C>(kind: HandlerKind, specific: (spec: Spec) => Resolver<A, B, C> | null) => {
    const h = compiled.handlers[kind];
    return h === null ? null : bind(h.method, h.specs, specific);
  };
  const message = (spec: Spec) => fromMessage(spec, json);
  const events = new Map<string, Invoker<unknown>>();
  for (const [name, event] of compiled.events) {
    const invoke = bind(event.method, event.specs, fromEventData);
    events.set(name, event.schema === null ? invoke : validated(event.schema, invoke));
  }
  return Object.freeze({
    name: cls.name,
    pattern: compiled.pattern,
    uwsPattern: compiled.uwsPattern,
    shape: compiled.shape,
    paramNames: compiled.paramNames,
    topic: routeTopic(compiled.uwsPattern),
    transport: compiled.transport,
    json,
    onError: compiled.onError === null ? null : compiled.onError.bind(instance),
    onUpgrade: handler<UpgradeRequest, unknown, unknown>('upgrade', () => null) as UpgradeInvoker | null,
    onConnect: handler('connect', message),
    onMessage: handler('message', message),
    events: events.size === 0 ? null : events,
    onDecodedMessage: events.size === 0 ? null : handler('message', (spec) => fromDecoded(spec, json)),
    onClose: handler('close', fromClose),
    onDrain: handler('drain', message),
    recovery: recovery && compiled.recovery,
    keepsHeaders: compiled.keepsHeaders,
    stats: new RouteStats(),
  });
}

/** Specialised by arity so the common handlers allocate no argument array per call. */
function invoker<A, B, C>(fn: Method, self: object, r: Resolver<A, B, C>[]): (a: A, b: B, c: C) => unknown {
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
