import type { StandardIssue } from '../contract/standard-schema';

/**
 * Every error switchboard raises, built in one place with a stable `code`.
 * docs/errors.md lists the same codes; test/errors.test.ts checks both directions.
 */

/** The stable codes of {@link SwitchboardError}. */
export const ErrorCodes = {
  SWB_ERR_INVALID_ARGUMENT: 'a public function was called with an argument of the wrong type or range',
  SWB_ERR_INVALID_OPTION: 'an option is unknown, or its value is out of range',
  SWB_ERR_INVALID_PATTERN: 'a route pattern is malformed',
  SWB_ERR_NOT_A_ROUTE: 'a class given to register() has no @WebSocketRoute',
  SWB_ERR_DUPLICATE_ROUTE: 'two routes (or two HTTP handlers) use the same pattern',
  SWB_ERR_DUPLICATE_HANDLER: 'a class declares two handlers for the same lifecycle event',
  SWB_ERR_UNRESOLVED_PARAMETER: 'a handler parameter cannot be resolved',
  SWB_ERR_MISSING_PROVIDER: 'a token injected by a route was never given to app.provide()',
  SWB_ERR_APP_STARTED: 'the app was changed (register, provide, get…) after listen()',
  SWB_ERR_APP_CLOSED: 'the app was used after close()',
  SWB_ERR_PORT_IN_USE: 'listen() found the port taken by another server (another process, or another App in this one)',
  SWB_ERR_LISTEN_FAILED: 'the port could not be bound for another reason than being in use (permission, address)',
  SWB_ERR_UNKNOWN_ROUTE: 'app.broadcast() named a route that is not registered',
  SWB_ERR_UNSENDABLE: 'a value cannot be encoded as a WebSocket frame',
  SWB_ERR_INVALID_CLOSE_CODE: 'ws.close() got a code or reason the protocol forbids',
  SWB_ERR_UWS_UNAVAILABLE: "new App({ transport: 'uws' }) found no native uWebSockets.js build that loads on this Node.js and libc",
  SWB_ERR_REUSEPORT_UNSUPPORTED: 'reusePort: true on the portable transport, outside serve(), on a Node.js without SO_REUSEPORT (before 22.12)',
  SWB_ERR_REDIS_UNAVAILABLE: 'app.listen() with a RedisBus could not reach Redis within connectTimeout',
  SWB_ERR_REDIS_MISSING: 'RedisBus was used but the redis package (node-redis) is not installed',
  SWB_ERR_WORKER_FAILED: 'serve(): a worker process exited or failed before it was listening',
  SWB_ERR_CLIENT_NOT_BUILT: 'app.serveClient() found no client module to serve (the package was built without it)',
  SWB_ERR_RECOVERY_OFF: 'app.history() was called on an App made without the recovery option',
  SWB_ERR_HEADERS_NOT_KEPT: "ws.headers was read on a route whose connections do not keep the upgrade's headers",
  SWB_ERR_WS_MISSING: 'switchboard/testing found no WebSocket client: no ws package, and no built-in WebSocket (or not the one asked for)',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/**
 * An error of the framework itself: a bad declaration, option or argument.
 * @example
 * try { app.register(NotARoute); } catch (e) { if (e instanceof SwitchboardError) console.log(e.code); }
 */
export class SwitchboardError extends Error {
  override readonly name = 'SwitchboardError';
  /** @param options.cause the underlying error (a failed connection, a system error), kept as `error.cause`. */
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} [${code}]`, options);
  }
}

/**
 * An error meant for the client: thrown from a handler, it is sent as
 * `{"error":{"code":…,"message":…}}` and the connection stays open.
 * @example
 * if (!room) throw new WsError('not_found', `No room named ${name}`);
 */
export class WsError extends Error {
  override readonly name = 'WsError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    if (typeof code !== 'string' || code === '') throw invalidArgument('new WsError(code, message)', 'code', 'a non-empty string', code);
  }
}

/**
 * A Standard Schema rejected an event's `data`: the handler did not run, and the client gets a
 * `validation_failed` error frame carrying `issues`. A route's `onError` sees it like any handler error.
 * @example
 * onError: (error, ws) => (error instanceof ValidationError ? { invalid: error.issues.length } : undefined)
 */
export class ValidationError extends WsError {
  constructor(readonly issues: readonly StandardIssue[]) {
    super('validation_failed', issues.map((issue) => issue.message).join('; ') || 'Invalid data');
  }
}

/**
 * Rejects an upgrade (from `@OnUpgrade`) or an HTTP request with a status.
 * @example
 * if (req.queryParams.get('token') !== 'wst') throw new HttpError(401, 'Bad token');
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  /** Seconds the client should wait before it tries again (`Retry-After`); null when not said. */
  readonly retryAfter: number | null;
  /**
   * @param options.retryAfter seconds: sent as the `Retry-After` header, and to a client of the switchboard
   * subprotocol as the window of its reconnect (docs/deploys.md#the-reconnect-window).
   */
  constructor(
    readonly status: number,
    message = '',
    options?: { retryAfter?: number },
  ) {
    super(message);
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw invalidArgument('new HttpError(status, message)', 'status', 'an integer from 400 to 599', status);
    const retryAfter = options?.retryAfter;
    if (retryAfter !== undefined && !(Number.isInteger(retryAfter) && retryAfter >= 0))
      throw invalidArgument('new HttpError(status, message, options)', 'options.retryAfter', 'a whole number of seconds ≥ 0', retryAfter);
    this.retryAfter = retryAfter ?? null;
  }
}

/** Text for a value in an error message: short, never throws. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'function') return value.name ? `function ${value.name}` : 'a function';
  if (typeof value === 'symbol' || typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : `an object (${value.constructor?.name ?? 'no prototype'})`;
}

export function invalidArgument(where: string, name: string, expected: string, got: unknown): SwitchboardError {
  return new SwitchboardError('SWB_ERR_INVALID_ARGUMENT', `${where}: ${name} must be ${expected}, got ${describe(got)}.`);
}

export function invalidOption(where: string, name: string, expected: string, got: unknown): SwitchboardError {
  return new SwitchboardError('SWB_ERR_INVALID_OPTION', `${where}: option "${name}" must be ${expected}, got ${describe(got)}.`);
}

/** ws.headers on a route that does not keep them (route option `headers`; docs/limits.md#idle-memory). */
export function headersNotKept(route: string): SwitchboardError {
  return new SwitchboardError(
    'SWB_ERR_HEADERS_NOT_KEPT',
    `ws.headers: the connections of ${route} do not keep the upgrade's headers, since no code of the route mentions them. ` +
      `Give the route the option { headers: true }, or read what you need in @OnUpgrade and keep it in ws.state.`,
  );
}

