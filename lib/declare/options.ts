/**
 * Options of App and of @WebSocketRoute: their types, defaults and validation. Every value is
 * checked when the App is built or the route registered, so a typo fails at boot, not under load.
 */
import type { Bus } from '../bus/bus';
import { TRANSPORT_ENV, TRANSPORT_NAMES, type TransportName } from '../transport/types';
import { requestLimitDefaults, UWS_MAX_HEADERS, type RequestLimits } from '../transport/handshake';
import { invalidOption } from '../util/errors';
import { jsonDefaults, type JsonPolicy, type PoisoningAction } from '../util/json';
import { boolean, checkKeys, integerIn, loggerOption, type Logger } from '../util/validate';
import type { Connector, Reply } from './connector';

/** Transport limits, settable on the App (defaults for every route) and on one route. */
export interface TransportOptions {
  /** Largest incoming message in bytes; bigger ones close the connection. Default 1 MiB. */
  maxPayloadLength?: number;
  /** Seconds without traffic before a peer is dropped; pings are sent automatically before that. 0 disables. Default 120. */
  idleTimeout?: number;
  /** Bytes that may wait in a slow reader's send buffer; past it sends are dropped (`send` returns false). Default 1 MiB. */
  maxBackpressure?: number;
  /** Close (instead of dropping messages for) a reader past `maxBackpressure`. Default false. */
  closeOnBackpressureLimit?: boolean;
  /** permessage-deflate with a shared compressor, when the client offers it. Default false. */
  compression?: boolean;
  /** Messages that may wait behind a pending async handler before the connection is closed with 1008. Default 1024. */
  maxQueuedMessages?: number;
  /**
   * Browser origins allowed to connect, besides same-origin pages and clients that send no Origin.
   * `'*'` allows any. Default: none besides those.
   */
  origins?: readonly string[] | '*';
  /** Rooms one connection may be in at once; `ws.join` past it throws a `too_many_rooms` WsError. Default 1000. */
  maxRooms?: number;
  /**
   * Messages one connection may send: a token bucket of `burst` tokens (default `messages`) refilled at
   * `messages` per `per` ms. A message past it gets a `rate_limited` error frame and its handler does not
   * run; `false` turns an App's limit off for a route. Default: no limit (docs/limits.md).
   */
  rateLimit?: RateLimitOptions | false;
}

/** The `rateLimit` option: `messages` per `per` milliseconds, bursts of up to `burst`. */
export interface RateLimitOptions {
  messages: number;
  per: number;
  burst?: number;
}

/** Options of `@WebSocketRoute(pattern, options)`. */
export interface RouteOptions extends TransportOptions {
  /** Turns a handler's error into the reply to send instead of the default error frame. */
  onError?: (error: unknown, ws: Connector) => Reply | Promise<Reply>;
  /**
   * The tokens of the route class's constructor parameters, in order (values given to `app.provide`):
   * the way to inject without design types or parameter decorators (standard decorators, tsx, esbuild).
   */
  inject?: readonly ProviderToken[];
  /** `false`: this route's connections get no resumable session even when the App has `recovery` (docs/recovery.md). Default true. */
  recovery?: boolean;
  /**
   * Whether its connections keep the upgrade's headers for `ws.headers`. Default: when the route's code can
   * read them (a `@Header` parameter, or its class mentions `headers`); `true` when code elsewhere reads
   * them, `false` to drop them anyway (docs/limits.md#idle-memory).
   */
  headers?: boolean;
}

/**
 * Resumable sessions and room history (docs/recovery.md): how long a dropped client may come back and
 * still get what it missed, and how many pushes each topic keeps for it.
 */
export interface RecoveryOptions {
  /** Milliseconds a session and a push stay recoverable after the client dropped / after it was published. Default 120 000. */
  window?: number;
  /** Pushes kept per topic (room, route broadcast, connection id); an older one is dropped when a new one comes. Default 100. */
  historySize?: number;
}

/** The recovery settings after defaults. */
export interface ResolvedRecovery {
  readonly window: number;
  readonly historySize: number;
}

/** A class decorated with `@WebSocketRoute`. */
export type RouteClass = abstract new (...args: never[]) => object;

