/**
 * The client's state machine: one WebSocket at a time, requests correlated by id, pushes to their
 * listeners, and reconnects with backoff. Requests go out at most once: one that was sent when the
 * connection dropped rejects with 'disconnected' and is never sent again.
 */
import { describe, RequestError, usageError } from '../contract/errors';
import type { ServerFrame } from '../contract/frames';
import { reconnectWindow, SUBPROTOCOL } from '../contract/wire';
import type { Client, ClientStatus, CloseInfo, ReconnectInfo, RequestOptions } from './client';
import { isTimeout, type ResolvedOptions } from './options';
import { isFinal, isRefusal, refusalCode, retryDelay, STABLE_MS } from './reconnect';
import { timers, type WebSocketLike } from './socket';

interface Pending {
  readonly name: string;
  /** The frame, made at request time so a value that cannot be sent fails the request at once. */
  readonly text: string;
  sent: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: RequestError) => void;
  timer: unknown;
}

/** setTimeout takes a signed 32-bit delay; longer ones would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const OPEN = 1;

const ignore = (): void => {};

/** A listener that throws is reported the platform's way (as uncaught) without stopping the others. */
function call<A extends unknown[]>(listener: (...args: A) => void, ...args: A): void {
  try {
    listener(...args);
  } catch (error) {
    rethrow(error);
  }
}

function rethrow(error: unknown): void {
  timers.setTimeout(() => {
    throw error;
  }, 0);
}

