/**
 * One connection of a test to the app under test. Frames are kept in arrival order until a wait takes
 * them; every wait has a timeout and fails with what arrived instead, so a test never hangs on a frame
 * that does not come, and a closed connection fails a wait at once.
 */
import type { AnyChannel, EventData, ReplyData, RequestData, UntypedChannel } from '../contract/channel';
import { RequestError } from '../contract/errors';
import type { FrameError } from '../contract/frames';
import { jsonOf, showFrame, showFrames, type Frame } from './frames';
import type { KitSocket } from './socket';

/** How the connection closed: the close frame's code and reason (1006 and '' when it just dropped). */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** Options of a wait. */
export interface WaitOptions {
  /** Milliseconds before the wait fails; default: the test app's `timeout`. */
  readonly timeout?: number;
}

/** A wait for a frame that `accept` takes; the frames it passed over stay queued for the next wait. */
interface Waiter {
  accept(frame: Frame): boolean;
  resolve(frame: Frame): void;
  fail(why: string): void;
  /** Frames that arrived while it waited and that it did not take. */
  readonly passed: Frame[];
}

/**
 * A WebSocket client for tests, made by `t.connect()`. Connected by a channel (`t.connect(chat, …)`),
 * it is typed by it: `C` gives `request()` its data and reply types and `nextEvent()` its pushes.
 * @example
 * const c = await t.connect('/chat/1');
 * c.send('hi');
 * expect(await c.next()).toBe('You wrote: hi');
 */
export class TestClient<C extends AnyChannel = UntypedChannel> {
  private readonly queue: Frame[] = [];
  private readonly waiters = new Set<Waiter>();
  private closeInfo: CloseInfo | null = null;
  private readonly whenClosed: Promise<CloseInfo>;
  private nextId = 0;

  /** @internal made by TestApp.connect() once the socket is open. */
  constructor(
    private readonly socket: KitSocket,
    /** The path it connected to, as the test gave it: failure messages name it. */
    readonly path: string,
    private readonly timeout: number,
  ) {
    socket.onMessage((frame) => this.received(frame));
    this.whenClosed = new Promise((resolve) =>
      socket.onClose((code, reason) => {
        this.closeInfo = { code, reason };
        for (const waiter of [...this.waiters]) waiter.fail(`the connection closed (${this.describeClose()})`);
        resolve(this.closeInfo);
      }),
    );
  }

  /** True until the connection has closed. */
  get isOpen(): boolean {
    return this.closeInfo === null && this.socket.isOpen;
  }

