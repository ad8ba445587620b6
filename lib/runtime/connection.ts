/**
 * The runtime's side of a connection: the public Connector's implementation, and the per-connection
 * state machine that orders its handlers (docs/lifecycle.md). One object per connection, made at
 * upgrade and kept in uWS's user-data slot; query string and headers are parsed only when first read.
 *
 * Ordering: a synchronous handler runs inline, with no queue and no Promise. When a handler returns a
 * thenable the connection is `busy`; later messages are copied into its queue (uWS's ArrayBuffer dies
 * with the callback) and run in order once it settles. close() inside a handler waits for its reply.
 * @OnClose runs after the last handler. Invariant: a non-empty queue implies `busy`.
 */
import type { Bus } from '../bus/bus';
import type { Admission } from './admission';
import { clock, exactNow } from './clock';
import { isFarPast, RATE_CLOSE_REASON, rateLimitedFrame, retakeToken, takeToken } from './rate-limit';
import type { PresenceState } from '../client/presence-frames';
import type { Invoker, RoutePlan } from '../compile/plan';
import type { ResolvedRateLimit } from '../declare/options';
import { Connector, type BroadcastOptions, type JoinOptions, type PresenceMetaInput, type Reply } from '../declare/connector';
import type { Payload, Socket } from '../transport/types';
import { invalidArgument, SwitchboardError, WsError } from '../util/errors';
import { headersOf } from '../util/headers';
import { isThenable } from '../util/thenable';
import { checkRoom, roomTopic } from '../util/topics';
import type { Logger } from '../util/validate';
import { frameOf, logFailure, recover } from './answer';
import { eventError, parseEventFrame, type EventFrame } from './events';
import { joinOptions, updateMeta, type Presence } from './presence';
import type { Recoverer, Session } from './recovery';
import type { Registry } from './registry';
import type { RoomCounts } from './room-counts';
import type { RouteTopics } from './route-topics';
import { encode } from './reply';

/** What every connection of one app shares. */
export interface AppContext {
  readonly registry: Registry<Connection<object>>;
  readonly routeTopics: RouteTopics;
  readonly bus: Bus;
  readonly presence: Presence;
  /** Resumable sessions and history; null when the App has no `recovery`. */
  readonly recovery: Recoverer | null;
  readonly logger: Logger;
  /** Members per room on this process, kept only while the app serves its inspection page (app.admin()). */
  rooms: RoomCounts | null;
  readonly admission: Admission;
  /** app.close() has begun: connections still flushing are ended (with `goodbye`) once they have drained. */
  closing: boolean;
  /** The close frame app.close() sends every connection: 1001 Going Away, or 1012 Service Restart. */
  goodbye: Close;
}

/** The reason of the 1001 every connection gets from app.close(). */
export const GOING_AWAY = 'Server shutting down';
/** The reason of the 1012 of app.close({ code: 1012 }) (a rolling restart), before its reconnect window. */
export const RESTARTING = 'Service restarting';

/** A close frame's code and reason. */
export interface Close {
  readonly code: number;
  readonly reason: string;
}

/** A message that waits behind a pending async handler; `data` is a copy that outlives the uWS callback. */
interface QueuedMessage {
  readonly data: ArrayBuffer;
  readonly isBinary: boolean;
}

const noData = new ArrayBuffer(0);
const noRooms: ReadonlySet<string> = new Set();
const encoder = new TextEncoder();

