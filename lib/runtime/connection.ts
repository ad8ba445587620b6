/**
 * The per-connection handle handlers receive. One object per connection, made at upgrade and kept in
 * uWS's user-data slot; the raw query string and headers are parsed only when first read, so an idle
 * connection costs little. No method throws because the connection has closed.
 */
import { invalidArgument, SwitchboardError } from './errors';
import type { Hub } from './hub';
import { headersOf } from './headers';
import { encode, type Payload, type Reply } from './reply';
import type { RoutePlan } from './compile';
import type { Socket } from './transport/socket';

/** A message that waits behind a pending async handler; `data` is a copy that outlives the uWS callback. */
export interface QueuedMessage {
  readonly data: ArrayBuffer;
  readonly isBinary: boolean;
}

/** Options of {@link Connector.broadcast}. */
export interface BroadcastOptions {
  /** Skip the connection that broadcasts. Default false. */
  exceptSelf?: boolean;
}

const encoder = new TextEncoder();

/**
 * A WebSocket connection, as handlers see it. Created by the runtime; never construct one yourself.
 * @example
 * @OnMessage() message(ws: Connector, text: string) {
 *   ws.broadcast(`Client #${ws.params.clientId} says: ${text}`, { exceptSelf: true });
 *   return `You wrote: ${text}`;
 * }
 */
export class Connector<S extends object = Record<string, unknown>> {
  // Fields are laid out in declaration order: the first six are the ones every message reads, kept
  // together so a message touches as few cache lines of its Connector as possible.
  /** @internal The uWS socket while open; null once closed. */
  socket: Socket | null = null;
  /** @internal An async handler of this connection is pending; new messages queue. */
  busy = false;
  /** @internal A handler of this connection is running; close() waits for its reply. */
  inHandler = false;
  /** @internal The route's plan; declared here, among the fields every message reads (see above). */
  readonly route: RoutePlan;
  /** @internal The event of the running `@OnMessage('event')` handler (null for plain handlers). */
  replyEvent: string | null = null;
  /** @internal close() code requested during a handler, 0 when none. */
  pendingCode = 0;
  /** @internal */
  queue: QueuedMessage[] | null = null;
  /** @internal */
  pendingReason = '';
  /** @internal The peer's close code, -1 until the socket has closed. */
  closeCode = -1;
  /** @internal */
  closeReason = '';
  /** @internal The client's correlation id of that event frame. */
  replyId: unknown = undefined;
  /** @internal Bound once, on this connection's first async handler. */
  settle: ((value: unknown) => void) | null = null;
  /** @internal */
  fail: ((error: unknown) => void) | null = null;

  private roomSet: Set<string> | null = null;
  private query: URLSearchParams | null = null;
  private headerMap: Readonly<Record<string, string>> | null = null;
  private stateValue: S | undefined;
  private idValue: string | null = null;

  /** @internal */
  constructor(
    /** @internal */ readonly hub: Hub,
    route: RoutePlan,
    /** @internal This connection's number on its process; `id` is made from it when first read. */
    readonly seq: number,
    /** Path parameters of the route, e.g. `{ clientId: '42' }` for `/ws/:clientId`. */
    readonly params: Readonly<Record<string, string>>,
    private readonly rawQuery: string,
    /**
     * Header names and values, alternating, joined by "\n" (which neither may contain); parsed into
     * `headers` on first read. One flat string instead of an array of strings: 0.4 KiB less per idle
     * connection (benchmarks, idle-memory-10k).
     */
    private readonly rawHeaders: string,
    /** Peer address as text (IPv4, or IPv6 in uWS's long form). */
    readonly remoteAddress: string,
    state: S | undefined,
  ) {
    this.route = route;
    this.stateValue = state;
  }

  /** Unique id of this connection, across the app (and every process sharing its bus). */
  get id(): string {
    return (this.idValue ??= this.hub.idOf(this.seq));
  }

  /** Query string of the upgrade request, as Robyn's `query_params`: `ws.queryParams.get('name')`. */
  get queryParams(): URLSearchParams {
    return (this.query ??= new URLSearchParams(this.rawQuery));
  }

  /** Request headers at upgrade, lower-cased names; repeated headers joined with ", ". */
  get headers(): Readonly<Record<string, string>> {
    if (this.headerMap === null) this.headerMap = headersOf(this.rawHeaders.split('\n'));
    return this.headerMap;
  }

  /** Per-connection data for the app, seeded by `@OnUpgrade`'s return value (else `{}`). */
  get state(): S {
    return (this.stateValue ??= {} as S);
  }

  set state(value: S) {
    if (value === null || typeof value !== 'object') throw invalidArgument('ws.state = value', 'value', 'an object', value);
    this.stateValue = value;
  }

  /** False once the connection has closed (by either side). */
  get isOpen(): boolean {
    return this.socket !== null;
  }

  /** Bytes waiting in this connection's send buffer (0 once closed). */
  get bufferedAmount(): number {
    return this.socket === null ? 0 : this.socket.getBufferedAmount();
  }