  /**
   * Sends one frame: a string as text, bytes as binary, anything else as its JSON text.
   * @example
   * c.send({ event: 'say', data: { text: 'hi' } });
   */
  send(data: string | ArrayBuffer | ArrayBufferView | object): void {
    if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) this.socket.send(data);
    else this.socket.send(JSON.stringify(data));
  }

  /**
   * The next frame (text as a string, binary as a Buffer). Rejects after the timeout, or at once when
   * the connection has closed with nothing left to read.
   * @example
   * expect(await c.next()).toBe('Connected to ws');
   */
  next(options: WaitOptions = {}): Promise<Frame> {
    return this.wait(() => true, 'a frame', options);
  }

  /**
   * The next frame, parsed as JSON; rejects when it is binary or not JSON, naming it.
   * @example
   * expect(await c.nextJson()).toEqual({ title: 'New order', message: '#42' });
   */
  async nextJson<T = unknown>(options: WaitOptions = {}): Promise<T> {
    const frame = await this.next(options);
    const value = jsonOf(frame);
    if (value === undefined) throw new Error(`Expected a JSON text frame from ${this.path}, received ${showFrame(frame)}.`);
    return value as T;
  }

  /**
   * Sends `{"event":event,"data":data,"id":n}` and resolves with the `data` of the reply carrying that id;
   * rejects with a RequestError (`code`, `message`, `issues`) when the reply is an error frame. Other
   * frames that arrive meanwhile stay queued for `next()`. Typed by the channel the client connected by:
   * the request's data in, its reply out (`unknown` for a client connected by path).
   * @example
   * expect(await c.request('join', { room: 'lobby', name: 'ann' })).toEqual({ room: 'lobby', here: 1 });
   */
  async request<K extends keyof C['requests'] & string>(event: K, data?: RequestData<C, K>, options: WaitOptions = {}): Promise<ReplyData<C, K>> {
    const id = ++this.nextId;
    const isReply = (frame: Frame): boolean => {
      const value = jsonOf(frame) as { event?: unknown; id?: unknown } | undefined;
      return value !== null && typeof value === 'object' && value.id === id && (value.event === event || value.event === undefined);
    };
    const waiting = this.wait(isReply, `the reply to "${event}" (id ${id})`, options);
    this.socket.send(JSON.stringify(data === undefined ? { event, id } : { event, data, id }));
    const reply = jsonOf(await waiting) as { data?: unknown; error?: FrameError };
    if (reply.error !== undefined) throw new RequestError(reply.error.code, reply.error.message, reply.error.issues);
    return reply.data as ReplyData<C, K>;
  }

  /**
   * The `data` of the next push of `event` (a frame `{"event":event,"data":…}` without an `id`); other
   * frames stay queued for `next()`. Typed by the channel's event schema for a client connected by channel.
   * @example
   * ann.request('say', { text: 'hi' });
   * expect(await bob.nextEvent('said')).toEqual({ from: 'ann', text: 'hi' });
   */
  async nextEvent<K extends keyof C['events'] & string>(event: K, options: WaitOptions = {}): Promise<EventData<C, K>> {
    const isPush = (frame: Frame): boolean => {
      const value = jsonOf(frame) as { event?: unknown; id?: unknown } | undefined;
      return value !== null && typeof value === 'object' && value.event === event && value.id === undefined;
    };
    const push = jsonOf(await this.wait(isPush, `a "${event}" push`, options)) as { data?: unknown };
    return push.data;
  }

  /**
   * Resolves when no frame arrives for `ms` milliseconds (default 100); rejects listing what did
   * arrive, or what was already waiting to be read.
   * @example
   * await bob.expectSilence(); // the sender was excluded
   */
  async expectSilence(ms = 100): Promise<void> {
    const before = this.queue.length;
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.queue.length > 0) {
      const when = before > 0 ? 'unread frames were waiting' : `received within ${ms} ms`;
      throw new Error(`Expected silence from ${this.path} for ${ms} ms, but ${when}: ${showFrames(this.queue)}.`);
    }
  }

  /**
   * Resolves with the close code and reason once the connection has closed (the server closed it, or
   * close() did); rejects after the timeout.
   * @example
   * expect(await c.closed()).toEqual({ code: 1008, reason: 'Authentication failed' });
   */
  closed(options: WaitOptions = {}): Promise<CloseInfo> {
    if (this.closeInfo !== null) return Promise.resolve(this.closeInfo);
    const ms = options.timeout ?? this.timeout;
    return within(this.whenClosed, ms, () => `The connection to ${this.path} did not close within ${ms} ms; received meanwhile: ${showFrames(this.queue)}.`);
  }

  /**
   * Closes the connection (code 1000 by default) and resolves once the server has answered.
   * @example
   * await c.close();
   */
  close(code?: number, reason?: string): Promise<CloseInfo> {
    if (this.closeInfo === null) this.socket.close(code, reason);
    return this.closed();
  }

  /**
   * Drops the connection without a close frame, as a lost network or a sleeping laptop does: the server
   * sees an abnormal close (1006). The way to test what an app does when a client comes back (docs/recovery.md).
   * @example
   * c.drop();
   * await c.closed();
   */
  drop(): void {
    if (this.closeInfo === null) this.socket.terminate();
  }

  private received(frame: Frame): void {
    for (const waiter of this.waiters) {
      if (waiter.accept(frame)) return waiter.resolve(frame);
      waiter.passed.push(frame);
    }
    this.queue.push(frame);
  }

  private wait(accept: (frame: Frame) => boolean, what: string, options: WaitOptions): Promise<Frame> {
    const index = this.queue.findIndex(accept);
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0]!);
    const ms = options.timeout ?? this.timeout;
    if (this.closeInfo !== null) return Promise.reject(this.failure(what, `the connection had closed (${this.describeClose()})`, this.queue));
    return new Promise<Frame>((resolve, reject) => {
      const queued = [...this.queue];
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        accept,
        passed: [],
        resolve: (frame) => {
          done();
          resolve(frame);
        },
        fail: (why) => {
          done();
          reject(this.failure(what, why, [...queued, ...waiter.passed]));
        },
      };
      const timer = setTimeout(() => waiter.fail(`nothing matching arrived within ${ms} ms`), ms);
      this.waiters.add(waiter);
    });
  }

  private failure(what: string, why: string, instead: readonly Frame[]): Error {
    return new Error(`Waiting for ${what} from ${this.path}: ${why}; received instead: ${showFrames(instead)}.`);
  }

  private describeClose(): string {
    const info = this.closeInfo!;
    return info.reason === '' ? `code ${info.code}` : `code ${info.code}, "${info.reason}"`;
  }
}

/** `promise`, or a rejection with `message()` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