export class Connection<S extends object = Record<string, unknown>> extends Connector<S> {
  // Fields are laid out in declaration order: the first ones are those every message reads, kept
  // together so a message touches as few cache lines of its connection as possible.
  /** The uWS socket while open; null once closed. */
  socket: Socket | null = null;
  /** An async handler of this connection is pending; new messages queue. */
  private busy = false;
  /** A handler of this connection is running; close() waits for its reply. */
  private inHandler = false;
  readonly route: RoutePlan;
  /** The event of the running `@OnMessage('event')` handler (null for plain handlers). */
  private replyEvent: string | null = null;
  /** close() called during a handler: done once that handler's reply has gone out. */
  private pendingClose: Close | null = null;
  private queue: QueuedMessage[] | null = null;
  /** The rate limit's bucket (./rate-limit.ts), when the route has one. */
  fullAt = 0;
  /** A message over the rate limit: its handler does not run; a client far past the limit is closed. */
  private refused(limit: ResolvedRateLimit, data: ArrayBuffer, isBinary: boolean): void {
    const stats = this.route.stats;
    stats.messagesIn++;
    stats.rateLimited++;
    const now = clock.now;
    if (isFarPast(this, limit, now)) {
      stats.rateLimitCloses++;
      // Straight to the socket, as for a queue overflow: close() would wait for a pending handler.
      this.socket?.end(1008, RATE_CLOSE_REASON);
      return;
    }
    this.sendPayload(rateLimitedFrame(this, limit, now, data, isBinary, this.route.events !== null, this.route.json));
  }

  /** The socket has closed (either side) and @OnClose has yet to run. */
  private peerClose: Close | null = null;
  /** The client's correlation id of that event frame. */
  private replyId: unknown = undefined;
  /** Bound once, on this connection's first async handler. */
  private settle: ((value: unknown) => void) | null = null;
  private fail: ((error: unknown) => void) | null = null;
  private roomSet: Set<string> | null = null;
  /** The raw query string, parsed in place when `queryParams` is first read. */
  private query: URLSearchParams | string;
  /**
   * The upgrade's header names and values, alternating, joined by "\n" (which neither may contain), parsed
   * in place when `headers` is first read. One flat string instead of an array of strings, and no second
   * field for the parsed form: less memory per idle connection (benchmarks, idle-memory-10k).
   */
  private headerData: Readonly<Record<string, string>> | string;
  private stateValue: S | undefined;
  private idValue: string | null = null;
  /** Date.now() when the socket opened. */
  openedAt = 0;
  /**
   * Frames received from this connection, and sent to it alone (replies, send, sendTo), for the inspection
   * page. Bytes are not counted: that costs an echo about 1% more instructions each way (docs/admin.md#cost).
   */
  messagesIn = 0;
  messagesOut = 0;
  /** Its resumable session: a client of the switchboard subprotocol on a route with recovery; else null. */
  session: Session | null = null;

  constructor(
    private readonly app: AppContext,
    route: RoutePlan,
    /** This connection's number on its process; `id` is made from it when first read. A resume gives it its old one. */
    public seq: number,
    readonly params: Readonly<Record<string, string>>,
    query: string,
    headers: string,
    readonly remoteAddress: string,
    state: S | undefined,
  ) {
    super();
    this.route = route;
    this.query = query;
    this.headerData = headers;
    this.stateValue = state;
    if (route.transport.rateLimit !== null) this.fullAt = clock.now;
  }

  // ── The public handle ──────────────────────────────────────────────────────────────────────────

  get id(): string {
    return (this.idValue ??= this.app.registry.idOf(this.seq));
  }

  adoptId(id: string): void {
    this.idValue = id;
  }

  get queryParams(): URLSearchParams {
    const query = this.query;
    return typeof query === 'string' ? (this.query = new URLSearchParams(query)) : query;
  }

  get headers(): Readonly<Record<string, string>> {
    const headers = this.headerData;
    return typeof headers === 'string' ? (this.headerData = headersOf(headers.split('\n'))) : headers;
  }

  get state(): S {
    return (this.stateValue ??= {} as S);
  }

  set state(value: S) {
    if (value === null || typeof value !== 'object') throw invalidArgument('ws.state = value', 'value', 'an object', value);
    this.stateValue = value;
  }

  get isOpen(): boolean {
    return this.socket !== null;
  }

  get bufferedAmount(): number {
    return this.socket === null ? 0 : this.socket.getBufferedAmount();
  }

  get logger(): Logger {
    return this.app.logger;
  }

  get recovered(): boolean {
    return this.session !== null && this.session.recovered;
  }

