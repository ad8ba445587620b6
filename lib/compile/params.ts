/**
 * Handler and constructor parameters → specs, in order of precedence: an explicit parameter decorator;
 * for a message handler with an explicit kind (`as`, a schema, a channel's request), the fixed frame
 * `(ws, message, …)`; the parameter's design type (emitDecoratorMetadata); Robyn's positional convention
 * when the method has no design types at all.
 */
import { Connector } from '../declare/connector';
import { decoratorOf, type HandlerDeclaration, type HandlerKind, type HandlerMeta, type MessageKind, type ParamDeclarations } from '../declare/metadata';
import type { ProviderToken } from '../declare/route-options';
import { SwitchboardError } from '../util/errors';
import type { Spec } from './plan';

const positional: Record<HandlerKind, readonly Spec[]> = {
  upgrade: [{ kind: 'request' }, { kind: 'deps' }],
  connect: [{ kind: 'connector' }, { kind: 'deps' }],
  message: [{ kind: 'connector' }, { kind: 'message' }, { kind: 'deps' }],
  close: [{ kind: 'connector' }, { kind: 'code' }, { kind: 'reason' }],
  drain: [{ kind: 'connector' }, { kind: 'deps' }],
};

/** What each explicit kind resolves to: the same specs the design types give, so both read a message alike. */
const explicitSpecs: Record<MessageKind, Spec> = { text: { kind: 'text' }, json: { kind: 'json' }, bytes: { kind: 'buffer' }, raw: { kind: 'message' } };

const messageKinds = new Set(['text', 'number', 'boolean', 'json', 'buffer', 'uint8array', 'arraybuffer', 'message']);
const notInjectable = new Set<unknown>([Boolean, Function, Symbol, BigInt, Promise, Date, RegExp, Map, Set, WeakMap, WeakSet, Error]);
/** Design types that read as a message. */
const messageTypes = new Set<unknown>([String, Number, Boolean, Object, Array, Buffer, Uint8Array, ArrayBuffer]);

export function typeName(type: unknown): string {
  return typeof type === 'function' && type.name ? type.name : String(type);
}

/** A handler's parameter specs, and whether it took its message by position without saying what it is. */
export interface CompiledParams {
  readonly specs: Spec[];
  /** No design types and no explicit kind: what the message parameter gets would differ under tsc with metadata. */
  readonly positional: boolean;
}

/** The explicit kind of a message handler: `as`, else `'json'` when a schema (or a channel's request) gives the data. */
function explicitKind(meta: HandlerMeta): MessageKind | undefined {
  return meta.as ?? (meta.schema === undefined ? undefined : 'json');
}

