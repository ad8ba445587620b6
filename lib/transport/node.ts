/**
 * The portable transport: the same server as transport/uws.ts on node:http and ws, for a Node.js or a
 * libc no native uWS build loads on (or when asked for). It keeps uWS's semantics where the layers above
 * rely on them: a socket's close handler runs synchronously inside end(), no message is delivered after
 * close, send() answers 1/0/2 (sent, buffered, dropped) and drain fires when the buffer empties, topics
 * with a publish that skips its sender, idle timeouts with automatic pings, and the same routing, limits
 * and refusals (shared with the uWS transport through ./handshake, ./responses and ./router).
 *
 * Per message: ws parses the frame and hands over an ArrayBuffer (binaryType 'arraybuffer': ws copies the
 * payload out of its read buffer once, which is what received() needs anyway); the listeners are
 * module-level functions that find their socket through a symbol slot, so nothing is allocated here.
 */
import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ListenOptions } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { SUBPROTOCOL } from '../contract/wire';
import { listenFailed, portInUse, SwitchboardError } from '../util/errors';
import { headerRecord } from '../util/headers';
import { isThenable } from '../util/thenable';
import { checkHandshake, checkRequestLimits, offersSwitchboard, refusalClose, refusalOf, type RequestLimits } from './handshake';
import { refusalResult, statusLine, statusResult } from './responses';
import { Router } from './router';
import type {
  HttpMethod,
  HttpResult,
  Payload,
  RawHttpHandler,
  RawUpgrade,
  Socket,
  SocketUser,
  TransportRoute,
  TransportServer,
  UpgradeHandler,
  WsRouteSettings,
} from './types';

const SENT = 1;
const BUFFERED = 0;
const DROPPED = 2;

/** Bytes a batch of replies gathers before it is written anyway: uWS's cork buffer holds as much. */
const CORK_BYTES = 16 * 1024;

/**
 * How long a connection that is no longer read (stopReading) is kept before it is dropped: its close frame
 * and FIN reach a peer that reads within a round trip, and one that does not read never takes them. Unread,
 * the peer's own FIN goes unseen, so without this each would hold a descriptor for ws's 30-second close
 * timeout, and a client that reconnects at once after each close would pile them up.
 */
const UNREAD_LINGER_MS = 2000;

/** How often idle sockets are counted, in seconds; uWS's own timeouts have a 4-second granularity. */
const SWEEP_SECONDS = 1;

/** Node.js 22.12 (and 23.1) added SO_REUSEPORT to net's listen(). */
const [NODE_MAJOR = 0, NODE_MINOR = 0] = process.versions.node.split('.').map(Number);
export const NET_REUSE_PORT = NODE_MAJOR > 22 || (NODE_MAJOR === 22 && NODE_MINOR >= 12);

interface WsRoute {
  readonly settings: WsRouteSettings;
  readonly upgrade: UpgradeHandler<SocketUser>;
  readonly server: WebSocketServer;
}

const owner = Symbol('switchboard.socket');
type OwnedWs = WebSocket & { [owner]: NodeSocket };

function socketOf(ws: WebSocket): NodeSocket {
  return (ws as OwnedWs)[owner];
}

/**
 * ws's WebSocket, told when the peer's close frame arrives. ws answers that frame by calling close() on
 * itself with the peer's code and reason (as bytes; with nothing for a frame without a code), but emits
 * 'close' only once the TCP connection has ended, which a peer may delay for ws's 30-second close
 * timeout. uWS runs the close handler as the frame arrives, and so does this transport. A protocol
 * error makes ws call close() with a code alone: that close is reported by the 'close' event (1006).
 */
class PeerClosingWebSocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    const socket = (this as unknown as Partial<OwnedWs>)[owner];
    super.close(code, data);
    if (socket !== undefined && (Buffer.isBuffer(data) || (code === undefined && data === undefined)))
      socket.closed(code ?? 1005, data === undefined ? '' : data.toString('utf8'));
  }
}

