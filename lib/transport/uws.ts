/**
 * The uWebSockets.js transport, on the native build transport/uws-loader.ts found (the only other module
 * that names uWebSockets.js, for its types). It copies what uWS hands out (requests are
 * stack-allocated, message ArrayBuffers die with the callback) and calls back into transport-agnostic
 * code through the interfaces of ./types: a socket's events go straight to its user data (a SocketUser, the
 * runtime's Connection); app.ts wires the routes' upgrades and HTTP handlers.
 */
import type * as uWS from 'uWebSockets.js';
import { listenFailed, portInUse } from '../util/errors';
import { headerRecord } from '../util/headers';
import { isThenable } from '../util/thenable';
import { addressText } from './address';
import { tryBind } from './bind-probe';
import { SUBPROTOCOL } from '../contract/wire';
import { checkHandshake, checkRequestLimits, offersSwitchboard, refusalClose, refusalOf, type RequestLimits } from './handshake';
import { refusalResult, statusLine, statusResult } from './responses';
import {
  type RawHttpHandler,
  type HttpMethod,
  type HttpResult,
  type Payload,
  type RawUpgrade,
  type TransportRoute,
  type SocketUser,
  type TransportServer,
  type UpgradeHandler,
  type WsRouteSettings,
} from './types';
import type { NativeUws } from './uws-loader';

interface Slot<U> {
  /** The runtime's user data; undefined on a socket accepted only to be closed with `refusal`. */
  value: U | undefined;
  readonly refusal?: { readonly code: number; readonly reason: string };
}

/**
 * The user data of a socket, read as a plain property of the uWS WebSocket object. uWS.js copies the
 * upgrade's user data onto that object (getUserData() returns the socket itself), and open() makes sure
 * of it, so the message path reads a field instead of making a native getUserData() call per message.
 */
function slotOf<U>(ws: uWS.WebSocket<Slot<U>>): Slot<U> {
  return ws as unknown as Slot<U>;
}

/**
 * uWS's flag for a listen without SO_REUSEPORT, which uWS otherwise sets on every listen (a second
 * server on the port would then succeed, and the kernel would split connections between the two).
 * Missing from uWS's typings.
 */
function exclusivePortFlag(native: NativeUws): number | undefined {
  return (native as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT?: number }).LIBUS_LISTEN_EXCLUSIVE_PORT;
}
/** LIBUS_LISTEN_DEFAULT (SO_REUSEPORT on), which uWS does not export. */
const SHARED_PORT = 0;

const decoder = new TextDecoder();

/** The request's headers copied out (uWS's request dies with its callback): names and values alternating. */
function headerList(req: uWS.HttpRequest): string[] {
  const list: string[] = [];
  req.forEach((name, value) => list.push(name, value));
  return list;
}

function rejectUpgrade(res: uWS.HttpResponse, error: unknown): void {
  writeResult(res, refusalResult(error), true);
}

export class UwsServer implements TransportServer {
  private readonly app: uWS.TemplatedApp;
  private listenSocket: uWS.us_listen_socket | null = null;

  /** WebSocket route patterns by shape, until an HTTP GET route claims the same path. */
  private readonly wsPatterns = new Map<string, string>();
  /**
   * Whether uWS has a WebSocket route. Until its first one, uWS has no topic tree, and its publish and
   * numSubscribers dereference it: the process dies with SIGSEGV (uWebSockets issue 1924, fixed upstream
   * after v20.57). Without a route nobody can be subscribed, so the answers are known.
   */
  private hasTopics = false;

  constructor(
    private readonly uws: NativeUws,
    private readonly limits: RequestLimits,
  ) {
    this.app = uws.App();
  }

  publish(topic: string, payload: Payload, isBinary: boolean, compress: boolean): boolean {
    return this.hasTopics && this.app.publish(topic, payload, isBinary, compress);
  }

  numSubscribers(topic: string): number {
    return this.hasTopics ? this.app.numSubscribers(topic) : 0;
  }