function subscribe<L>(listeners: Set<L>, listener: L, where: string): () => void {
  if (typeof listener !== 'function') throw usageError('SWB_ERR_INVALID_ARGUMENT', `${where}: listener must be a function, got ${describe(listener)}`);
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export class Connection implements Client {
  readonly #url: () => string;
  readonly #options: ResolvedOptions;
  #status: ClientStatus = 'connecting';
  #lastClose: CloseInfo | null = null;
  #socket: WebSocketLike | null = null;
  #retryTimer: unknown = null;
  /** Retries since the last connection that stayed open STABLE_MS. */
  #attempt = 0;
  /** When the current socket opened; 0 while it has not. */
  #openedAt = 0;
  /** A connection has been open and was not refused: the next open is a reconnect. */
  #wasOpen = false;
  #nextId = 1;
  /** Requests waiting to go out (sent: false) or for their answer, in the order they were made. */
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<(data: unknown, room: unknown) => void>>();
  readonly #statusListeners = new Set<(status: ClientStatus) => void>();
  readonly #reconnectListeners = new Set<(info: ReconnectInfo) => void>();
  /** The server's session token (null until a server with recovery gave one), and the last position per topic. */
  #session: string | null = null;
  #positions: Record<string, [string, number]> = {};
  /** Open, with a session to resume: requests and onReconnect wait for the server's first frame, which says whether it resumed. */
  #awaiting = false;

  constructor(url: () => string, options: ResolvedOptions) {
    this.#url = url;
    this.#options = options;
    this.#open(true);
  }

  get status(): ClientStatus {
    return this.#status;
  }

  get lastClose(): CloseInfo | null {
    return this.#lastClose;
  }

  request(name: string, data: unknown, options?: RequestOptions): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (typeof name !== 'string') throw usageError('SWB_ERR_INVALID_ARGUMENT', `request(): name must be a string, got ${describe(name)}`);
      const timeout = options?.timeout ?? this.#options.timeout;
      if (!isTimeout(timeout)) throw usageError('SWB_ERR_INVALID_ARGUMENT', `request(): timeout must be a number of ms > 0, got ${describe(timeout)}`);
      if (this.#status === 'closed') throw new RequestError('closed', 'The client is closed');
      const id = this.#nextId++;
      const pending: Pending = { name, text: JSON.stringify({ event: name, data, id }), sent: false, resolve, reject, timer: null };
      if (timeout <= MAX_TIMER_MS)
        pending.timer = timers.setTimeout(() => this.#settle(id, new RequestError('timeout', `No answer to "${name}" within ${timeout} ms`)), timeout);
      this.#pending.set(id, pending);
      if (this.#status === 'open') this.#transmit(pending);
    });
  }

  /** Each listener is called with the data and room of the frames of its event, which fit the type it was given for that event. */
  on(name: string, listener: (data: never, room: never) => void): () => void {
    let listeners = this.#listeners.get(name);
    if (listeners === undefined) this.#listeners.set(name, (listeners = new Set()));
    return subscribe(listeners, listener as (data: unknown, room: unknown) => void, 'on()');
  }

  onStatus(listener: (status: ClientStatus) => void): () => void {
    return subscribe(this.#statusListeners, listener, 'onStatus()');
  }

  onReconnect(listener: (info: ReconnectInfo) => void): () => void {
    return subscribe(this.#reconnectListeners, listener, 'onReconnect()');
  }

  send(data: string | ArrayBuffer | ArrayBufferView): boolean {
    const socket = this.#socket;
    if (this.#status !== 'open' || socket === null || socket.readyState !== OPEN) return false;
    // A view of a SharedArrayBuffer is the caller's to avoid, as with the browser's own WebSocket.
    socket.send(data as ArrayBufferView<ArrayBuffer>);
    return true;
  }

  close(code = 1000, reason = ''): void {
    // The codes an application may send (RFC 6455 §7.4): browsers throw for the others.
    if (code !== 1000 && !(Number.isInteger(code) && code >= 3000 && code <= 4999))
      throw usageError('SWB_ERR_INVALID_ARGUMENT', `close(): code must be 1000 or 3000–4999, got ${describe(code)}`);
    if (this.#status === 'closed') return;
    const socket = this.#socket;
    this.#lastClose = { code, reason };
    this.#stop();
    socket?.close(code, reason);
  }

  #open(first = false): void {
    this.#retryTimer = null;
    let socket: WebSocketLike;
    try {
      const url = this.#url();
      const session = this.#session;
      socket = new this.#options.WebSocket(
        session === null
          ? url
          : `${url}${url.includes('?') ? '&' : '?'}swb_resume=${encodeURIComponent(JSON.stringify({ session, positions: this.#positions }))}`,
        SUBPROTOCOL,
      );
    } catch (error) {
      // A bad URL fails connect() itself; later (a query function that throws) it ends the client.
      this.#stop();
      if (first) throw error;
      return rethrow(error);
    }
    let refusal: CloseInfo | null = null;
    socket.onopen = () => this.#opened();
    socket.onmessage = (event) => this.#received(event.data);
    socket.onerror = (event) => {
      const code = refusalCode(event);
      if (code !== 0) refusal = { code, reason: String((event as { message: string }).message) };
    };
    socket.onclose = (event) => this.#closed(refusal ?? { code: event.code, reason: event.reason });
    this.#socket = socket;
  }

  #opened(): void {
    this.#openedAt = Date.now();
    this.#setStatus('open');
    this.#awaiting = this.#session !== null;
    if (!this.#awaiting) this.#ready({ recovered: false });
  }

  #ready(info: ReconnectInfo): void {
    this.#awaiting = false;
    // A listener may have closed the client.
    if (this.#wasOpen) for (const listener of this.#reconnectListeners) if (this.#status === 'open') call(listener, info);
    for (const pending of this.#pending.values()) if (!pending.sent) this.#transmit(pending);
  }

  #transmit(pending: Pending): void {
    const socket = this.#socket;
    if (socket === null || socket.readyState !== OPEN) return;
    socket.send(pending.text);
    pending.sent = true;
  }

  #received(text: unknown): void {
    if (typeof text !== 'string') return;
    let frame: ServerFrame | null;
    try {
      frame = JSON.parse(text) as ServerFrame | null;
    } catch {
      return;
    }
    if (frame === null || typeof frame !== 'object') return;
    const { id, event, data, error, room, session, recovered, pos } = frame;
    if (typeof session === 'string') {
      this.#session = session;
      if (recovered !== true) this.#positions = {};
      // A server that lost recovery in a deploy sends no session frame: its first frame ends the wait all the same.
      if (this.#awaiting) this.#ready(frame.reason === undefined ? { recovered: recovered === true } : { recovered: false, reason: frame.reason as string });
      return;
    }
    if (this.#awaiting) this.#ready({ recovered: false });
    if (pos !== undefined) this.#positions[pos.topic] = [pos.epoch, pos.offset];
    // A frame with an id answers a request (or a late answer to one that timed out): never a push.
    if (id !== undefined) {
      if (error === undefined) return this.#settle(id, null, data ?? null);
      const { code, message, issues } = Object(error) as NonNullable<ServerFrame['error']>;
      return this.#settle(id, new RequestError(String(code), String(message), issues));
    }
    const listeners = typeof event === 'string' && error === undefined ? this.#listeners.get(event) : undefined;
    if (listeners !== undefined) for (const listener of listeners) call(listener, data, room);
  }

  #settle(id: unknown, error: RequestError | null, value?: unknown): void {
    const pending = this.#pending.get(id as number);
    if (pending === undefined) return;
    this.#pending.delete(id as number);
    timers.clearTimeout(pending.timer);
    if (error === null) pending.resolve(value);
    else pending.reject(error);
  }

  #closed(close: CloseInfo): void {
    this.#detach();
    this.#lastClose = close;
    const refused = isRefusal(close.code);
    for (const [id, pending] of this.#pending)
      if (refused) pending.sent = false;
      else if (pending.sent)
        this.#settle(id, new RequestError('disconnected', `The connection dropped before "${pending.name}" was answered; it may or may not have been handled`));
    // A refused connection opened only to say no: it handled nothing, and the next open is no reconnect.
    if (this.#openedAt !== 0 && !refused) this.#wasOpen = true;
    if (this.#openedAt !== 0 && Date.now() - this.#openedAt >= STABLE_MS) this.#attempt = 0;
    this.#openedAt = 0;
    const { reconnect, finalCodes, maxRetries, minDelay, maxDelay } = this.#options;
    if (!reconnect || isFinal(close.code, finalCodes) || this.#attempt >= maxRetries) return this.#stop();
    // The server's hint (a restart's 1012, a 4503) spreads its clients over its window; else the backoff.
    const window = reconnectWindow(close.reason);
    const delay = window < 0 ? retryDelay(this.#attempt, minDelay, maxDelay) : Math.random() * window;
    this.#attempt++;
    // Scheduled before the status changes: a status listener that calls close() then cancels it.
    this.#retryTimer = timers.setTimeout(() => this.#open(), delay);
    this.#setStatus(this.#wasOpen ? 'reconnecting' : 'connecting');
  }

  /** Ends the client: no reconnect, and every pending request rejects with 'closed'. */
  #stop(): void {
    timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#detach();
    for (const [id, pending] of this.#pending) this.#settle(id, new RequestError('closed', `The client closed before "${pending.name}" was answered`));
    this.#setStatus('closed');
  }

  #detach(): void {
    const socket = this.#socket;
    if (socket === null) return;
    this.#socket = null;
    socket.onopen = socket.onmessage = socket.onclose = null;
    // `ws` emits an error when a socket still connecting is closed, and throws if nothing listens.
    socket.onerror = ignore;
  }

  #setStatus(status: ClientStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    for (const listener of this.#statusListeners) call(listener, status);
  }
}
