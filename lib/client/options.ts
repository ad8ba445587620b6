/**
 * The options of connect(), their defaults and their checks: a typo or a value out of range is an
 * error at connect(), not a surprise at the first reconnect.
 */
import { describe, usageError } from '../contract/errors';
import type { PathParams } from '../contract/path';
import { globalWebSocket, type WebSocketConstructor } from './socket';

export type QueryParams = Readonly<Record<string, string | number | boolean>>;

/**
 * @example
 * connect(chat, url, { params, reconnect: { minDelay: 250, maxDelay: 5000, finalCodes: [1000, 4001] } });
 */
export interface ReconnectOptions {
  /** The window of the first retry, in ms: it waits a random time below it (default 500). */
  readonly minDelay?: number;
  /** The window doubles with each failed attempt, up to this, in ms (default 10 000). */
  readonly maxDelay?: number;
  /** Attempts in a row that may fail before the client gives up and closes (default Infinity). */
  readonly maxRetries?: number;
  /** Close codes after which it does not reconnect (default [1000]); 4400–4499 (refused) always. */
  readonly finalCodes?: readonly number[];
}

/**
 * @example
 * connect('wss://example.com/feed', { query: () => ({ token: auth.token() }), timeout: 5000 });
 */
export interface ClientOptions {
  /** Query parameters of the upgrade request; a function is called again before each reconnect (fresh tokens). */
  readonly query?: QueryParams | (() => QueryParams);
  /** Milliseconds a request waits for its answer, reconnects included (default 10 000; Infinity: no limit). */
  readonly timeout?: number;
  /** `false`: never reconnect. */
  readonly reconnect?: false | ReconnectOptions;
  /** The WebSocket class (default: the platform's; Node.js 20 has none, pass `ws`'s). */
  readonly WebSocket?: WebSocketConstructor;
}

/** connect()'s options for a channel: `params` is required when the pattern has path parameters. */
export type ChannelOptions<P extends string> = ClientOptions &
  (keyof PathParams<P> extends never ? { readonly params?: PathParams<P> } : { readonly params: PathParams<P> });

export interface ResolvedOptions {
  readonly query: ClientOptions['query'];
  readonly timeout: number;
  readonly reconnect: boolean;
  readonly minDelay: number;
  readonly maxDelay: number;
  readonly maxRetries: number;
  readonly finalCodes: readonly number[];
  readonly WebSocket: WebSocketConstructor;
}

export function isTimeout(value: unknown): value is number {
  return typeof value === 'number' && value > 0;
}

const isDelay = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value < Infinity;

function check<T>(value: unknown, fallback: T, ok: (value: unknown) => boolean, name: string, expected: string): T {
  if (value === undefined) return fallback;
  if (!ok(value)) throw usageError('SWB_ERR_INVALID_OPTION', `connect(): option "${name}" must be ${expected}, got ${describe(value)}`);
  return value as T;
}

function checkKeys(value: object, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(value))
    if (!allowed.includes(key)) throw usageError('SWB_ERR_INVALID_OPTION', `connect(): unknown option "${prefix}${key}" (known: ${allowed.join(', ')})`);
}

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object' && !Array.isArray(value);

export function resolveOptions(given: unknown, allowParams: boolean): ResolvedOptions {
  const options = check<ClientOptions>(given, {}, isObject, 'options', 'an object');
  checkKeys(options, allowParams ? ['params', 'query', 'timeout', 'reconnect', 'WebSocket'] : ['query', 'timeout', 'reconnect', 'WebSocket'], '');
  const reconnect = check<false | ReconnectOptions>(options.reconnect, {}, (v) => v === false || isObject(v), 'reconnect', 'false or an object');
  const retry = reconnect === false ? {} : reconnect;
  checkKeys(retry, ['minDelay', 'maxDelay', 'maxRetries', 'finalCodes'], 'reconnect.');
  const minDelay = check(retry.minDelay, 500, isDelay, 'reconnect.minDelay', 'a finite number of ms ≥ 0');
  const WebSocket = options.WebSocket ?? globalWebSocket();
  if (typeof WebSocket !== 'function')
    throw usageError(
      'SWB_ERR_INVALID_OPTION',
      'connect(): there is no global WebSocket here (Node.js 20 has none): pass one, as in { WebSocket } from the ws package',
    );
  return {
    query: check(options.query, undefined, (v) => isObject(v) || typeof v === 'function', 'query', 'an object or a function'),
    timeout: check(options.timeout, 10_000, isTimeout, 'timeout', 'a number of ms > 0'),
    reconnect: reconnect !== false,
    minDelay,
    maxDelay: check(retry.maxDelay, Math.max(minDelay, 10_000), (v) => isDelay(v) && v >= minDelay, 'reconnect.maxDelay', 'a finite number of ms ≥ minDelay'),
    maxRetries: check(
      retry.maxRetries,
      Infinity,
      (v) => typeof v === 'number' && v >= 0 && (Number.isInteger(v) || v === Infinity),
      'reconnect.maxRetries',
      'an integer ≥ 0 or Infinity',
    ),
    finalCodes: check(retry.finalCodes, [1000], (v) => Array.isArray(v) && v.every(Number.isInteger), 'reconnect.finalCodes', 'an array of close codes'),
    WebSocket,
  };
}