  addWebSocketRoute<U extends SocketUser>(route: TransportRoute, settings: WsRouteSettings, upgrade: UpgradeHandler<U>): void {
    // uWS copies the own properties of the user data into its own per-socket object (the prototype is
    // lost), so the user data travels in a one-field holder.
    this.hasTopics = true;
    this.app.ws<Slot<U>>(route.pattern, {
      maxPayloadLength: settings.maxPayloadLength,
      idleTimeout: settings.idleTimeout,
      maxBackpressure: settings.maxBackpressure,
      closeOnBackpressureLimit: settings.closeOnBackpressureLimit,
      compression: settings.compression ? this.uws.SHARED_COMPRESSOR | this.uws.SHARED_DECOMPRESSOR : this.uws.DISABLED,
      sendPingsAutomatically: true,
      upgrade: upgradeHandler(this.limits, route.paramCount, upgrade),
      open: (ws) => {
        const slot = slotOf(ws);
        slot.value ??= ws.getUserData().value;
        if (slot.value !== undefined) return slot.value.opened(ws);
        // A refused upgrade (refuseByClose): closed at once. uWS then calls close, and delivers no message.
        const { code, reason } = ws.getUserData().refusal!;
        ws.end(code, reason);
      },
      // uWS delivers no message to a socket it has closed, so a refused socket never gets here.
      message: (ws, data, isBinary) => slotOf(ws).value!.received(data, isBinary),
      close: (ws, code, reason) => slotOf(ws).value?.closed(code, reason.byteLength === 0 ? '' : decoder.decode(reason)),
      drain: (ws) => slotOf(ws).value!.drained(),
    });
    this.wsPatterns.set(route.shape, route.pattern);
  }