/** Options of `new App(options)`. */
export interface AppOptions extends TransportOptions {
  /** Route classes to register, as `app.register(...routes)` would. */
  routes?: readonly RouteClass[];
  /** Fan-out between connections (and processes). Default: the in-process bus. */
  bus?: Bus;
  logger?: Logger;
  /** Milliseconds `app.close()` waits for in-flight handlers before it gives up on them. Default 10000. */
  closeTimeout?: number;
  /** Largest HTTP request body in bytes; bigger ones get 413. Default 1 MiB. */
  maxBodyLength?: number;
  /**
   * `'uws'`: uWebSockets.js, refused (SWB_ERR_UWS_UNAVAILABLE) when no native build loads here. `'node'`:
   * the portable transport on node:http and ws. Default: the environment variable SWITCHBOARD_TRANSPORT,
   * else uWS when a native build loads, else the portable one (with one log line saying so).
   */
  transport?: TransportName;
  /** Headers a request may have; more get 431. 1 to 48 (uWS v20.30 parses no more). Default 48. */
  maxHeaderCount?: number;
  /** Bytes of one request header (name and value); longer gets 431. Default 8192. */
  maxHeaderLineBytes?: number;
  /** Bytes of all request headers; more gets 431. Default 16384. */
  maxHeaderBytes?: number;
  /** Characters of a request's path and query string; longer gets 414. Default 8192. */
  maxUrlLength?: number;
  /** Parameters in a request's query string; more gets 414. Default 256. */
  maxQueryParams?: number;
  /**
   * Share the port with other servers that also set it (SO_REUSEPORT): the kernel balances new
   * connections over them. Default false: `listen()` rejects with SWB_ERR_PORT_IN_USE when the port is taken.
   */
  reusePort?: boolean;
  /**
   * A `__proto__` key in parsed JSON (WebSocket messages, event frames, HTTP bodies): `'error'` refuses
   * the message (`invalid_json` frame, HTTP 400), `'remove'` deletes the key, `'ignore'` passes it on. Default 'error'.
   */
  onProtoPoisoning?: PoisoningAction;
  /** The same for a `constructor` key holding a `prototype`. Default 'error'. */
  onConstructorPoisoning?: PoisoningAction;
  /** Resumable sessions and room history for clients of the `switchboard` subprotocol; `true` for the defaults. Default off. */
  recovery?: boolean | RecoveryOptions;
  /** WebSocket connections this process accepts at once; more are refused with 503 (4503). Default: no limit. */
  maxConnections?: number;
  /** WebSocket connections one client address may hold open at once; more are refused with 429 (4429). Default: no limit. */
  maxConnectionsPerIp?: number;
  /**
   * The proxies in front of the app: `true` (one) or their number. The client's address is then read from
   * `X-Forwarded-For`, that many entries from its right end, for `ws.remoteAddress` and `maxConnectionsPerIp`.
   * Default false: the header is ignored (anyone can send it).
   */
  trustProxy?: boolean | number;
}

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

const transportKeys = [
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
const limitKeys = ['maxHeaderCount', 'maxHeaderLineBytes', 'maxHeaderBytes', 'maxUrlLength', 'maxQueryParams'] as const;
const appKeys = [
  ...transportKeys,
  ...limitKeys,
  'routes',
  'bus',
  'logger',
  'closeTimeout',
  'maxBodyLength',
  'transport',
  'reusePort',
  'onProtoPoisoning',
  'onConstructorPoisoning',
  'recovery',
  'maxConnections',
  'maxConnectionsPerIp',
  'trustProxy',
];

const poisoningActions: readonly unknown[] = ['error', 'remove', 'ignore'] satisfies PoisoningAction[];

function poisoning(where: string, name: string, value: unknown, fallback: PoisoningAction): PoisoningAction {
  if (value === undefined) return fallback;
  if (!poisoningActions.includes(value)) throw invalidOption(where, name, "'error', 'remove' or 'ignore'", value);
  return value as PoisoningAction;
}

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

/** Anything `app.provide()` accepts as a key: a class, a string or a symbol. */
export type ProviderToken = string | symbol | (abstract new (...args: never[]) => unknown);

/** A key `app.provide()` accepts: a class, a non-empty string or a symbol. */
export function isToken(token: unknown): token is ProviderToken {
  return typeof token === 'function' || typeof token === 'symbol' || (typeof token === 'string' && token !== '');
}

export interface ResolvedApp {
  /** The per-route transport settings every route starts from. */
  readonly routeDefaults: ResolvedTransport;
  /** The transport asked for (option, else SWITCHBOARD_TRANSPORT); undefined: whichever loads. */
  readonly transport: TransportName | undefined;
  readonly logger: Logger;
  readonly closeTimeout: number;
  readonly maxBodyLength: number;
  readonly reusePort: boolean;
  /** How parsed JSON treats prototype keys; passed to parseJson as it is. */
  readonly json: JsonPolicy;
  readonly limits: RequestLimits;
  /** null: recovery is off. */
  readonly recovery: ResolvedRecovery | null;
  readonly admission: AdmissionLimits;
}

/** A day: a longer window only holds memory for clients gone for good. */
const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;

function resolveRecovery(where: string, value: unknown): ResolvedRecovery | null {
  if (value === undefined || value === false) return null;
  const given = value === true ? {} : value;
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw invalidOption(where, 'recovery', 'true, false or { window?, historySize? }', value);
  checkKeys(`${where} recovery`, given, ['window', 'historySize']);
  const o = given as RecoveryOptions;
  return Object.freeze({
    window: o.window === undefined ? 120_000 : integerIn(where, 'recovery.window', o.window, 1, MAX_WINDOW_MS),
    historySize: o.historySize === undefined ? 100 : integerIn(where, 'recovery.historySize', o.historySize, 1, 1_000_000),
  });
}

/** Connections the App accepts (docs/limits.md#admission-control); Infinity: no limit. */
export interface AdmissionLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** Proxies whose X-Forwarded-For entries are trusted; 0: the header is ignored. */
  readonly proxyHops: number;
}

