/**
 * testApp(app): the app under test listening on 127.0.0.1 and a port the kernel picks, real WebSocket
 * clients connected to it, and one close() that ends both. Independent of the test runner: it only
 * uses Promises, so jest, vitest and node:test run it alike (docs/testing.md).
 */
import type { AnyChannel, UntypedChannel } from '../contract/channel';
import { fillPath, type PathParams } from '../contract/path';
import { invalidArgument } from '../util/errors';
import { loadOpener, type Opener, type WebSocketChoice } from './socket';
import { TestClient, within, type WaitOptions } from './test-client';

/** What testApp() needs of an App. */
export interface Testable {
  listen(port: number, host?: string): Promise<{ port: number }>;
  close(): Promise<void>;
}

/** Options of {@link testApp}. */
export interface TestAppOptions {
  /** Milliseconds every wait (connect, next, request, closed) allows by default. Default 2000. */
  readonly timeout?: number;
  /**
   * The WebSocket client: `'ws'` (the package) or `'builtin'` (Node.js 22 and later have one). Default:
   * `ws` when it is installed, which also reads the HTTP status and body of a refused upgrade; else the built-in one.
   */
  readonly webSocket?: WebSocketChoice;
}

/** Options of {@link TestApp.connect}. */
export interface ConnectOptions extends WaitOptions {
  /** Request headers of the upgrade (`origin`, `authorization`, `cookie`…). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The query string: an object of values, or URLSearchParams. */
  readonly query?: Readonly<Record<string, string | number | boolean>> | URLSearchParams;
  /** Subprotocols to offer. */
  readonly protocols?: string | readonly string[];
}

/** Options of {@link TestApp.connect} with a channel: `params` fills its pattern (required when it has parameters). */
export type ChannelConnectOptions<P extends string> = ConnectOptions &
  (keyof PathParams<P> extends never ? { readonly params?: PathParams<P> } : { readonly params: PathParams<P> });

/** After a channel, its options: required when the channel's pattern has path parameters. */
type ChannelConnectArgs<C extends AnyChannel> = keyof PathParams<C['pattern']> extends never
  ? [options?: ChannelConnectOptions<C['pattern']>]
  : [options: ChannelConnectOptions<C['pattern']>];

/**
 * An upgrade the app refused (from `@OnUpgrade`, the origin check, a bad path): its HTTP status and body.
 * @example
 * await expect(t.connect('/ws/1')).rejects.toMatchObject({ status: 401, body: 'Missing or invalid token' });
 */
export class UpgradeRefused extends Error {
  override readonly name = 'UpgradeRefused';
  constructor(
    readonly status: number,
    readonly body: string,
    path: string,
  ) {
    super(`The upgrade of ${path} was refused with ${status}${body === '' ? '' : `: ${body}`}`);
  }
}

const DEFAULT_TIMEOUT = 2000;

/**
 * The app under test, listening: connect clients to it, make HTTP requests, close it all.
 * @example
 * const t = await testApp(createApp());
 * const c = await t.connect('/chat/1');
 * await t.close();
 */
export class TestApp<A extends Testable = Testable> {
  private readonly clients = new Set<TestClient>();

  /** @internal made by testApp(). */
  constructor(
    /** The app under test. */
    readonly app: A,
    /** The port it listens on (127.0.0.1). */
    readonly port: number,
    private readonly open: Opener,
    private readonly timeout: number,
  ) {}

