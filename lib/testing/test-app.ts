/**
 * testApp(app): the app under test listening on 127.0.0.1 and a port the kernel picks, real WebSocket
 * clients connected to it, and one close() that ends both. Independent of the test runner: it only
 * uses Promises, so jest, vitest and node:test run it alike (docs/testing.md).
 */
import { invalidArgument } from '../util/errors';
import { loadWs, type WsConstructor } from './socket';
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
    private readonly WebSocket: WsConstructor,
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
   * Opens a WebSocket to `path`; resolves once it is open. Rejects with {@link UpgradeRefused} (its
   * `status` and `body`) when the app refuses the upgrade, or after the timeout.
   * @example
   * const c = await t.connect('/notify/7', { query: { token: 'wst' }, headers: { origin: 'https://example.com' } });
   */
  async connect(path: string, options: ConnectOptions = {}): Promise<TestClient> {
    if (typeof path !== 'string' || !path.startsWith('/')) throw invalidArgument('t.connect(path, options)', 'path', "a path starting with '/'", path);
    const query =
      options.query === undefined ? '' : new URLSearchParams(options.query instanceof URLSearchParams ? options.query : stringValues(options.query)).toString();
    const target = query === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${query}`;
    const protocols = typeof options.protocols === 'string' ? options.protocols : options.protocols === undefined ? undefined : [...options.protocols];
    const socket = new this.WebSocket(this.url(target), protocols, { headers: { ...options.headers } });
    const ms = options.timeout ?? this.timeout;
    const client = new TestClient(socket, target, this.timeout);
    const opened = new Promise<TestClient>((resolve, reject) => {
      socket.on('open', () => resolve(client));
      socket.on('error', (error) => reject(new Error(`The upgrade of ${target} failed: ${error.message}`, { cause: error })));
      socket.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => reject(new UpgradeRefused(response.statusCode ?? 0, body, target)));
      });
    });
    try {
      await within(opened, ms, () => `The upgrade of ${target} did not complete within ${ms} ms.`);
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
 * Starts `app` on 127.0.0.1 and a free port, for a test. Needs the `ws` package (`npm i -D ws`).
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
  const WebSocket = await loadWs();
  const { port } = await app.listen(0, '127.0.0.1');
  return new TestApp(app, port, WebSocket, timeout);
}