function resolveAdmission(where: string, options: AppOptions): AdmissionLimits {
  const { maxConnections, maxConnectionsPerIp, trustProxy } = options;
  if (trustProxy !== undefined && typeof trustProxy !== 'boolean') integerIn(where, 'trustProxy', trustProxy, 0, 64);
  return Object.freeze({
    maxConnections: maxConnections === undefined ? Infinity : integerIn(where, 'maxConnections', maxConnections, 1, 2 ** 31 - 1),
    maxConnectionsPerIp: maxConnectionsPerIp === undefined ? Infinity : integerIn(where, 'maxConnectionsPerIp', maxConnectionsPerIp, 1, 2 ** 31 - 1),
    proxyHops: trustProxy === true ? 1 : typeof trustProxy === 'number' ? trustProxy : 0,
  });
}

function resolveLimits(where: string, options: AppOptions): RequestLimits {
  const limits: Record<string, number> = {};
  for (const key of limitKeys) {
    const value = options[key];
    limits[key] = value === undefined ? requestLimitDefaults[key] : integerIn(where, key, value, 1, key === 'maxHeaderCount' ? UWS_MAX_HEADERS : 2 ** 31 - 1);
  }
  return Object.freeze(limits as unknown as RequestLimits);
}

const transportNames: readonly unknown[] = TRANSPORT_NAMES;

/** The `transport` option, else SWITCHBOARD_TRANSPORT (an empty variable counts as unset), each checked. */
function transportChoice(where: string, options: AppOptions): TransportName | undefined {
  if (options.transport !== undefined) {
    if (!transportNames.includes(options.transport)) throw invalidOption(where, 'transport', "'uws' or 'node'", options.transport);
    return options.transport;
  }
  const env = process.env[TRANSPORT_ENV];
  if (env === undefined || env === '') return undefined;
  if (!transportNames.includes(env)) throw invalidOption(where, `transport (from the environment variable ${TRANSPORT_ENV})`, "'uws' or 'node'", env);
  return env as TransportName;
}

export function resolveAppOptions(options: AppOptions): ResolvedApp {
  const where = 'new App(options)';
  if (options === null || typeof options !== 'object') throw invalidOption(where, 'options', 'an object', options);
  // Removed with uWS's pure-JS fallback: the portable transport replaces it, and a silent no-op would hide that.
  if ('allowJsFallback' in options)
    throw invalidOption(
      where,
      'allowJsFallback',
      "absent: it was removed with uWS's JS fallback; use transport: 'node' (or leave it unset to fall back automatically)",
      options.allowJsFallback,
    );
  checkKeys(where, options, appKeys);
  const logger = loggerOption(where, options.logger);
  const bus: unknown = options.bus;
  // Caught here rather than as "x.open is not a function" at listen(): `bus: RedisBus` (the class) is an easy slip.
  if (
    bus !== undefined &&
    (bus === null || typeof bus !== 'object' || !['open', 'publish', 'sendTo', 'close'].every((m) => typeof (bus as Record<string, unknown>)[m] === 'function'))
  )
    throw invalidOption(where, 'bus', 'a Bus instance such as new LocalBus() or new RedisBus({ url })', bus);
  return {
    routeDefaults: resolveTransport(where, options, transportDefaults),
    transport: transportChoice(where, options),
    logger,
    closeTimeout: options.closeTimeout === undefined ? 10_000 : integerIn(where, 'closeTimeout', options.closeTimeout, 0, 2 ** 31 - 1),
    maxBodyLength: options.maxBodyLength === undefined ? 1024 * 1024 : integerIn(where, 'maxBodyLength', options.maxBodyLength, 0, 2 ** 31 - 1),
    reusePort: options.reusePort === undefined ? false : boolean(where, 'reusePort', options.reusePort),
    json: Object.freeze({
      protoAction: poisoning(where, 'onProtoPoisoning', options.onProtoPoisoning, jsonDefaults.protoAction),
      constructorAction: poisoning(where, 'onConstructorPoisoning', options.onConstructorPoisoning, jsonDefaults.constructorAction),
    }),
    limits: resolveLimits(where, options),
    recovery: resolveRecovery(where, options.recovery),
    admission: resolveAdmission(where, options),
  };
}
