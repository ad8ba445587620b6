/**
 * Specs → resolvers: plain functions of the invoker's three arguments that produce one parameter's
 * value. Made once at listen(); per message they do no lookup and no reflection. The message
 * ArrayBuffer is only valid during the uWS callback, so resolvers that keep bytes copy them.
 */
import { isUtf8 } from 'node:buffer';
import type { ProviderToken } from '../declare/route-options';
import { describe, SwitchboardError, ValidationError, WsError } from '../util/errors';
import { parseJson, type JsonPolicy } from '../util/json';
import type { StandardResult, StandardSchemaV1 } from '../contract/standard-schema';
import type { AnyConnector, DecodedMessage, Invoker, Spec } from './plan';

export type Resolver<A, B, C> = (a: A, b: B, c: C) => unknown;
export type Providers = ReadonlyMap<ProviderToken, unknown>;

/** What both a Connector and an UpgradeRequest carry from the upgrade request. */
interface RequestParts {
  readonly params: Readonly<Record<string, string>>;
  readonly queryParams: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
}

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

/** The constructor arguments of a route class, from the providers. */
export function constructorArgs(tokens: readonly ProviderToken[], providers: Providers, className: string): unknown[] {
  return tokens.map((token, i) => provided(providers, token, `${className} constructor parameter #${i}`));
}

/**
 * The resolver of a spec that does not depend on the message: a provided value, the providers
 * themselves (positional `dependencies`), a query, path or header value, or the first argument itself
 * (the Connector, or the UpgradeRequest at upgrade).
 */
export function fromContext(spec: Spec, providers: Providers, label: string): Resolver<RequestParts, unknown, unknown> {
  switch (spec.kind) {
    case 'inject': {
      const value = provided(providers, spec.token, label);
      return () => value;
    }
    case 'deps':
      return () => providers;
    case 'query':
      return (x) => x.queryParams.get(spec.name);
    case 'param':
      return (x) => x.params[spec.name];
    case 'header':
      return (x) => x.headers[spec.name];
    default:
      return (x) => x;
  }
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
  return jsonText(text(data), policy);
}

function jsonText(message: string, policy: JsonPolicy): unknown {
  let value: unknown;
  try {
    value = parseJson(message, policy);
  } catch (error) {
    throw error instanceof WsError ? error : new WsError('invalid_json', `The message is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object') throw new WsError('invalid_data', `Expected a JSON object or array, got ${describe(value)}`);
  return value;
}

/** The message of a plain handler (@OnMessage(), @OnConnect, @OnDrain): null when the spec is not a message kind. */
export function fromMessage(spec: Spec, policy: JsonPolicy): Resolver<AnyConnector, ArrayBuffer, boolean> | null {
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

/**
 * The plain handler's message when it arrives decoded: a text frame on a route with events that no event
 * handler took. Its text and JSON object are used as they are, not decoded and parsed a second time.
 */
export function fromDecoded(spec: Spec, policy: JsonPolicy): Resolver<AnyConnector, DecodedMessage, boolean> | null {
  switch (spec.kind) {
    case 'text':
    case 'message':
      return (_ws, m) => m.text;
    case 'json':
      return (_ws, m) => m.value ?? jsonText(m.text, policy);
    default: {
      const bytes = fromMessage(spec, policy);
      return bytes === null ? null : (ws, m) => bytes(ws, m.bytes, false);
    }
  }
}

/** For `@OnMessage('event')`: the parameter that takes the message gets the frame's `data`. */
export function fromEventData(spec: Spec): Resolver<AnyConnector, unknown, boolean> | null {
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
function typed(type: 'string' | 'number' | 'boolean'): Resolver<AnyConnector, unknown, boolean> {
  return (_ws, data) => {
    if (typeof data !== type) throw new WsError('invalid_data', `Expected "data" to be a ${type}`);
    return data;
  };
}

/** @OnClose's code and reason. */
export function fromClose(spec: Spec): Resolver<AnyConnector, number, string> | null {
  if (spec.kind === 'code') return (_ws, code) => code;
  if (spec.kind === 'reason') return (_ws, _code, reason) => reason;
  return null;
}

/** Runs the Standard Schema first; its output (which may be transformed) is what the handler gets. */
export function validated(schema: StandardSchemaV1, invoke: Invoker<unknown>): Invoker<unknown> {
  const validate = schema['~standard'].validate;
  const checked = (c: AnyConnector, result: StandardResult<unknown>): unknown => {
    if (result.issues !== undefined) throw new ValidationError(result.issues);
    return invoke(c, result.value, false);
  };
  return (c, data) => {
    const result = validate(data);
    return result instanceof Promise ? result.then((r) => checked(c, r)) : checked(c, result);
  };
}