export function compileParams(label: string, handler: HandlerDeclaration, routeParams: readonly string[]): CompiledParams {
  const { kind, method } = handler;
  const { explicit, design, arity } = handler.params;
  const isEvent = handler.event !== undefined;
  const explicitAs = explicitKind(handler);
  const count = Math.max(design?.length ?? arity, explicit.length);
  const specs: Spec[] = [];
  let byPosition = false;
  for (let i = 0; i < count; i++) {
    const unresolved = (why: string, fix: string): SwitchboardError =>
      new SwitchboardError('SWB_ERR_UNRESOLVED_PARAMETER', `${label}: parameter #${i} (${design ? typeName(design[i]) : 'untyped'}) ${why}. ${fix}`);
    const ex = explicit[i];
    let spec: Spec;
    if (ex !== undefined) {
      if (ex.kind === 'param' && !routeParams.includes(ex.name))
        throw unresolved(`asks for @Param('${ex.name}'), which the route pattern does not have`, `Pattern parameters: ${routeParams.join(', ') || 'none'}.`);
      if (explicitAs !== undefined && i === 1)
        throw unresolved(
          `takes the message (as: '${explicitAs}'), so it cannot also be @${ex.kind[0]!.toUpperCase()}${ex.kind.slice(1)}`,
          'Move it after the message.',
        );
      spec = ex;
    } else if (explicitAs !== undefined && i < 2) {
      if (i === 0 && design !== undefined && messageTypes.has(design[0]) && design[0] !== Object)
        throw unresolved(
          `is the Connector: with an explicit kind (as: '${explicitAs}') the parameters are (ws, message, dependencies)`,
          `Take the Connector first: ${String(method)}(ws: Connector, message: …).`,
        );
      spec = i === 0 ? { kind: 'connector' } : explicitSpecs[explicitAs];
    } else if (design === undefined) {
      const p = positional[kind][i];
      if (p === undefined)
        throw unresolved(
          `is beyond the positional convention (${positional[kind].map((s) => s.kind).join(', ')})`,
          'Enable emitDecoratorMetadata, or use @Inject/@Query/@Param/@Header on it.',
        );
      spec = p;
      byPosition ||= kind === 'message' && explicitAs === undefined;
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
  return { specs, positional: byPosition };
}

/** The type `Function`: what the metadata holds for a function type, and for a class imported with `type`. */
const ERASED =
  'is a class the metadata cannot name: imported with `import type` or `import { type … }`, it is erased, and TypeScript records Function (as for a function type)';

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
  if (messageTypes.has(type) && type !== Boolean) throw wrongHere(`a ${typeName(type)} (read as a message${kind === 'close' ? '' : ' or close code'})`);
  if (type === Function) throw unresolved(ERASED, "Import it as a value (import { Connector } from 'switchboard'), or give the parameter @Inject(token).");
  if (typeof type !== 'function' || notInjectable.has(type))
    throw unresolved(
      'has a type switchboard cannot inject',
      'Type it as Connector, string, an object type (JSON) or Buffer, or give it @Inject(token) for a value from app.provide().',
    );
  return { kind: 'inject', token: type as ProviderToken };
}

/** The tokens of a route class's constructor: the route option `inject`, else @Inject and design types. */
export function compileConstructor(className: string, params: ParamDeclarations, inject: readonly ProviderToken[] | undefined): ProviderToken[] {
  const { explicit, design, arity } = params;
  const fail = (message: string): SwitchboardError => new SwitchboardError('SWB_ERR_UNRESOLVED_PARAMETER', `${className}: ${message}`);
  if (inject !== undefined) {
    if (explicit.some((ex) => ex !== undefined))
      throw fail('the constructor has @Inject parameters and the route option inject. Name the tokens in one place: inject lists them all, in order.');
    if (inject.length < arity)
      throw fail(`the constructor takes ${arity} parameters, and the route option inject names ${inject.length}. List a token for each, in order.`);
    return [...inject];
  }
  const count = Math.max(design?.length ?? arity, explicit.length);
  const tokens: ProviderToken[] = [];
  for (let i = 0; i < count; i++) {
    const ex = explicit[i];
    const type = design?.[i];
    const cannot = `constructor parameter #${i} (${design ? typeName(type) : 'untyped'}) cannot be injected`;
    if (ex?.kind === 'inject') tokens.push(ex.token);
    else if (ex === undefined && typeof type === 'function' && type !== Object && !notInjectable.has(type)) tokens.push(type as ProviderToken);
    else if (design === undefined)
      throw fail(
        `${cannot}: the class has no design types (compiled without emitDecoratorMetadata, or with standard decorators?). List its tokens in the route option inject: [token, …], or compile with emitDecoratorMetadata (class types are then injected by type, others need @Inject(token)).`,
      );
    else if (type === Function) throw fail(`${cannot}: it ${ERASED}. Import the class as a value, or list the tokens in the route option inject: [token, …].`);
    else
      throw fail(
        `${cannot}. A route class is made once per app; give its constructor parameters a class type passed to app.provide(), @Inject(token), or list them in the route option inject: [token, …].`,
      );
  }
  return tokens;
}