/** uWS's reasons for the violations it closes a connection for (the others it closes with no reason). */
const violationReasons: Readonly<Record<string, string>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'Received too big message',
  WS_ERR_INVALID_UTF8: 'Received invalid UTF-8',
};

class NodeSocket implements Socket {
  open = true;
  /** Seconds since anything arrived (counted by the server's sweep). */
  idle = 0;
  /** send() returned BUFFERED, or a batch left bytes waiting: drain is due when the buffer empties. */
  awaitingDrain = false;
  /** Replies are being gathered into one write until the read that caused them has been handled (cork()). */
  corked = false;
  /** What was waiting when the batch began: replies gathered into it count as sent only when nothing was. */
  private backlog = 0;
  /** A protocol violation ws reported, as uWS words it: the close handler's reason. */
  violation = '';
  readonly topics = new Set<string>();
  /** ws calls it once a send has reached the socket (one per connection, not per message). */
  private readonly written = (): void => this.flushed();

  constructor(
    readonly ws: WebSocket,
    readonly tcp: Duplex,
    readonly route: WsRoute,
    /** The runtime's connection: told of this socket's events directly. */
    readonly user: SocketUser,
    private readonly server: NodeServer,
  ) {}

  /**
   * Holds this socket's writes until the current read has been handled, as uWS corks a socket around
   * its callbacks: the replies to the several messages one read carries leave in one write (one
   * syscall, one TCP segment) instead of one each. Uncorked once this turn of the event loop has
   * handled its reads (setImmediate, uncork() below), not on the next tick: the replies of handlers that
   * awaited only resolved promises come in microtasks after the next tick, and so join the batch too.
   */
  cork(): void {
    this.corked = true;
    this.backlog = this.ws.bufferedAmount;
    this.tcp.cork();
    setImmediate(uncork, this);
  }

  send(payload: Payload, isBinary: boolean, compress: boolean): number {
    if (!this.open) return DROPPED;
    const ws = this.ws;
    const { maxBackpressure, closeOnBackpressureLimit } = this.route.settings;
    if (ws.bufferedAmount > maxBackpressure) {
      // uWS drops the TCP connection, without a close frame, and reports 1006.
      if (closeOnBackpressureLimit) ws.terminate();
      return DROPPED;
    }
    ws.send(payload, sendOptions[(isBinary ? 1 : 0) + (compress ? 2 : 0)]!, this.written);
    if (this.corked) {
      if (this.backlog === 0 && ws.bufferedAmount <= CORK_BYTES) return SENT;
      // A large batch goes out now, so that the kernel's buffer takes what it can and backpressure shows.
      uncork(this);
    }
    if (ws.bufferedAmount === 0) return SENT;
    this.awaitingDrain = true;
    return BUFFERED;
  }

  private flushed(): void {
    if (!this.awaitingDrain || !this.open || this.ws.bufferedAmount > 0) return;
    this.awaitingDrain = false;
    this.user.drained();
  }

  end(code: number, reason: string): void {
    if (!this.open) return;
    try {
      this.ws.close(code, reason);
    } catch {
      // A code ws refuses to put on the wire (1005, 1006…): the connection ends without a close frame.
      this.ws.terminate();
    }
    this.closed(code, reason);
  }

  /**
   * ws would otherwise parse every frame the peer sends until its close frame or ws's 30-second close
   * timeout (measured: a flood after a rate-limit close kept this server's event loop busy for 350 ms at a
   * time). Paused, nothing more is read. The FIN right behind the close frame, as uWS sends it, lets a peer
   * that reads see the close at once. Only without compression: then ws has written the close frame
   * already, while a compressing sender may still hold it queued behind a message being deflated, and a
   * FIN first would lose it. The server then ends the connection soon (NodeServer.linger).
   */
  stopReading(): void {
    this.ws.pause();
    if (!this.route.settings.compression) this.tcp.end();
    this.server.linger(this.ws);
  }

