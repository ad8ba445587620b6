/**
 * A route's transport settings: their defaults, and the checks that turn `@WebSocketRoute`'s options
 * (layered over the App's) into the frozen settings a CompiledRoute carries. Every value is checked at
 * register() or `new App()`, so a typo fails at boot, not under load.
 */
import { isToken, type RateLimitOptions, type RouteOptions, type TransportOptions } from '../declare/route-options';
import { invalidOption } from '../util/errors';
import { boolean, checkKeys, integerIn } from '../util/validate';

/** One route's transport settings after defaults: what a CompiledRoute carries and the transport applies. */
export interface ResolvedTransport {
  readonly maxPayloadLength: number;
  readonly idleTimeout: number;
  readonly maxBackpressure: number;
  readonly closeOnBackpressureLimit: boolean;
  readonly compression: boolean;
  readonly maxQueuedMessages: number;
  /** null: same-origin only. true: any origin. */
  readonly origins: ReadonlySet<string> | true | null;
  readonly maxRooms: number;
  readonly rateLimit: ResolvedRateLimit | null;
}

export interface ResolvedRateLimit {
  readonly messages: number;
  readonly per: number;
  readonly burst: number;
  /** Milliseconds per message at the limit (`per / messages`). */
  readonly interval: number;
  /** Milliseconds of messages the bucket holds (`burst × interval`). */
  readonly window: number;
}

export const transportDefaults: ResolvedTransport = Object.freeze({
  maxPayloadLength: 1024 * 1024,
  idleTimeout: 120,
  maxBackpressure: 1024 * 1024,
  closeOnBackpressureLimit: false,
  compression: false,
  maxQueuedMessages: 1024,
  origins: null,
  maxRooms: 1000,
  rateLimit: null,
});

/** The options of TransportOptions, which the App takes too (as every route's defaults). */
export const transportKeys = [
  'maxPayloadLength',
  'idleTimeout',
  'maxBackpressure',
  'closeOnBackpressureLimit',
  'compression',
  'maxQueuedMessages',
  'origins',
  'maxRooms',
  'rateLimit',
];
const routeKeys = [...transportKeys, 'onError', 'inject', 'recovery', 'headers'];

/** An origin as browsers send it: scheme://host[:port], lower-case, no path. */
function normalizeOrigin(where: string, origin: unknown): string {
  if (typeof origin !== 'string') throw invalidOption(where, 'origins', "an array of origins like 'https://example.com', or '*'", origin);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw invalidOption(where, 'origins', "an array of origins like 'https://example.com', or '*'", origin);
  }
  return url.origin.toLowerCase();
}

function resolveOrigins(where: string, value: unknown): ReadonlySet<string> | true | null {
  if (value === '*') return true;
  if (!Array.isArray(value)) throw invalidOption(where, 'origins', "an array of origins or '*'", value);
  return new Set(value.map((o) => normalizeOrigin(where, o)));
}

function resolveRateLimit(where: string, value: unknown): ResolvedRateLimit | null {
  if (value === false) return null;
  const expected = 'false or { messages, per, burst? } (integers: messages per `per` ms, bursts of up to `burst`)';
  if (value === null || typeof value !== 'object') throw invalidOption(where, 'rateLimit', expected, value);
  checkKeys(`${where} rateLimit`, value, ['messages', 'per', 'burst']);
  const o = value as Partial<RateLimitOptions>;
  const messages = integerIn(where, 'rateLimit.messages', o.messages, 1, 2 ** 31 - 1);
  const per = integerIn(where, 'rateLimit.per', o.per, 1, 2 ** 31 - 1);
  const burst = o.burst === undefined ? messages : integerIn(where, 'rateLimit.burst', o.burst, 1, 2 ** 31 - 1);
  return Object.freeze({ messages, per, burst, interval: per / messages, window: (burst * per) / messages });
}

/** Layers `options` over `base`, validating each key that is present. */
export function resolveTransport(where: string, options: TransportOptions, base: ResolvedTransport): ResolvedTransport {
  const o = options;
  // uWS aborts the process (std::terminate) on an idleTimeout from 1 to 7, so it is checked here.
  const idleTimeout = o.idleTimeout === undefined ? base.idleTimeout : integerIn(where, 'idleTimeout', o.idleTimeout, 0, 960);
  if (idleTimeout > 0 && idleTimeout < 8) throw invalidOption(where, 'idleTimeout', '0 (off) or from 8 to 960 seconds', idleTimeout);
  return Object.freeze({
    maxPayloadLength: o.maxPayloadLength === undefined ? base.maxPayloadLength : integerIn(where, 'maxPayloadLength', o.maxPayloadLength, 1, 2 ** 31 - 1),
    idleTimeout,
    maxBackpressure: o.maxBackpressure === undefined ? base.maxBackpressure : integerIn(where, 'maxBackpressure', o.maxBackpressure, 1, 2 ** 31 - 1),
    closeOnBackpressureLimit:
      o.closeOnBackpressureLimit === undefined ? base.closeOnBackpressureLimit : boolean(where, 'closeOnBackpressureLimit', o.closeOnBackpressureLimit),
    compression: o.compression === undefined ? base.compression : boolean(where, 'compression', o.compression),
    maxQueuedMessages: o.maxQueuedMessages === undefined ? base.maxQueuedMessages : integerIn(where, 'maxQueuedMessages', o.maxQueuedMessages, 1, 2 ** 31 - 1),
    origins: o.origins === undefined ? base.origins : resolveOrigins(where, o.origins),
    maxRooms: o.maxRooms === undefined ? base.maxRooms : integerIn(where, 'maxRooms', o.maxRooms, 0, 2 ** 31 - 1),
    rateLimit: o.rateLimit === undefined ? base.rateLimit : resolveRateLimit(where, o.rateLimit),
  });
}

/** Checks what a route declares besides its transport settings (resolveTransport checks those). */
export function checkRouteOptions(where: string, options: RouteOptions): void {
  checkKeys(where, options, routeKeys);
  if (options.onError !== undefined && typeof options.onError !== 'function')
    throw invalidOption(where, 'onError', 'a function (error, ws) => reply', options.onError);
  const { inject } = options;
  if (inject !== undefined && !(Array.isArray(inject) && inject.every(isToken)))
    throw invalidOption(where, 'inject', 'an array of provider tokens (classes, non-empty strings or symbols)', inject);
  if (options.recovery !== undefined) boolean(where, 'recovery', options.recovery);
  if (options.headers !== undefined) boolean(where, 'headers', options.headers);
}