  send(data: Reply): boolean {
    const payload = encode(data);
    return payload !== null && this.sendPayload(payload);
  }

  emit(event: string, data: unknown): boolean {
    if (typeof event !== 'string' || event === '') throw invalidArgument('ws.emit(event, data)', 'event', 'a non-empty event name', event);
    return this.send({ event, data });
  }

  /** Sends an already-encoded frame; false when closed or dropped for backpressure. */
  sendPayload(payload: Payload): boolean {
    const socket = this.socket;
    if (socket === null) return false;
    const stats = this.route.stats;
    if (socket.send(payload, typeof payload !== 'string', true) !== 2) {
      stats.messagesOut++;
      this.messagesOut++;
      return true;
    }
    stats.backpressureDrops++;
    return false;
  }

  sendTo(id: string, data: Reply): boolean {
    if (typeof id !== 'string') throw invalidArgument('ws.sendTo(id, data)', 'id', 'a connection id string', id);
    return sendToId(this.app, id, data);
  }

  broadcast(data: Reply, options?: BroadcastOptions): number {
    return this.fanOut(this.route.topic, data, options);
  }

  get rooms(): ReadonlySet<string> {
    return this.roomSet ?? noRooms;
  }

  join(room: string, options?: JoinOptions): boolean {
    checkRoom('ws.join(room, options)', room);
    const presence = options === undefined ? null : joinOptions('ws.join(room, options)', options);
    if (!this.enter(room)) return false;
    if (presence === 'observe') this.app.presence.observe(this, room);
    else if (presence !== null) this.app.presence.track(this, room, presence);
    return true;
  }

  /** Subscribes to a room: ws.join, and the rooms a resumed session had. */
  enter(room: string): boolean {
    const socket = this.socket;
    const rooms = (this.roomSet ??= new Set());
    if (socket === null || rooms.has(room)) return false;
    const maxRooms = this.route.transport.maxRooms;
    if (rooms.size >= maxRooms) throw new WsError('too_many_rooms', `This connection is already in ${maxRooms} rooms (maxRooms): leave one first`);
    rooms.add(room);
    const topic = roomTopic(room);
    socket.subscribe(topic);
    this.app.rooms?.joined(room);
    if (this.session !== null) this.app.recovery!.follow(this.session, topic);
    return true;
  }

  leave(room: string): boolean {
    checkRoom('ws.leave(room)', room);
    const socket = this.socket;
    if (socket === null || this.roomSet === null || !this.roomSet.delete(room)) return false;
    const topic = roomTopic(room);
    socket.unsubscribe(topic);
    this.app.rooms?.left(room);
    if (this.session !== null) this.app.recovery!.unfollow(this.session, topic);
    this.app.presence.untrack(this, room);
    return true;
  }

  updatePresence(room: string, meta: PresenceMetaInput): boolean {
    checkRoom('ws.updatePresence(room, meta)', room);
    const json = updateMeta('ws.updatePresence(room, meta)', meta);
    return this.socket !== null && this.app.presence.update(this, room, json);
  }

  presence(room: string): Promise<PresenceState> {
    checkRoom('ws.presence(room)', room);
    return this.app.presence.list(room);
  }

  publish(room: string, data: Reply, options?: BroadcastOptions): number {
    checkRoom('ws.publish(room, data)', room);
    return this.fanOut(roomTopic(room), data, options);
  }

  private fanOut(topic: string, data: Reply, options: BroadcastOptions | undefined): number {
    const payload = encode(data);
    if (payload === null) return 0;
    const exceptSelf = options !== undefined && options.exceptSelf === true;
    const recovery = this.app.recovery;
    if (recovery !== null) return recovery.publish(topic, payload, exceptSelf ? this : null);
    return this.app.bus.publish(topic, payload, exceptSelf ? this.socket : null);
  }

  close(code = 1000, reason = ''): void {
    checkClose(code, reason);
    if (this.socket === null || this.pendingClose !== null) return;
    if (this.session !== null) this.session.closedByApp = true;
    if (this.inHandler) {
      this.pendingClose = { code, reason };
    } else {
      this.socket.end(code, reason);
    }
  }