/** How an address reads in a message: `127.0.0.1:8000`, `[::1]:8000`, or `port 8000 (all interfaces)`. */
function address(host: string | undefined, port: number): string {
  if (host === undefined) return `port ${port} (all interfaces)`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** What the failed bind was for: app.listen() alone, app.listen() with reusePort (or a serve() worker), serve()'s check. */
export type PortClaim = 'exclusive' | 'shared' | 'serve';

const portInUseFixes: Readonly<Record<PortClaim, string>> = {
  exclusive:
    '(another process, or another App in this one, listens there). Stop that server or choose another port (0 picks a free one). ' +
    'To share a port between processes on purpose, use serve({ workers }) or give every App new App({ reusePort: true }).',
  shared:
    'by a server that does not share it. Every server on a shared port must listen with reusePort: true (serve() workers do) and run as the same user; ' +
    'otherwise stop that server or choose another port.',
  serve:
    '(another process, or another App in this one, listens there). Stop that server or choose another port (0 picks a free one): ' +
    "serve()'s workers never join a port another server holds, even one that shares it.",
};

/** The port is held by another listener. */
export function portInUse(where: string, host: string | undefined, port: number, claim: PortClaim): SwitchboardError {
  return new SwitchboardError('SWB_ERR_PORT_IN_USE', `${where}: cannot listen on ${address(host, port)}: the port is already in use ${portInUseFixes[claim]}`);
}

/** Why binding failed, from the system's error code (as node:net reports it). */
const bindFailures: Readonly<Record<string, string>> = {
  EACCES: 'permission denied (EACCES): ports below 1024 need root or the CAP_NET_BIND_SERVICE capability. Use a port from 1024 up',
  EADDRNOTAVAIL: 'the host is not an address of this machine (EADDRNOTAVAIL). Use one of its interface addresses, 127.0.0.1, or no host for all interfaces',
  ENOTFOUND: 'the host name does not resolve (ENOTFOUND). Use an address or a name this machine resolves',
  EAI_AGAIN: 'the host name could not be resolved (EAI_AGAIN). Use an address or a name this machine resolves',
};

/**
 * The port could not be bound for another reason than being in use. `code`: the system's error
 * code for the same bind, or null when binding it again succeeded (the cause is then unknown).
 */
export function listenFailed(where: string, host: string | undefined, port: number, code: string | null): SwitchboardError {
  const why =
    code === null
      ? 'uWebSockets.js could not bind it, yet binding it again right after succeeded (the port may have been released in between). Try again'
      : (bindFailures[code] ?? `the system refused to bind it (${code})`);
  return new SwitchboardError('SWB_ERR_LISTEN_FAILED', `${where}: cannot listen on ${address(host, port)}: ${why}.`);
}
