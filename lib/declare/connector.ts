/**
 * The public contract of a connection: what handlers receive, what each member returns, and when it is
 * valid. The runtime implements it (runtime/connection.ts); its bookkeeping (ordering, the queue, a
 * deferred close) is not part of this type, so the published declarations show only what is here.
 */
import type { AnyChannel, EventData } from '../contract/channel';
import type { PathParams } from '../contract/path';
import type { PresenceState } from '../contract/presence-frames';

/**
 * What types a route's Connector and UpgradeRequest besides the state: a channel (its path parameters
 * and the events `emit` takes) or a route pattern (its path parameters). `string`: untyped.
 * @example
 * type ChatWs = Connector<{ name: string }, typeof chat>; // ws.params.room: string; ws.emit('said', …)
 * type RoomWs = Connector<{ name: string }, '/rooms/:room'>; // ws.params.room: string
 */
export type RouteContract = AnyChannel | string;

type PatternOf<R extends RouteContract> = R extends AnyChannel ? R['pattern'] : R;

/** The channel of a contract; a pattern's is the untyped one (any event name, any data). */
type ChannelOf<R extends RouteContract> = R extends AnyChannel ? R : AnyChannel;

/**
 * The path parameters of a contract: each name of a literal pattern (`'/chat/{room}'` → `{ room: string }`,
 * as hono's ParamKeys), else any name.
 * @example
 * type P = RouteParams<'/users/:id/posts/{post}'>; // Readonly<{ id: string; post: string }>
 */
export type RouteParams<R extends RouteContract> = string extends PatternOf<R> ? Readonly<Record<string, string>> : Readonly<PathParams<PatternOf<R>>>;

/**
 * What a handler may return, and what `send`/`sendTo`/`broadcast`/`publish` accept: a string (a text
 * frame), bytes (a binary frame), or a number, boolean, plain object or array (its JSON in a text
 * frame). `undefined`, `null` and `''` send nothing. Functions and Promises are not replies (await first).
 */
export type Reply = string | number | boolean | null | undefined | ArrayBuffer | ArrayBufferView | ReplyObject;

/** Any object but a function or a thenable, which have no frame (the second member lets object literals through excess-property checks). */
export type ReplyObject = (object & { readonly then?: never; readonly call?: never; readonly bind?: never }) | { readonly [key: string]: unknown };

/** Options of {@link Connector.broadcast} and {@link Connector.publish}. */
export interface BroadcastOptions {
  /** Skip the connection that broadcasts. Default false. */
  exceptSelf?: boolean;
}

/**
 * A presence meta: a plain object that JSON can encode (at most 4096 characters of JSON). `id` is
 * taken: the metas the room's members see carry the connection id there.
 */
export type PresenceMetaInput = { readonly id?: never; readonly [field: string]: unknown };

/** How a connection is tracked in a room's presence (docs/presence.md). */
export interface PresenceOptions {
  /** The key it is listed under: a user id groups that user's devices. Default: the connection id. */
  key?: string | undefined;
  /** What the room's members see of it, besides its id. Default `{}`. */
  meta?: PresenceMetaInput | undefined;
}

/** Options of {@link Connector.join}. */
export interface JoinOptions {
  /**
   * Track this connection in the room's presence; it then receives the room's `presence_state` and
   * `presence_diff` frames. `'observe'`: receive those frames without being tracked (a lurker, a dashboard).
   */
  presence?: PresenceOptions | 'observe' | undefined;
}

/**
 * A WebSocket connection, as handlers see it. The runtime makes one per connection at upgrade; it is
 * never constructed by app code. No method throws because the connection has closed: each returns
 * `false`, `0` or does nothing instead.
 * @example
 * @OnMessage() message(ws: Connector, text: string) {
 *   ws.broadcast(`Client #${ws.params.clientId} says: ${text}`, { exceptSelf: true });
 *   return `You wrote: ${text}`;
 * }
 */
export abstract class Connector<S extends object = Record<string, unknown>, R extends RouteContract = string> {
  /** Unique id of this connection, across the app (and every process sharing its bus). Valid for ever. */
  abstract readonly id: string;

  /**
   * Path parameters of the route, e.g. `{ clientId: '42' }` for `/ws/:clientId`. Typed by name when the
   * Connector is typed by the route's channel or pattern (`Connector<S, typeof chat>`: `ws.params.room: string`).
   */
  abstract readonly params: RouteParams<R>;

  /** Query string of the upgrade request, as Robyn's `query_params`: `ws.queryParams.get('name')`. */
  abstract readonly queryParams: URLSearchParams;

  /** Request headers at upgrade, lower-cased names; repeated headers joined with ", ". */
  abstract readonly headers: Readonly<Record<string, string>>;

  /** Peer address as text: `127.0.0.1` for an IPv4 client (on any listener), the short form for IPv6 (`::1`). */
  abstract readonly remoteAddress: string;

  /** Per-connection data for the app, seeded by `@OnUpgrade`'s return value (else `{}`). Assign an object to replace it. */
  abstract get state(): S;
  abstract set state(value: S);

