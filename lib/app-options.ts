/**
 * The options of `new App()`: their types, and the one check that resolves them when the App is built, so
 * a typo fails at boot, not under load. Each setting is resolved beside what it configures (a route's in
 * compile/, admission and recovery in runtime/, request limits and the transport's choice in transport/);
 * this module only gathers them.
 */
import type { Bus } from './bus/bus';
import { resolveTransport, transportDefaults, transportKeys, type ResolvedTransport } from './compile/route-settings';
import type { RouteClass, TransportOptions } from './declare/route-options';
import { resolveAdmission, type AdmissionLimits } from './runtime/admission';
import { resolveRecovery, type RecoveryOptions, type ResolvedRecovery } from './runtime/recovery-options';
import { requestedTransport } from './transport/choose';
import { requestLimitDefaults, resolveRequestLimits, type RequestLimits } from './transport/handshake';
import type { TransportName } from './transport/types';
import { invalidOption } from './util/errors';
import { resolveJsonPolicy, type JsonPolicy, type PoisoningAction } from './util/json';
import { boolean, checkKeys, integerIn, loggerOption, type Logger } from './util/validate';

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

/** The App's settings after defaults. */
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

const appKeys = [
  ...transportKeys,
  ...Object.keys(requestLimitDefaults),
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

const busMethods = ['open', 'publish', 'sendTo', 'close'];
const storeMethods = ['trackPresence', 'untrackPresence', 'loadPresence'];

/**
 * Caught here rather than as "x.open is not a function" at listen(): `bus: RedisBus` (the class) is an easy
 * slip. A bus stores presence when it implements PresenceStore, all of it: half of it is a mistake.
 */
function checkBus(where: string, bus: unknown): void {
  if (bus === undefined) return;
  const has = (m: string): boolean => typeof (bus as Record<string, unknown>)[m] === 'function';
  if (bus === null || typeof bus !== 'object' || !busMethods.every(has))
    throw invalidOption(where, 'bus', 'a Bus instance such as new LocalBus() or new RedisBus({ url })', bus);
  const store = storeMethods.filter(has).length;
  if (store !== 0 && store !== storeMethods.length)
    throw invalidOption(where, 'bus', `a Bus that implements all of PresenceStore (${storeMethods.join(', ')}) or none of it`, bus);
}

/** `new App(options)`'s options, every one checked, with defaults for those absent. */
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
  checkBus(where, options.bus);
  return {
    routeDefaults: resolveTransport(where, options, transportDefaults),
    transport: requestedTransport(where, options.transport),
    logger,
    closeTimeout: options.closeTimeout === undefined ? 10_000 : integerIn(where, 'closeTimeout', options.closeTimeout, 0, 2 ** 31 - 1),
    maxBodyLength: options.maxBodyLength === undefined ? 1024 * 1024 : integerIn(where, 'maxBodyLength', options.maxBodyLength, 0, 2 ** 31 - 1),
    reusePort: options.reusePort === undefined ? false : boolean(where, 'reusePort', options.reusePort),
    json: resolveJsonPolicy(where, options),
    limits: resolveRequestLimits(where, options),
    recovery: resolveRecovery(where, options.recovery),
    admission: resolveAdmission(where, options),
  };
}