  publish(topic: string, payload: Payload, isBinary: boolean, compress: boolean): boolean {
    return this.server.publishExcept(topic, payload, isBinary, compress, this);
  }

  subscribe(topic: string): boolean {
    if (!this.open) return false;
    this.topics.add(topic);
    this.server.join(topic, this);
    return true;
  }

  unsubscribe(topic: string): boolean {
    if (!this.topics.delete(topic)) return false;
    this.server.leave(topic, this);
    return true;
  }

  isSubscribed(topic: string): boolean {
    return this.topics.has(topic);
  }

  getBufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Either side closed: topics dropped, then the close handler, once. */
  closed(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    for (const topic of this.topics) this.server.leave(topic, this);
    this.topics.clear();
    this.server.forget(this);
    this.user.closed(code, reason);
  }
}

/** ws.send's options by (isBinary, compress): made once, not per message. */
const sendOptions = [
  { binary: false, compress: false },
  { binary: true, compress: false },
  { binary: false, compress: true },
  { binary: true, compress: true },
] as const;

/** The batch's writes leave together; what the kernel did not take makes a drain due (uWS drains after any backpressure). */
function uncork(socket: NodeSocket): void {
  if (!socket.corked) return;
  socket.corked = false;
  socket.tcp.uncork();
  if (socket.open && socket.ws.bufferedAmount > 0) socket.awaitingDrain = true;
}

// ws's events, as module-level listeners that find their socket through the `owner` slot.
function onMessage(this: WebSocket, data: ArrayBuffer, isBinary: boolean): void {
  const socket = socketOf(this);
  socket.idle = 0;
  // uWS delivers nothing once a socket is closed; ws would still deliver what arrives before the peer's close frame.
  if (!socket.open) return;
  if (!socket.corked) socket.cork();
  socket.user.received(data, isBinary);
}

function onActivity(this: WebSocket): void {
  socketOf(this).idle = 0;
}

function onError(this: WebSocket, error: Error & { code?: string }): void {
  socketOf(this).violation = violationReasons[error.code ?? ''] ?? '';
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const socket = socketOf(this);
  socket.closed(code, code === 1006 ? socket.violation : reason.toString('utf8'));
}

const METHODS: Readonly<Record<string, HttpMethod>> = { GET: 'get', POST: 'post', PUT: 'put', DELETE: 'del' };

interface HttpEntry {
  readonly handler: RawHttpHandler;
  readonly maxBodyLength: number;
}

/** `/path?query` → the path and the query string without its `?`, as uWS's getUrl() and getQuery() give them. */
function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

/** Names (lower-cased, as uWS gives them) and values alternating. */
function headerList(raw: readonly string[]): string[] {
  const list = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i += 2) {
    list[i] = raw[i]!.toLowerCase();
    list[i + 1] = raw[i + 1]!;
  }
  return list;
}