  /**
   * The ws:// URL of a path on the app.
   * @example
   * t.url('/chat/1'); // 'ws://127.0.0.1:40123/chat/1'
   */
  url(path: string): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  /**
   * Opens a WebSocket to `path`, or to a channel's route (its pattern filled with `params`); resolves once
   * it is open. A client connected by channel is typed by it: `request(name, data)` takes the request's
   * data and resolves with its reply, `nextEvent(name)` with a push's data. Rejects with
   * {@link UpgradeRefused} (its `status` and `body`) when the app refuses the upgrade, or after the timeout.
   * @example
   * const c = await t.connect('/notify/7', { query: { token: 'wst' }, headers: { origin: 'https://example.com' } });
   * const chat = await t.connect(chatChannel, { params: { room: 'lobby' } });
   * const { at } = await chat.request('say', { text: 'hi' });
   */
  connect<C extends AnyChannel>(channel: C, ...options: ChannelConnectArgs<C>): Promise<TestClient<C>>;
  connect(path: string, options?: ConnectOptions): Promise<TestClient>;
  async connect(
    target: string | AnyChannel,
    options: ConnectOptions & { readonly params?: Readonly<Record<string, string>> } = {},
  ): Promise<TestClient<UntypedChannel>> {
    const path = typeof target === 'object' && target !== null && typeof target.pattern === 'string' ? fillPath(target.pattern, options.params ?? {}) : target;
    if (typeof path !== 'string' || !path.startsWith('/'))
      throw invalidArgument('t.connect(path, options)', 'path', "a path starting with '/', or a channel made by defineChannel()", path);
    const query =
      options.query === undefined ? '' : new URLSearchParams(options.query instanceof URLSearchParams ? options.query : stringValues(options.query)).toString();
    const address = query === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${query}`;
    const protocols = typeof options.protocols === 'string' ? options.protocols : options.protocols === undefined ? undefined : [...options.protocols];
    const { socket, opened } = this.open(this.url(address), protocols, { ...options.headers }, (status, body) => new UpgradeRefused(status, body, address));
    // Made before the socket opens: `ws` may emit the first message in the same tick as 'open'.
    const client = new TestClient<UntypedChannel>(socket, address, this.timeout);
    const ms = options.timeout ?? this.timeout;
    try {
      await within(opened, ms, () => `The upgrade of ${address} did not complete within ${ms} ms.`);
    } catch (error) {
      socket.terminate();
      throw error;
    }
    this.clients.add(client);
    return client;
  }

  /**
   * An HTTP request to the app (the global fetch, on its address).
   * @example
   * expect((await t.fetch('/')).status).toBe(200);
   */
  fetch(path: string, init?: RequestInit): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.port}${path}`, init);
  }

  /**
   * Closes the app (every client gets its 1001 and every @OnClose runs), then drops any client still
   * connected. Call it after each test.
   * @example
   * afterEach(() => t.close());
   */
  async close(): Promise<void> {
    await this.app.close();
    const open = [...this.clients].filter((c) => c.isOpen);
    await Promise.all(
      open.map((c) =>
        c.closed({ timeout: 1000 }).catch(() => {
          c.drop();
        }),
      ),
    );
    this.clients.clear();
  }
}

function stringValues(query: Readonly<Record<string, string | number | boolean>>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]));
}

/**
 * Starts `app` on 127.0.0.1 and a free port, for a test. Connects with the `ws` package when it is
 * installed (`npm i -D ws`), else with the built-in WebSocket of Node.js 22 and later.
 * @example
 * import { testApp } from 'switchboard/testing';
 * const t = await testApp(createApp());
 * const c = await t.connect('/ws/1');
 * c.send('hi');
 * expect(await c.next()).toBe('You wrote: hi');
 * await t.close();
 */
export async function testApp<A extends Testable>(app: A, options: TestAppOptions = {}): Promise<TestApp<A>> {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (!Number.isInteger(timeout) || timeout <= 0) throw invalidArgument('testApp(app, options)', 'timeout', 'a positive integer of milliseconds', timeout);
  if (options.webSocket !== undefined && options.webSocket !== 'ws' && options.webSocket !== 'builtin')
    throw invalidArgument('testApp(app, options)', 'webSocket', "'ws' or 'builtin'", options.webSocket);
  const open = await loadOpener(options.webSocket);
  const { port } = await app.listen(0, '127.0.0.1');
  return new TestApp(app, port, open, timeout);
}