  /**
   * Sends to this connection, encoded as a handler's reply would be.
   * @returns true when the frame was sent or buffered; false when the connection is closed, the frame
   * was dropped for backpressure (`maxBackpressure`), or there was nothing to send (undefined, null, '').
   */
  send(data: Reply): boolean {
    const payload = encode(data);
    return payload !== null && this.sendPayload(payload);
  }

  /** @internal Sends an already-encoded frame. */
  sendPayload(payload: Payload): boolean {
    const socket = this.socket;
    return socket !== null && socket.send(payload, typeof payload !== 'string', true) !== 2;
  }

  /**
   * Sends to any connection of the app by id (on any process sharing the bus).
   * @returns false when that id is unknown or closed (on this process), or nothing was sent; for an id
   * of another process, true once handed to the bus (delivery is at-most-once, docs/scale-out.md).
   */
  sendTo(id: string, data: Reply): boolean {
    if (typeof id !== 'string') throw invalidArgument('ws.sendTo(id, data)', 'id', 'a connection id string', id);
    const payload = encode(data);
    return payload !== null && this.hub.bus.sendTo(id, payload);
  }

  /**
   * Sends to every open connection of this route (this class), through uWS pub/sub.
   * @returns the number of recipients on this process.
   */
  broadcast(data: Reply, options?: BroadcastOptions): number {
    const payload = encode(data);
    if (payload === null) return 0;
    const exceptSelf = options !== undefined && options.exceptSelf === true;
    return this.hub.bus.publish(this.route.topic, payload, exceptSelf ? (this as Connector) : null);
  }

  /** The rooms this connection is in; empty once closed. */
  get rooms(): ReadonlySet<string> {
    return this.roomSet ?? noRooms;
  }

  /**
   * Joins a room (a uWS topic, so publishing fans out in C++).
   * @returns true when it joined; false when it was already in the room or the connection is closed.
   * @example
   * @OnMessage('join') join(ws: Connector, room: string) { ws.join(room); return ws.rooms.size; }
   */
  join(room: string): boolean {
    checkRoom('ws.join(room)', room);
    const socket = this.socket;
    const rooms = (this.roomSet ??= new Set());
    if (socket === null || rooms.has(room)) return false;
    rooms.add(room);
    socket.subscribe(roomTopic(room));
    return true;
  }

  /**
   * Leaves a room. @returns true when it left; false when it was not in the room or is closed.
   * @example
   * ws.leave('lobby');
   */
  leave(room: string): boolean {
    checkRoom('ws.leave(room)', room);
    const socket = this.socket;
    if (socket === null || this.roomSet === null || !this.roomSet.delete(room)) return false;
    socket.unsubscribe(roomTopic(room));
    return true;
  }

  /**
   * Sends to every connection in a room (this one need not be in it).
   * @returns the number of recipients on this process.
   * @example
   * ws.publish('lobby', `${ws.state.name} joined`, { exceptSelf: true });
   */
  publish(room: string, data: Reply, options?: BroadcastOptions): number {
    checkRoom('ws.publish(room, data)', room);
    const payload = encode(data);
    if (payload === null) return 0;
    const exceptSelf = options !== undefined && options.exceptSelf === true;
    return this.hub.bus.publish(roomTopic(room), payload, exceptSelf ? (this as Connector) : null);
  }

  /** @internal The socket has closed: uWS has already dropped its topics. */
  detach(): void {
    this.socket = null;
    this.roomSet = null;
  }

  /**
   * Closes gracefully with a close frame. Inside a handler of this connection it takes effect after that
   * handler's reply has been sent. Does nothing once closed.
   * @param code 1000 (default), 1001–1003, 1007–1014 except 1010, or 3000–4999 (application codes).
   * @param reason at most 123 bytes of UTF-8.
   */
  close(code = 1000, reason = ''): void {
    checkClose(code, reason);
    if (this.socket === null || this.pendingCode !== 0) return;
    if (this.inHandler) {
      this.pendingCode = code;
      this.pendingReason = reason;
    } else {
      this.socket.end(code, reason);
    }
  }
}

const noRooms: ReadonlySet<string> = new Set();

/** The uWS topic of a room; route topics use another prefix, so the two never collide. */
export function roomTopic(room: string): string {
  return `swb:room:${room}`;
}

export function checkRoom(where: string, room: unknown): void {
  if (typeof room !== 'string' || room === '' || room.length > 256) throw invalidArgument(where, 'room', 'a non-empty string of at most 256 characters', room);
}

function checkClose(code: unknown, reason: unknown): void {
  const valid =
    typeof code === 'number' &&
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014 && code !== 1010) || (code >= 3000 && code <= 4999));
  if (!valid)
    throw new SwitchboardError(
      'SWB_ERR_INVALID_CLOSE_CODE',
      `ws.close(code, reason): code must be 1000, 1001–1003, 1007–1014 (not 1010) or 3000–4999, got ${String(code)}.`,
    );
  if (typeof reason !== 'string' || encoder.encode(reason).byteLength > 123)
    throw new SwitchboardError('SWB_ERR_INVALID_CLOSE_CODE', 'ws.close(code, reason): reason must be a string of at most 123 bytes of UTF-8.');
}