  // ── The state machine, driven by the transport's callbacks ─────────────────────────────────────

  opened(socket: Socket): void {
    this.socket = socket;
    this.openedAt = Date.now();
    // First, so that its id and rooms are restored and the missed pushes sent before anything else.
    if (this.session !== null) this.app.recovery!.open(this, this.session);
    this.app.routeTopics.opened(this.route.topic, socket);
    this.app.registry.opened(this);
    this.app.admission.opened(this.remoteAddress);
    this.route.stats.connectionsOpen++;
    this.route.stats.connectionsTotal++;
    const onConnect = this.route.onConnect;
    if (onConnect !== null) this.run(onConnect, noData, false);
  }

  received(data: ArrayBuffer, isBinary: boolean): void {
    const limit = this.route.transport.rateLimit;
    if (limit !== null && !takeToken(this, limit, clock.now) && !retakeToken(this, limit, exactNow())) return this.refused(limit, data, isBinary);
    const stats = this.route.stats;
    this.messagesIn++;
    if (++stats.messagesIn >= stats.nextTimed) return this.timed(data, isBinary);
    if (this.busy) return this.enqueue(data, isBinary);
    this.deliver(data, isBinary);
  }

  /**
   * One message in every few per route: its handler is timed for the metrics (docs/metrics.md). Apart
   * from received() so that the untimed path stays as small as it was (measured: 2% of an echo otherwise).
   */
  private timed(data: ArrayBuffer, isBinary: boolean): void {
    if (this.busy) return this.enqueue(data, isBinary);
    const stats = this.route.stats;
    stats.started(this);
    this.deliver(data, isBinary);
    if (!this.busy) stats.finished(this);
  }

  /** The socket has closed (either side): uWS has already dropped its topics. @OnClose waits for a pending handler and the queue. */
  closed(code: number, reason: string): void {
    this.socket = null;
    const rooms = this.app.rooms;
    if (rooms !== null && this.roomSet !== null) for (const room of this.roomSet) rooms.left(room);
    // A parked session keeps its presence entries: a resume within the window does not flap them.
    if (this.session === null || !this.app.recovery!.park(this, code)) this.app.presence.closed(this);
    this.roomSet = null;
    this.app.registry.closed(this);
    this.app.admission.closed(this.remoteAddress);
    this.route.stats.connectionsOpen--;
    this.peerClose = { code, reason };
    if (!this.busy && !this.inHandler) this.finish();
  }

  /** uWS reports the send buffer drained: a signal outside the message order, its return value ignored. */
  drained(): void {
    const socket = this.socket;
    if (socket === null) return;
    if (this.app.closing) {
      // app.close() deferred this connection's close until what was queued before it had gone out.
      if (socket.getBufferedAmount() === 0) socket.end(this.app.goodbye.code, this.app.goodbye.reason);
      return;
    }
    const onDrain = this.route.onDrain;
    if (onDrain === null) return;
    try {
      const result = onDrain(this, noData, false);
      if (isThenable(result)) result.then(undefined, (error: unknown) => logFailure(this, '(@OnDrain) rejected', error, false));
    } catch (error) {
      logFailure(this, '(@OnDrain) threw', error, false);
    }
  }

  /** Routes a message: to its JSON event handler when the route has events, else to the plain handler. */
  private deliver(data: ArrayBuffer, isBinary: boolean): void {
    const events = this.route.events;
    const onMessage = this.route.onMessage;
    if (events !== null) {
      let envelope: EventFrame | null;
      try {
        envelope = isBinary ? null : parseEventFrame(data, this.route.json);
      } catch (error) {
        // A prototype key the App refuses: the frame goes to no handler, plain or event.
        const refused = error as WsError;
        this.sendPayload(eventError(null, undefined, refused.code, refused.message));
        return;
      }
      const handler = envelope === null ? undefined : events.get(envelope.event);
      if (handler !== undefined) {
        this.replyEvent = envelope!.event;
        this.replyId = envelope!.id;
        return this.run(handler, envelope!.data, false);
      }
      if (onMessage === null) {
        // No plain handler takes what matched no event: say so rather than drop it.
        const error =
          envelope === null
            ? eventError(null, undefined, 'invalid_event', 'Expected a JSON text frame {"event":…,"data":…}')
            : eventError(envelope.event, envelope.id, 'unknown_event', `No handler for event "${envelope.event}"`);
        this.sendPayload(error);
        return;
      }
      this.replyEvent = null;
      this.replyId = undefined;
    }
    if (onMessage !== null) this.run(onMessage, data, isBinary);
  }

