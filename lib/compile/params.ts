/**
 * Handler and constructor parameters → specs, in order of precedence: an explicit parameter decorator,
 * then the parameter's design type (emitDecoratorMetadata), then Robyn's positional convention when the
 * method has no design types at all.
 */
import { Connector } from '../declare/connector';
import { decoratorOf, getDesignParamTypes, getExplicitParams, type HandlerKind, type ProviderToken } from '../declare/metadata';
import type { RouteClass } from '../declare/options';
import { SwitchboardError } from '../util/errors';
import type { Spec } from './plan';

const positional: Record<HandlerKind, readonly Spec[]> = {
  upgrade: [{ kind: 'request' }, { kind: 'deps' }],
  connect: [{ kind: 'connector' }, { kind: 'deps' }],
  message: [{ kind: 'connector' }, { kind: 'message' }, { kind: 'deps' }],
  close: [{ kind: 'connector' }, { kind: 'code' }, { kind: 'reason' }],
  drain: [{ kind: 'connector' }, { kind: 'deps' }],
};

const messageKinds = new Set(['text', 'number', 'boolean', 'json', 'buffer', 'uint8array', 'arraybuffer', 'message']);
const notInjectable = new Set<unknown>([Boolean, Function, Symbol, BigInt, Promise, Date, RegExp, Map, Set, WeakMap, WeakSet, Error]);

export function typeName(type: unknown): string {
  return typeof type === 'function' && type.name ? type.name : String(type);
}

export function compileParams(
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
    unresolved(`asks for ${what}, which ${decoratorOf(kind)} does not have`, 'Remove it, or mark it with @Inject/@Query/@Param/@Header.');
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

export function compileConstructor(cls: RouteClass): ProviderToken[] {
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
