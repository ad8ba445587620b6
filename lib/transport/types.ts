/**
 * What a transport offers the layers above it: the narrow socket and server interfaces, and the
 * requests it copies out of the server. Two transports implement them with the same semantics:
 * transport/uws.ts on uWebSockets.js (a uWS WebSocket satisfies `Socket` as it is) and transport/node.ts
 * on node:http and ws. Nothing above transport/ knows which one it has.
 */

/** The two transports: uWebSockets.js, and the portable one on node:http and ws. */
export type TransportName = 'uws' | 'node';
export const TRANSPORT_NAMES: readonly TransportName[] = ['uws', 'node'];
/** The environment variable that sets the default transport of every App in the process (and of its child processes). */
export const TRANSPORT_ENV = 'SWITCHBOARD_TRANSPORT';

/** An encoded frame: a string is a text frame, bytes are a binary frame. */
export type Payload = string | ArrayBuffer | Uint8Array;

declare const sender: unique symbol;

/**
 * A socket as the layers that must not use it see it: the sender a publish skips (`ws.publish(…,
 * { exceptSelf: true })`), which a bus carries back to this process's delivery unopened. Nothing to call;
 * meaningful only in the process that made it, so a bus never sends it to another.
 */
export interface Sender {
  readonly [sender]?: never;
}

/** One connection's socket, valid from open to close only (never touch it after close). */
export interface Socket extends Sender {
  /** 1: sent, 0: buffered (backpressure), 2: dropped (over maxBackpressure). */
  send(payload: Payload, isBinary: boolean, compress: boolean): number;
  /** Graceful close with a close frame. Fires the close handler synchronously. */
  end(code: number, reason: string): void;
  /**
   * After end(), for a peer closed for sending too much: read nothing more from it, so that what it keeps
   * sending waits in the kernel (whose window then closes on it) instead of costing this process. The
   * portable transport has it; uWS has no way to stop reading a WebSocket, and after end() discards what
   * arrives unparsed, until the peer's FIN or its ping timeout (docs/limits.md#fairness).
   */
  stopReading?(): void;
  /** To every subscriber of `topic` except this socket. */
  publish(topic: string, payload: Payload, isBinary: boolean, compress: boolean): boolean;
  subscribe(topic: string): boolean;
  unsubscribe(topic: string): boolean;
  isSubscribed(topic: string): boolean;
  getBufferedAmount(): number;
}

/** App-wide publishing, from outside any socket. */
export interface Publisher {
  publish(topic: string, payload: Payload, isBinary: boolean, compress: boolean): boolean;
  numSubscribers(topic: string): number;
}

/** An upgrade request, copied out of uWS before any handler runs. */
export interface RawUpgrade {
  readonly url: string;
  readonly query: string;
  /** Names and values alternating; names lower-case. */
  readonly headers: string[];
  /** Path parameters in pattern order, still percent-encoded. */
  readonly params: string[];
  readonly remoteAddress: string;
  readonly origin: string;
  readonly host: string;
}

/**
 * What a transport calls for one open socket: the socket's user data, the object the route's upgrade
 * made (the runtime's Connection). The transport calls these methods on it directly, with no adapter between.
 */
export interface SocketUser {
  opened(socket: Socket): void;
  /** `data` is only valid during the call: copy it to keep it. */
  received(data: ArrayBuffer, isBinary: boolean): void;
  /** The socket has closed, either side. */
  closed(code: number, reason: string): void;
  /** The send buffer has drained (not called once the socket is closing). */
  drained(): void;
}

/** A WebSocket route's upgrade: returns the socket's user data, or a Promise of it; throws HttpError to reject. */
export type UpgradeHandler<U extends SocketUser> = (raw: RawUpgrade) => U | Promise<U>;

/** The transport settings of one WebSocket route. */
export interface WsRouteSettings {
  readonly maxPayloadLength: number;
  readonly idleTimeout: number;
  readonly maxBackpressure: number;
  readonly closeOnBackpressureLimit: boolean;
  readonly compression: boolean;
}

export interface RawHttpRequest {
  readonly method: string;
  readonly url: string;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly params: string[];
  /** null for an empty body. */
  readonly body: Buffer | null;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | Uint8Array;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'del';
export type RawHttpHandler = (req: RawHttpRequest) => HttpResult | Promise<HttpResult>;

/** The JSON error response every HTTP failure gets, from the transport (404, 413…) or a handler (HttpError). */
export function jsonError(status: number, message: string): HttpResult {
  return { status, headers: [['content-type', 'application/json']], body: JSON.stringify({ error: { status, message } }) };
}

/** A route as the transport needs it: its uWS-style pattern, the pattern's shape (parameter names erased) and parameter count. */
export interface TransportRoute {
  readonly pattern: string;
  readonly shape: string;
  readonly paramCount: number;
}

/** One server of either transport: routes are added before listen(), then it serves until closeAll(). */
export interface TransportServer extends Publisher {
  addWebSocketRoute<U extends SocketUser>(route: TransportRoute, settings: WsRouteSettings, upgrade: UpgradeHandler<U>): void;
  addHttpRoute(method: HttpMethod, route: TransportRoute, maxBodyLength: number, handler: RawHttpHandler): void;
  /** The 404 for every path no route claimed; added after every route. */
  addNotFound(): void;
  /**
   * Binds the port, exclusively unless `reusePort` (then every listener on the port must share it).
   * Resolves with the port bound; rejects with SWB_ERR_PORT_IN_USE or SWB_ERR_LISTEN_FAILED.
   */
  listen(host: string | undefined, port: number, reusePort: boolean): Promise<number>;
  /** Stops accepting connections; open ones stay. */
  stopListening(): void;
  /** Force-closes everything left (sockets and keep-alive HTTP connections). */
  closeAll(): void;
}