  private enqueue(data: ArrayBuffer, isBinary: boolean): void {
    const queue = (this.queue ??= []);
    if (queue.length >= this.route.transport.maxQueuedMessages) {
      // A flooding client gets none of its queued messages handled: dropping them frees their copies now
      // (up to maxQueuedMessages × maxPayloadLength) instead of after every handler has run for nobody.
      queue.length = 0;
      this.route.stats.queueOverflows++;
      // Straight to the socket, not via close(): that would wait for the pending handler.
      this.socket?.end(1008, 'Too many queued messages');
      return;
    }
    queue.push({ data: data.slice(0), isBinary });
  }

  private run<D>(handler: Invoker<D>, data: D, isBinary: boolean): void {
    this.inHandler = true;
    let result: unknown;
    try {
      result = handler(this, data, isBinary);
    } catch (error) {
      result = recover(this, error);
    }
    this.complete(result);
  }

  private complete(result: unknown): void {
    if (isThenable(result)) {
      this.busy = true;
      if (this.settle === null) {
        this.settle = (value) => this.settled(value);
        this.fail = (error) => this.settled(recover(this, error));
      }
      result.then(this.settle, this.fail);
      return;
    }
    if (this.socket !== null) this.reply(result);
    this.afterHandler();
  }

  private settled(value: unknown): void {
    this.complete(value);
    if (this.busy) return;
    this.route.stats.finished(this);
    const queue = this.queue;
    while (queue !== null && queue.length > 0 && !this.busy) {
      const next = queue.shift()!;
      this.deliver(next.data, next.isBinary);
    }
  }

  private reply(value: unknown): void {
    if (typeof value === 'string' && this.replyEvent === null) {
      if (value !== '') this.sendPayload(value);
      return;
    }
    const payload = frameOf(this, this.replyEvent, this.replyId, value);
    if (payload !== null) this.sendPayload(payload);
  }

  private afterHandler(): void {
    this.inHandler = false;
    this.busy = false;
    if (this.pendingClose !== null) this.socket?.end(this.pendingClose.code, this.pendingClose.reason);
    if (this.peerClose !== null && (this.queue === null || this.queue.length === 0)) this.finish();
  }

  /** Runs @OnClose, then tells the registry this connection has finished. */
  private finish(): void {
    const { code, reason } = this.peerClose!;
    this.peerClose = null;
    const onClose = this.route.onClose;
    const registry = this.app.registry;
    if (onClose === null) return registry.finished();
    try {
      const result = onClose(this, code, reason);
      if (isThenable(result)) {
        result.then(
          () => registry.finished(),
          (error: unknown) => {
            logFailure(this, '(@OnClose) rejected', error, false);
            registry.finished();
          },
        );
        return;
      }
    } catch (error) {
      logFailure(this, '(@OnClose) threw', error, false);
    }
    registry.finished();
  }
}

/**
 * ws.sendTo and app.sendTo: with recovery, a connection of this process with a session gets the push
 * with its position (stored, and kept for it while it is away); anything else goes through the bus.
 */
export function sendToId(app: AppContext, id: string, data: Reply): boolean {
  const payload = encode(data);
  if (payload === null) return false;
  const recovery = app.recovery;
  const local = recovery === null ? null : recovery.sendTo(id, app.registry.find(id), payload);
  return local ?? app.bus.sendTo(id, payload);
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