  /** False once the connection has closed (by either side). */
  abstract readonly isOpen: boolean;

  /**
   * True when this connection resumed a dropped one (App option `recovery`, docs/recovery.md): same `id`,
   * its rooms joined again, and the pushes it missed already sent. Read it in `@OnConnect`; false for a
   * new connection, or one whose session could not be resumed (the client then reloads what it shows).
   */
  abstract readonly recovered: boolean;

  /** Bytes waiting in this connection's send buffer (0 once closed). */
  abstract readonly bufferedAmount: number;

  /**
   * Sends to this connection, encoded as a handler's reply would be.
   * @returns true when the frame was sent or buffered; false when the connection is closed, the frame
   * was dropped for backpressure (`maxBackpressure`), or there was nothing to send (undefined, null, '').
   * @example
   * ws.send({ progress: 50 });
   */
  abstract send(data: Reply): boolean;

  /**
   * Pushes an event to this connection: the frame `{"event":event,"data":data}`, which a switchboard
   * client hands to its `on(event)` listeners. With `Connector<S, typeof channel>`, `event` must be one
   * of the channel's events and `data` its schema's output type (not validated at run time).
   * @returns as {@link Connector.send}: false when closed or dropped for backpressure.
   * @example
   * ws.emit('said', { from: 'ann', text: 'hi' });
   */
  abstract emit<K extends keyof ChannelOf<R>['events'] & string>(event: K, data: EventData<ChannelOf<R>, K>): boolean;

  /**
   * Sends to any connection of the app by id (on any process sharing the bus).
   * @returns false when that id is unknown or closed (on this process), or nothing was sent; for an id
   * of another process, true once handed to the bus (delivery is at-most-once, docs/scale-out.md).
   * @example
   * ws.sendTo(peerId, `${ws.id} says hi`);
   */
  abstract sendTo(id: string, data: Reply): boolean;

  /**
   * Sends to every open connection of this route (this class), through uWS pub/sub.
   * @returns the number of recipients on this process.
   * @example
   * ws.broadcast(`Client #${ws.params.clientId} left`, { exceptSelf: true });
   */
  abstract broadcast(data: Reply, options?: BroadcastOptions): number;

  /** The rooms this connection is in; empty once closed. */
  abstract readonly rooms: ReadonlySet<string>;

  /**
   * Joins a room (a uWS topic, so publishing fans out in C++). With `presence`, the connection is
   * tracked in the room's presence under `key` with `meta`, across every process sharing the bus: it
   * gets `{"event":"presence_state",…}` within one window (50 ms), itself included, then a
   * `presence_diff` per window in which the room's presence changed (docs/presence.md).
   * @returns true when it joined; false when it was already in the room (its presence unchanged) or
   * the connection is closed.
   * @throws a `too_many_rooms` WsError when the connection is already in `maxRooms` rooms (default 1000): in
   * a handler, the client gets that error frame, as for any WsError.
   * @example
   * @OnMessage('join') join(ws: Connector, room: string) { ws.join(room); return ws.rooms.size; }
   * ws.join('board:42', { presence: { key: user.id, meta: { name: user.name } } });
   */
  abstract join(room: string, options?: JoinOptions): boolean;

  /**
   * Leaves a room, and its presence if it was tracked there (the others see it leave).
   * @returns true when it left; false when it was not in the room or is closed.
   * @example
   * ws.leave('lobby');
   */
  abstract leave(room: string): boolean;

  /**
   * Replaces this connection's meta in a room's presence: the room's members see a leave of the old
   * meta and a join of the new one, under the same key and id.
   * @returns true when done; false when this connection is not tracked in that room (or is closed).
   * @example
   * ws.updatePresence('board:42', { name: user.name, typing: true });
   */
  abstract updatePresence(room: string, meta: PresenceMetaInput): boolean;

  /**
   * Who is in a room, by presence key, on every process sharing the bus; as `app.presence(room)`.
   * Works whether or not this connection is in the room, open or closed.
   * @returns `{ [key]: { metas: [{ id, ...meta }] } }`.
   * @example
   * const online = Object.keys(await ws.presence('board:42'));
   */
  abstract presence(room: string): Promise<PresenceState>;

  /**
   * Sends to every connection in a room (this one need not be in it). To push a channel's event, send
   * its typed frame: `ws.publish(room, chat.event('said', data))`.
   * @returns the number of recipients on this process.
   * @example
   * ws.publish('lobby', `${ws.id} joined`, { exceptSelf: true });
   * ws.publish(ws.params.room, chat.event('said', { from: ws.state.name, text }), { exceptSelf: true });
   */
  abstract publish(room: string, data: Reply, options?: BroadcastOptions): number;

  /**
   * Closes gracefully with a close frame. Inside a handler of this connection it takes effect after that
   * handler's reply has been sent. Does nothing once closed.
   * @param code 1000 (default), 1001–1003, 1007–1014 except 1010, or 3000–4999 (application codes).
   * @param reason at most 123 bytes of UTF-8.
   * @example
   * ws.close(4000, 'Bye');
   */
  abstract close(code?: number, reason?: string): void;
}
