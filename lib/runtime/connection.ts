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
import type { PresenceState } from '../contract/presence-frames';
import type { Invoker, RoutePlan } from '../compile/plan';
import type { ResolvedRateLimit } from '../compile/route-settings';
import { Connector, type BroadcastOptions, type JoinOptions, type PresenceMetaInput, type Reply } from '../declare/connector';
import type { Payload, Socket } from '../transport/types';
import { headersNotKept, invalidArgument, SwitchboardError, WsError } from '../util/errors';
import { headersOf } from '../util/headers';
import { isThenable } from '../util/thenable';
import { checkRoom, roomTopic } from '../util/topics';
import type { Logger } from '../util/validate';
import { frameOf, logFailure, recover } from './answer';
import { decodeText, eventError, jsonObjectOf } from './events';
import { joinOptions, updateMeta, type Presence } from './presence';
import { MessageQueue } from './queue';
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

const noData = new ArrayBuffer(0);
const noRooms: ReadonlySet<string> = new Set();
const encoder = new TextEncoder();

/**
 * What only some connections ever need, made on first use (`Connection.more()`): parsed query and
 * headers, state, id, rooms, a resumable session, and what an async handler or a close in progress
 * needs. An idle connection that never used them carries one null field instead of eleven
 * (docs/limits.md#idle-memory).
 */
class Extras<S> {
  /** The query string parsed, once read. */
  query: URLSearchParams | null = null;
  /** The upgrade's headers parsed, once read. */
  headers: Readonly<Record<string, string>> | null = null;
  state: S | undefined = undefined;
  id: string | null = null;
  rooms: Set<string> | null = null;
  /** Its resumable session: a client of the switchboard subprotocol on a route with recovery. */
  session: Session | null = null;
  /** close() called during a handler: done once that handler's reply has gone out. */
  pendingClose: Close | null = null;
  /** The socket has closed (either side) and @OnClose has yet to run. */
  peerClose: Close | null = null;
  queue: MessageQueue | null = null;
  /** Bound once, on this connection's first async handler. */
  settle: ((value: unknown) => void) | null = null;
  fail: ((error: unknown) => void) | null = null;
}

export class Connection<S extends object = Record<string, unknown>> extends Connector<S> {
  // Fields are laid out in declaration order: the first ones are those every message reads, kept
  // together so a message touches as few cache lines of its connection as possible. Every field costs
  // 8 bytes on each idle connection: what most connections never use lives in `extras`.
  /** The uWS socket while open; null once closed. */
  socket: Socket | null = null;
  /** An async handler of this connection is pending; new messages queue. */
  private busy = false;
  /** A handler of this connection is running; close() waits for its reply. */
  private inHandler = false;
  readonly route: RoutePlan;
  /** The event of the running `@OnMessage('event')` handler (null for plain handlers). */
  private replyEvent: string | null = null;
  /** The client's correlation id of that event frame. */
  private replyId: unknown = undefined;
  /** The rate limit's bucket (./rate-limit.ts), when the route has one. */
  fullAt = 0;
  /**
   * Frames received from this connection, and sent to it alone (replies, send, sendTo), for the inspection
   * page. Bytes are not counted: that costs an echo about 1% more instructions each way (docs/admin.md#cost).
   */
  messagesIn = 0;
  messagesOut = 0;
  private extras: Extras<S> | null = null;
  /**
   * The raw query string, then, when the route keeps headers, the upgrade's header names and values,
   * alternating: all joined by "\n" (which none may contain) into one flat string, parsed when first read.
   */
  private readonly request: string;
  /** When the socket opened, in whole seconds since the epoch (a small integer: no boxed number per connection). */
  private openedSecond = 0;
  /** A message over the rate limit: its handler does not run; a client far past the limit is closed. */
  private refused(limit: ResolvedRateLimit, data: ArrayBuffer, isBinary: boolean): void {
    const stats = this.route.stats;
    stats.messagesIn++;
    stats.rateLimited++;
    const now = clock.now;
    if (isFarPast(this, limit, now)) {
      stats.rateLimitCloses++;
      return this.shut(RATE_CLOSE_REASON);
    }
    this.sendPayload(rateLimitedFrame(this, limit, now, data, isBinary, this.route.events !== null, this.route.json));
  }