  /**
   * uWS hands an upgrade whose Sec-WebSocket-Key is not 24 characters long (or missing) on to the next
   * route, which would answer 404 or reach an app's HTTP handler: refused here as a bad handshake.
   * Returns true when it answered.
   */
  private refuseBadUpgrade(res: uWS.HttpResponse, req: uWS.HttpRequest): boolean {
    if (req.getHeader('upgrade').toLowerCase() !== 'websocket') return false;
    const refused = checkRequestLimits(this.limits, req.getUrl(), req.getQuery() ?? '', headerList(req));
    rejectUpgrade(res, refused ?? checkHandshake(req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-version')));
    return true;
  }

  addHttpRoute(method: HttpMethod, route: TransportRoute, maxBodyLength: number, handler: RawHttpHandler): void {
    // A WebSocket route plus two GET handlers on one path make uWS v20.30 abort the process ("Internal
    // routing error", test/reliability/handshake.test.ts), so there the app's own handler does the check.
    const sharesWsPath = method === 'get' && this.wsPatterns.delete(route.shape);
    const serve = httpRequestHandler(this.limits, method, route.paramCount, maxBodyLength, handler);
    this.app[method](route.pattern, (res, req) => {
      if (sharesWsPath && this.refuseBadUpgrade(res, req)) return;
      serve(res, req);
    });
  }

  /** The 404 for every path no route claimed; registered last, uWS matches the most specific route first. */
  addNotFound(): void {
    for (const pattern of this.wsPatterns.values())
      this.app.get(pattern, (res, req) => {
        if (!this.refuseBadUpgrade(res, req)) req.setYield(true);
      });
    this.app.any('/*', (res) => writeResult(res, statusResult(404), false));
  }

  /** With `reusePort`, SO_REUSEPORT: the kernel balances connections over every listener on the port. */
  listen(host: string | undefined, port: number, reusePort: boolean): Promise<number> {
    const args: (string | number)[] = host === undefined ? [port] : [host, port];
    const exclusive = exclusivePortFlag(this.uws);
    if (exclusive !== undefined) args.push(reusePort ? SHARED_PORT : exclusive);
    return new Promise((resolve, reject) => {
      const done = (socket: uWS.us_listen_socket | false): void => {
        if (socket !== false) {
          this.listenSocket = socket;
          resolve(this.uws.us_socket_local_port(socket));
          return;
        }
        // uWS says only `false`: the same bind through node:net names the cause.
        void tryBind(host, port).then((result) => {
          const code = 'code' in result ? result.code : null;
          reject(
            code === 'EADDRINUSE' ? portInUse('app.listen()', host, port, reusePort ? 'shared' : 'exclusive') : listenFailed('app.listen()', host, port, code),
          );
        });
      };
      // The typings have no (host, port, options, callback) overload; uWS itself takes it.
      (this.app.listen as (...a: unknown[]) => unknown).apply(this.app, [...args, done]);
    });
  }

  stopListening(): void {
    if (this.listenSocket !== null) this.uws.us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
  }

  closeAll(): void {
    (this.app as unknown as { close(): void }).close();
  }
}

function writeResult(res: uWS.HttpResponse, result: HttpResult, closeConnection: boolean): void {
  res.writeStatus(statusLine(result.status));
  for (const [name, value] of result.headers) res.writeHeader(name, value);
  res.end(result.body, closeConnection);
}

/**
 * Refuses an upgrade the way a browser can see it: accepted with the switchboard subprotocol, then closed
 * at once with 4000 + the status and the message as reason (a browser cannot read an HTTP status).
 * The socket carries no runtime user data: no handler runs for it and it is not a connection.
 */
function refuseByClose(res: uWS.HttpResponse, error: unknown, key: string, extensions: string, context: uWS.us_socket_context_t): void {
  const slot: Slot<undefined> = { value: undefined, refusal: refusalClose(refusalOf(error)) };
  res.upgrade(slot, key, SUBPROTOCOL, extensions, context);
}

/**
 * uWS's upgrade callback for a route: the handshake checks, the request copied out of uWS, then the
 * runtime's `upgrade`, synchronous or not (the client may leave while it awaits). A client offering
 * the switchboard subprotocol gets exactly that answered, and a refusal as a close code (refuseByClose);
 * other offers go to uWS as they came (it answers their first entry).
 */
function upgradeHandler<U extends SocketUser>(limits: RequestLimits, paramCount: number, upgrade: UpgradeHandler<U>) {
  return (res: uWS.HttpResponse, req: uWS.HttpRequest, context: uWS.us_socket_context_t): void => {
    const key = req.getHeader('sec-websocket-key');
    const offered = req.getHeader('sec-websocket-protocol');
    const switchboard = offersSwitchboard(offered);
    const protocol = switchboard ? SUBPROTOCOL : offered;
    const extensions = req.getHeader('sec-websocket-extensions');
    const headers = headerList(req);
    const url = req.getUrl();
    const query = req.getQuery() ?? '';
    const refused = checkRequestLimits(limits, url, query, headers) ?? checkHandshake(key, req.getHeader('sec-websocket-version'));
    if (refused !== null) return rejectUpgrade(res, refused);
    const raw: RawUpgrade = {
      url,
      query,
      headers,
      params: parameters(req, paramCount),
      remoteAddress: addressText(decoder.decode(res.getRemoteAddressAsText())),
      origin: req.getHeader('origin'),
      host: req.getHeader('host'),
    };
    let result: U | PromiseLike<U>;
    try {
      result = upgrade(raw);
    } catch (error) {
      return switchboard ? refuseByClose(res, error, key, extensions, context) : rejectUpgrade(res, error);
    }
    if (!isThenable<U>(result)) return res.upgrade({ value: result }, key, protocol, extensions, context);
    // uWS requires onAborted before returning from a request answered later.
    let aborted = false;
    res.onAborted(() => (aborted = true));
    result.then(
      (userData) => {
        if (!aborted) res.cork(() => res.upgrade({ value: userData }, key, protocol, extensions, context));
      },
      (error: unknown) => {
        if (!aborted) res.cork(() => (switchboard ? refuseByClose(res, error, key, extensions, context) : rejectUpgrade(res, error)));
      },
    );
  };
}

/** Path parameters in pattern order, still percent-encoded. */
function parameters(req: uWS.HttpRequest, count: number): string[] {
  const params: string[] = [];
  for (let i = 0; i < count; i++) params.push(req.getParameter(i) ?? '');
  return params;
}

/** uWS's callback for an HTTP route: limits, the request copied out, the body read, the handler's result written. */
function httpRequestHandler(limits: RequestLimits, method: HttpMethod, paramCount: number, maxBodyLength: number, handler: RawHttpHandler) {
  return (res: uWS.HttpResponse, req: uWS.HttpRequest): void => {
    const list = headerList(req);
    const url = req.getUrl();
    const query = req.getQuery() ?? '';
    const refused = checkRequestLimits(limits, url, query, list);
    if (refused !== null) return writeResult(res, statusResult(refused.status), true);
    const head = { method: req.getMethod().toUpperCase(), url, query, headers: headerRecord(list), params: parameters(req, paramCount) };
    let aborted = false;
    res.onAborted(() => (aborted = true));
    const respond = (result: HttpResult): void => {
      if (!aborted) res.cork(() => writeResult(res, result, false));
    };
    const run = (body: Buffer | null): void => {
      let result: HttpResult | PromiseLike<HttpResult>;
      try {
        result = handler({ ...head, body });
      } catch {
        result = statusResult(500);
      }
      if (isThenable<HttpResult>(result)) result.then(respond, () => respond(statusResult(500)));
      else respond(result);
    };
    if (method === 'get' || method === 'del') return run(null);
    readBody(res, maxBodyLength, run, () => respond(statusResult(413)));
  };
}

/** Collects the body up to `limit` bytes; chunks are copied, uWS reuses their memory. */
function readBody(res: uWS.HttpResponse, limit: number, done: (body: Buffer | null) => void, tooLarge: () => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  res.onData((chunk, isLast) => {
    if (over) return;
    size += chunk.byteLength;
    if (size > limit) {
      over = true;
      tooLarge();
      return;
    }
    chunks.push(Buffer.from(chunk.slice(0)));
    if (isLast) done(size === 0 ? null : Buffer.concat(chunks, size));
  });
}