/** An IPv4 client of a dual-stack listener in dotted form, as the uWS transport reports it (transport/address.ts). */
function addressOf(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function writeResponse(res: ServerResponse, result: HttpResult, closeConnection: boolean): void {
  if (res.destroyed) return;
  res.statusCode = result.status;
  for (const [name, value] of result.headers) res.appendHeader(name, value);
  if (closeConnection) res.setHeader('connection', 'close');
  res.end(result.body);
}

/** An HTTP response on a socket node:http handed over as an upgrade (it has no ServerResponse); the connection closes after it. */
function writeRaw(socket: Duplex, result: HttpResult): void {
  if (socket.destroyed) return;
  const body = typeof result.body === 'string' ? Buffer.from(result.body) : result.body;
  let head = `HTTP/1.1 ${statusLine(result.status)}\r\n`;
  for (const [name, value] of result.headers) head += `${name}: ${value}\r\n`;
  head += `content-length: ${body.byteLength}\r\nconnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

/** The subprotocol a client gets: switchboard's when offered, else the first offered (as the uWS transport answers). */
function chooseProtocol(offered: Set<string>): string | false {
  if (offered.has(SUBPROTOCOL)) return SUBPROTOCOL;
  const first = offered.values().next();
  return first.done === true ? false : first.value;
}

function ignore(): void {}

export class NodeServer implements TransportServer {
  private readonly http: Server;
  private readonly wsRoutes = new Router<WsRoute>();
  private readonly httpRoutes: Record<HttpMethod, Router<HttpEntry>> = { get: new Router(), post: new Router(), put: new Router(), del: new Router() };
  private readonly topics = new Map<string, Set<NodeSocket>>();
  private readonly sockets = new Set<NodeSocket>();
  /** Closed connections no longer read, until they are dropped (linger()); app.close() drops them at once. */
  private readonly lingering = new Set<WebSocket>();
  private sweeper: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly limits: RequestLimits) {
    // node:http answers a bare 431 itself past maxHeaderSize (request line and headers): set well above
    // the request limits, so that they decide, with their message, for anything short of a flood.
    const maxHeaderSize = Math.max(64 * 1024, 8 * (limits.maxHeaderBytes + limits.maxUrlLength));
    this.http = createServer({ maxHeaderSize }, (req, res) => this.request(req, res));
    // One past the limit, so that a request over it is seen (node:http drops headers past maxHeadersCount).
    this.http.maxHeadersCount = limits.maxHeaderCount + 1;
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgradeRequest(req, socket, head));
  }

  publish(topic: string, payload: Payload, isBinary: boolean, compress: boolean): boolean {
    return this.publishExcept(topic, payload, isBinary, compress, null);
  }

  numSubscribers(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  /** To every subscriber but `except`; a string is encoded once for all of them. */
  publishExcept(topic: string, payload: Payload, isBinary: boolean, compress: boolean, except: NodeSocket | null): boolean {
    const subscribers = this.topics.get(topic);
    if (subscribers === undefined) return false;
    const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
    for (const socket of subscribers) if (socket !== except) socket.send(bytes, isBinary, compress);
    return true;
  }

  join(topic: string, socket: NodeSocket): void {
    let subscribers = this.topics.get(topic);
    if (subscribers === undefined) this.topics.set(topic, (subscribers = new Set()));
    subscribers.add(socket);
  }

  leave(topic: string, socket: NodeSocket): void {
    const subscribers = this.topics.get(topic);
    if (subscribers !== undefined && subscribers.delete(socket) && subscribers.size === 0) this.topics.delete(topic);
  }

  forget(socket: NodeSocket): void {
    this.sockets.delete(socket);
  }

  addWebSocketRoute<U extends SocketUser>(route: TransportRoute, settings: WsRouteSettings, upgrade: UpgradeHandler<U>): void {
    const server = new WebSocketServer({
      WebSocket: PeerClosingWebSocket,
      noServer: true,
      clientTracking: false,
      maxPayload: settings.maxPayloadLength,
      // uWS's shared compressor keeps no context between messages; neither side does here.
      perMessageDeflate: settings.compression ? { serverNoContextTakeover: true, clientNoContextTakeover: true } : false,
      handleProtocols: chooseProtocol,
    });
    this.wsRoutes.add(route.pattern, { settings, upgrade, server });
  }

  addHttpRoute(method: HttpMethod, route: TransportRoute, maxBodyLength: number, handler: RawHttpHandler): void {
    this.httpRoutes[method].add(route.pattern, { handler, maxBodyLength });
  }

  /** Nothing to add: a request no route matches gets the 404 in request(). */
  addNotFound(): void {}

  listen(host: string | undefined, port: number, reusePort: boolean): Promise<number> {
    const options: ListenOptions = { port, host, exclusive: true };
    if (reusePort) {
      // In a serve() worker, node:cluster's primary holds the port and shares it with every worker (any
      // Node.js); elsewhere SO_REUSEPORT, which net offers from Node.js 22.12.
      if (cluster.isWorker) options.exclusive = false;
      else if (NET_REUSE_PORT) (options as ListenOptions & { reusePort: boolean }).reusePort = true;
      else return Promise.reject(reusePortUnsupported());
    }
    return new Promise((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException): void => {
        const code = error.code ?? null;
        reject(
          code === 'EADDRINUSE' ? portInUse('app.listen()', host, port, reusePort ? 'shared' : 'exclusive') : listenFailed('app.listen()', host, port, code),
        );
      };
      this.http.once('error', failed);
      this.http.listen(options, () => {
        this.http.off('error', failed);
        const address = this.http.address();
        this.sweeper = setInterval(() => this.sweep(), SWEEP_SECONDS * 1000).unref();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  stopListening(): void {
    if (this.http.listening) this.http.close();
  }

  closeAll(): void {
    this.stopped = true;
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const socket of this.sockets) socket.ws.terminate();
    for (const ws of this.lingering) ws.terminate();
    this.stopListening();
    this.http.closeAllConnections();
  }

  /** Drops a closed connection that is no longer read after UNREAD_LINGER_MS, or at app.close(). */
  linger(ws: WebSocket): void {
    const lingering = this.lingering;
    lingering.add(ws);
    const timer = setTimeout(() => ws.terminate(), UNREAD_LINGER_MS).unref();
    ws.once('close', () => {
      clearTimeout(timer);
      lingering.delete(ws);
    });
  }

  /** Counts idle seconds: a ping at half the idle timeout, the connection dropped (1006) at the timeout, as uWS does with automatic pings. */
  private sweep(): void {
    for (const socket of this.sockets) {
      const timeout = socket.route.settings.idleTimeout;
      if (timeout === 0) continue;
      socket.idle += SWEEP_SECONDS;
      if (socket.idle >= timeout) socket.ws.terminate();
      else if (socket.idle === Math.ceil(timeout / 2)) socket.ws.ping();
    }
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    const { path, query } = splitUrl(req.url ?? '/');
    const headers = headerList(req.rawHeaders);
    const refused = checkRequestLimits(this.limits, path, query, headers);
    if (refused !== null) return writeResponse(res, statusResult(refused.status), true);
    const method = METHODS[req.method ?? ''];
    const params: string[] = [];
    const entry = method === undefined ? null : this.httpRoutes[method].match(path, params);
    if (method === undefined || entry === null) return writeResponse(res, statusResult(404), false);
    const head = { method: req.method!, url: path, query, headers: headerRecord(headers), params };
    const respond = (result: HttpResult): void => writeResponse(res, result, false);
    const run = (body: Buffer | null): void => {
      let result: HttpResult | PromiseLike<HttpResult>;
      try {
        result = entry.handler({ ...head, body });
      } catch {
        result = statusResult(500);
      }
      if (isThenable<HttpResult>(result)) result.then(respond, () => respond(statusResult(500)));
      else respond(result);
    };
    if (method === 'get' || method === 'del') return run(null);
    readBody(req, entry.maxBodyLength, run, () => writeResponse(res, statusResult(413), true));
  }

  /** An upgrade request (node:http hands over the socket): a WebSocket route's, or an HTTP GET answered on the socket. */
  private upgradeRequest(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', ignore);
    const { path, query } = splitUrl(req.url ?? '/');
    const headers = headerList(req.rawHeaders);
    const params: string[] = [];
    const websocket = req.method === 'GET' && (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    const route = websocket ? this.wsRoutes.match(path, params) : null;
    if (route === null) return this.rawGet(req.method === 'GET', path, query, headers, socket);
    const key = req.headers['sec-websocket-key'] ?? '';
    const refused = checkRequestLimits(this.limits, path, query, headers) ?? checkHandshake(key, req.headers['sec-websocket-version'] ?? '');
    if (refused !== null) return writeRaw(socket, refusalResult(refused));
    const switchboard = offersSwitchboard(req.headers['sec-websocket-protocol'] ?? '');
    const raw: RawUpgrade = {
      url: path,
      query,
      headers,
      params,
      remoteAddress: addressOf(req.socket.remoteAddress),
      origin: req.headers.origin ?? '',
      host: req.headers.host ?? '',
    };
    const refuse = (error: unknown): void => (switchboard ? this.refuseByClose(route, req, socket, head, error) : writeRaw(socket, refusalResult(error)));
    let result: SocketUser | PromiseLike<SocketUser>;
    try {
      result = route.upgrade(raw);
    } catch (error) {
      return refuse(error);
    }
    if (!isThenable<SocketUser>(result)) return this.accept(route, req, socket, head, result);
    // The client may leave while the upgrade handler awaits: then nothing opens.
    result.then(
      (user) => {
        if (!socket.destroyed) this.accept(route, req, socket, head, user);
      },
      (error: unknown) => {
        if (!socket.destroyed) refuse(error);
      },
    );
  }

  /** A request with an Upgrade header that no WebSocket route takes: served by the GET routes (uWS does the same), else 404. */
  private rawGet(isGet: boolean, path: string, query: string, headers: string[], socket: Duplex): void {
    const refused = checkRequestLimits(this.limits, path, query, headers);
    if (refused !== null) return writeRaw(socket, statusResult(refused.status));
    const params: string[] = [];
    const entry = isGet ? this.httpRoutes.get.match(path, params) : null;
    if (entry === null) return writeRaw(socket, statusResult(404));
    let result: HttpResult | PromiseLike<HttpResult>;
    try {
      result = entry.handler({ method: 'GET', url: path, query, headers: headerRecord(headers), params, body: null });
    } catch {
      result = statusResult(500);
    }
    if (isThenable<HttpResult>(result))
      result.then(
        (r) => writeRaw(socket, r),
        () => writeRaw(socket, statusResult(500)),
      );
    else writeRaw(socket, result);
  }

  private accept(route: WsRoute, req: IncomingMessage, socket: Duplex, head: Buffer, user: SocketUser): void {
    if (this.stopped) return void socket.destroy();
    route.server.handleUpgrade(req, socket, head, (ws) => {
      ws.binaryType = 'arraybuffer';
      const owned = ws as OwnedWs;
      const wrapped = new NodeSocket(ws, socket, route, user, this);
      owned[owner] = wrapped;
      ws.on('message', onMessage);
      ws.on('ping', onActivity);
      ws.on('pong', onActivity);
      ws.on('error', onError);
      ws.on('close', onClose);
      this.sockets.add(wrapped);
      user.opened(wrapped);
    });
  }

  /**
   * A refusal a browser can read: accepted with the switchboard subprotocol, then closed at once with
   * 4000 + the status (as the uWS transport does). No handler runs for it and it is not a connection.
   */
  private refuseByClose(route: WsRoute, req: IncomingMessage, socket: Duplex, head: Buffer, error: unknown): void {
    const { code, reason } = refusalClose(refusalOf(error));
    route.server.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', ignore);
      ws.close(code, reason);
    });
  }
}

/** Collects the body up to `limit` bytes (413 past it, announced or not). */
function readBody(req: IncomingMessage, limit: number, done: (body: Buffer | null) => void, tooLarge: () => void): void {
  if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    if (size > limit) return;
    size += chunk.byteLength;
    if (size > limit) return tooLarge();
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (size <= limit) done(size === 0 ? null : Buffer.concat(chunks, size));
  });
}

function reusePortUnsupported(): SwitchboardError {
  return new SwitchboardError(
    'SWB_ERR_REUSEPORT_UNSUPPORTED',
    `app.listen(): reusePort: true needs SO_REUSEPORT, which node:net offers from Node.js 22.12 (this is ${process.version}), ` +
      'and the portable transport listens with node:net. Share the port with serve({ workers }) (its workers share it on any Node.js), or use Node.js 22.12 or later.',
  );
}