  /**
   * Closes (1008) a client that sends more than it may, and reads nothing more from it: what it keeps
   * sending is not worth the others' time. Straight to the socket, not via close(): that would wait for a
   * pending handler.
   */
  private shut(reason: string): void {
    const socket = this.socket;
    if (socket === null) return;
    socket.end(1008, reason);
    socket.stopReading?.();
  }

  constructor(
    private readonly app: AppContext,
    route: RoutePlan,
    /** This connection's number on its process; `id` is made from it when first read. A resume gives it its old one. */
    public seq: number,
    readonly params: Readonly<Record<string, string>>,
    query: string,
    /** The upgrade's headers, names and values alternating; null when the route does not keep them. */
    headers: readonly string[] | null,
    readonly remoteAddress: string,
    state: S | undefined,
  ) {
    super();
    this.route = route;
    // join() makes one flat string; `+` would make a rope that keeps both parts.
    this.request = headers === null ? query : [query, ...headers].join('\n');
    if (state !== undefined) this.more().state = state;
    if (route.transport.rateLimit !== null) this.fullAt = clock.now;
  }

  /** The extras, made on first use. */
  private more(): Extras<S> {
    return (this.extras ??= new Extras<S>());
  }

  /** Its resumable session, or null. */
  get session(): Session | null {
    return this.extras === null ? null : this.extras.session;
  }

  set session(session: Session | null) {
    if (session !== null || this.extras !== null) this.more().session = session;
  }

  /** Date.now() when the socket opened, to the second. */
  get openedAt(): number {
    return this.openedSecond * 1000;
  }

  // ── The public handle ──────────────────────────────────────────────────────────────────────────

  get id(): string {
    const extras = this.more();
    return (extras.id ??= this.app.registry.idOf(this.seq));
  }

  adoptId(id: string): void {
    this.more().id = id;
  }

  get queryParams(): URLSearchParams {
    const extras = this.more();
    if (extras.query !== null) return extras.query;
    const end = this.route.keepsHeaders ? this.request.indexOf('\n') : -1;
    return (extras.query = new URLSearchParams(end === -1 ? this.request : this.request.slice(0, end)));
  }

  get headers(): Readonly<Record<string, string>> {
    if (!this.route.keepsHeaders) throw headersNotKept(this.route.name);
    const extras = this.more();
    if (extras.headers !== null) return extras.headers;
    const end = this.request.indexOf('\n');
    return (extras.headers = headersOf(end === -1 ? [] : this.request.slice(end + 1).split('\n')));
  }

  get state(): S {
    const extras = this.more();
    return (extras.state ??= {} as S);
  }

  set state(value: S) {
    if (value === null || typeof value !== 'object') throw invalidArgument('ws.state = value', 'value', 'an object', value);
    this.more().state = value;
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
    const session = this.session;
    return session !== null && session.recovered;
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
    return this.extras?.rooms ?? noRooms;
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
    if (socket === null) return false;
    const extras = this.more();
    const rooms = (extras.rooms ??= new Set());
    if (rooms.has(room)) return false;
    const maxRooms = this.route.transport.maxRooms;
    if (rooms.size >= maxRooms) throw new WsError('too_many_rooms', `This connection is already in ${maxRooms} rooms (maxRooms): leave one first`);
    rooms.add(room);
    const topic = roomTopic(room);
    socket.subscribe(topic);
    this.app.rooms?.joined(room);
    if (extras.session !== null) this.app.recovery!.follow(extras.session, topic);
    return true;
  }

  leave(room: string): boolean {
    checkRoom('ws.leave(room)', room);
    const socket = this.socket;
    const extras = this.extras;
    if (socket === null || extras === null || extras.rooms === null || !extras.rooms.delete(room)) return false;
    const topic = roomTopic(room);
    socket.unsubscribe(topic);
    this.app.rooms?.left(room);
    if (extras.session !== null) this.app.recovery!.unfollow(extras.session, topic);
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
    const extras = this.extras;
    if (this.socket === null || (extras !== null && extras.pendingClose !== null)) return;
    const session = this.session;
    if (session !== null) session.closedByApp = true;
    if (this.inHandler) {
      this.more().pendingClose = { code, reason };
    } else {
      this.socket.end(code, reason);
    }
  }

  // ── The state machine, driven by the transport's callbacks ─────────────────────────────────────

