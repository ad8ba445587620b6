/**
 * The client's public contract: what connect() returns, typed by a channel. Each member says when it
 * can be called and what it returns; connection.ts implements it.
 */
import type { AnyChannel, EventData, ReplyData, RequestData, UntypedChannel } from '../contract/channel';
import type { PresenceEvents } from '../contract/presence-frames';

/**
 * `'connecting'` until the first open (retries included); `'open'`; `'reconnecting'` from a drop until
 * the next open; `'closed'` for good (after close(), a refused upgrade, a final close code, or retries exhausted).
 * @example
 * client.onStatus((status) => (banner.hidden = status === 'open'));
 */
export type ClientStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * A close as the client saw it. A refused upgrade reads 4000 + its HTTP status (4401, 4403…).
 * @example
 * if (client.status === 'closed' && client.lastClose?.code === 4401) showLogin();
 */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/**
 * What `onReconnect` listeners learn (docs/recovery.md).
 * @example
 * client.onReconnect(({ recovered }) => { if (!recovered) reload(); });
 */
export interface ReconnectInfo {
  /**
   * true: the server resumed the session (App option `recovery`): same id and rooms, and the pushes missed
   * meanwhile follow at once, before any live one. false: a new connection: join rooms again, reload what the page shows.
   */
  readonly recovered: boolean;
  /** Why it was not resumed, when the server said: `'unknown'`, `'expired'`, `'overflow'` or `'epoch'`. */
  readonly reason?: string;
}

export interface RequestOptions {
  /** Milliseconds to wait for the answer, waiting for a reconnect included (default: the client's `timeout`). */
  readonly timeout?: number;
}

/**
 * A connection that reconnects by itself, made by {@link connect}. No method throws because the
 * connection is down.
 * @example
 * const client = connect(chat, 'wss://example.com', { params: { room: 'lobby' } });
 * const { at } = await client.request('say', { text: 'hi' });
 * const off = client.on('said', (m) => console.log(m.from, m.text));
 */
export interface Client<C extends AnyChannel = UntypedChannel> {
  /** The current status; see {@link ClientStatus}. */
  readonly status: ClientStatus;
  /** The last close (code and reason), null before any. */
  readonly lastClose: CloseInfo | null;
  /**
   * Sends `{"event":name,"data":data,"id":…}` and resolves with the answer's `data`. Made while the
   * connection is down, it waits for the reconnect (within its timeout). Sent at most once: it rejects
   * with a {@link RequestError} — the server's code, `'timeout'`, `'disconnected'` (the connection dropped
   * after it went out: it may or may not have been handled; never resent) or `'closed'`.
   */
  request<K extends keyof C['requests'] & string>(name: K, data: RequestData<C, K>, options?: RequestOptions): Promise<ReplyData<C, K>>;
  /**
   * Calls `listener` with the `data` and the `room` of each presence frame of that room's event
   * (`presence_state` or `presence_diff`, see docs/presence.md). Returns the function that unsubscribes.
   */
  on<K extends keyof PresenceEvents>(name: K, listener: (data: PresenceEvents[K], room: string) => void): () => void;
  /** Calls `listener` with the `data` of each push `{"event":name,"data":…}`. Returns the function that unsubscribes. */
  on<K extends keyof C['events'] & string>(name: K, listener: (data: EventData<C, K>) => void): () => void;
  /** Calls `listener` on each change of status. Returns the function that unsubscribes. */
  onStatus(listener: (status: ClientStatus) => void): () => void;
  /**
   * Calls `listener` each time the connection opens again after a drop (not the first time), before
   * the requests that waited go out, with whether the server resumed the session ({@link ReconnectInfo}):
   * when it did not, the place to join rooms again. Returns the function that unsubscribes.
   */
  onReconnect(listener: (info: ReconnectInfo) => void): () => void;
  /** Sends a raw frame now. Returns false, sending nothing, unless the status is `'open'`. */
  send(data: string | ArrayBuffer | ArrayBufferView): boolean;
  /**
   * Closes for good (code 1000 or 3000–4999, default 1000): no reconnect, and every pending request
   * rejects with `'closed'`. Does nothing when already closed.
   */
  close(code?: number, reason?: string): void;
}