  opened(socket: Socket): void {
    this.socket = socket;
    this.openedSecond = Math.floor(Date.now() / 1000);
    // First, so that its id and rooms are restored and the missed pushes sent before anything else.
    const session = this.session;
    if (session !== null) this.app.recovery!.open(this, session);
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
    const extras = this.more();
    const rooms = this.app.rooms;
    if (rooms !== null && extras.rooms !== null) for (const room of extras.rooms) rooms.left(room);
    // A parked session keeps its presence entries: a resume within the window does not flap them.
    if (extras.session === null || !this.app.recovery!.park(this, code)) this.app.presence.closed(this);
    extras.rooms = null;
    this.app.registry.closed(this);
    this.app.admission.closed(this.remoteAddress);
    this.route.stats.connectionsOpen--;
    extras.peerClose = { code, reason };
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
    const route = this.route;
    if (route.events !== null) return isBinary ? this.deliverBinary(data) : this.deliverText(data);
    // replyEvent stays null on a route without events: nothing to reset per message.
    if (route.onMessage !== null) this.run(route.onMessage, data, isBinary);
  }

  /** A binary frame on a route with events: no event frame, so the plain handler's, if any. */
  private deliverBinary(data: ArrayBuffer): void {
    const onMessage = this.route.onMessage;
    if (onMessage === null) {
      // No plain handler takes what matched no event: say so rather than drop it.
      this.sendPayload(eventError(null, undefined, 'invalid_event', 'Expected a JSON text frame {"event":…,"data":…}'));
      return;
    }
    this.replyEvent = null;
    this.replyId = undefined;
    this.run(onMessage, data, true);
  }

  /**
   * A text frame on a route with events: decoded and parsed once, for its event handler or, when none
   * takes it, for the plain handler (which gets the text and the object as they are).
   */
  private deliverText(data: ArrayBuffer): void {
    const route = this.route;
    const text = decodeText(data);
    let value: Record<string, unknown> | undefined;
    try {
      value = jsonObjectOf(text, route.json);
    } catch (error) {
      // A prototype key the App refuses: the frame goes to no handler, plain or event.
      const refused = error as WsError;
      this.sendPayload(eventError(null, undefined, refused.code, refused.message));
      return;
    }
    const event = value === undefined ? undefined : value.event;
    if (typeof event === 'string') {
      const handler = route.events!.get(event);
      if (handler !== undefined) {
        this.replyEvent = event;
        this.replyId = value!.id;
        return this.run(handler, value!.data, false);
      }
    }
    const onDecoded = route.onDecodedMessage;
    if (onDecoded !== null) {
      this.replyEvent = null;
      this.replyId = undefined;
      return this.run(onDecoded, { bytes: data, text, value }, false);
    }
    this.sendPayload(
      typeof event === 'string'
        ? eventError(event, value!.id, 'unknown_event', `No handler for event "${event}"`)
        : eventError(null, undefined, 'invalid_event', 'Expected a JSON text frame {"event":…,"data":…}'),
    );
  }

  private enqueue(data: ArrayBuffer, isBinary: boolean): void {
    const extras = this.more();
    const queue = (extras.queue ??= new MessageQueue());
    if (queue.size >= this.route.transport.maxQueuedMessages) {
      // A flooding client gets none of its queued messages handled: dropping them frees their copies now
      // (up to maxQueuedMessages × maxPayloadLength) instead of after every handler has run for nobody.
      queue.clear();
      this.route.stats.queueOverflows++;
      return this.shut('Too many queued messages');
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
      const extras = this.more();
      if (extras.settle === null) {
        extras.settle = (value) => this.settled(value);
        extras.fail = (error) => this.settled(recover(this, error));
      }
      result.then(extras.settle, extras.fail);
      return;
    }
    if (this.socket !== null) this.reply(result);
    this.afterHandler();
  }

  private settled(value: unknown): void {
    this.complete(value);
    if (this.busy) return;
    this.route.stats.finished(this);
    const queue = this.extras!.queue;
    while (queue !== null && queue.size > 0 && !this.busy) {
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
    const extras = this.extras;
    if (extras === null) return;
    if (extras.pendingClose !== null) this.socket?.end(extras.pendingClose.code, extras.pendingClose.reason);
    if (extras.peerClose !== null && (extras.queue === null || extras.queue.size === 0)) this.finish();
  }

  /** Runs @OnClose, then tells the registry this connection has finished. */
  private finish(): void {
    const extras = this.extras!;
    const { code, reason } = extras.peerClose!;
    extras.peerClose = null;
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
