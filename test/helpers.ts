/**
 * Test helpers: a real app on port 0 and a real `ws` client whose every wait has a timeout.
 */
import WebSocket from 'ws';
import { App, SwitchboardError, uwsBuild, type AppOptions, type Logger } from '../lib';

export const WAIT_MS = 3000;

/** A logger that records instead of printing, so tests can assert what was logged. */
export function recordingLogger(): Logger & { errors: { message: string; error: unknown }[]; warnings: string[] } {
  const errors: { message: string; error: unknown }[] = [];
  const warnings: string[] = [];
  return { errors, warnings, error: (message, error) => errors.push({ message, error }), warn: (message) => warnings.push(message) };
}

export interface Started {
  readonly app: App;
  readonly port: number;
  url(path: string): string;
}

const running = new Set<App>();

/**
 * Starts an app on 127.0.0.1 and `port` (0: one the kernel picks; a given one starts a node again where it
 * was); closeAll() in afterEach stops it.
 */
export async function start(options: AppOptions | App = {}, port = 0): Promise<Started> {
  const app = options instanceof App ? options : new App({ logger: recordingLogger(), ...options });
  running.add(app);
  ({ port } = await app.listen(port, '127.0.0.1'));
  return { app, port, url: (path) => `ws://127.0.0.1:${port}${path}` };
}

/**
 * The uWS.js release an App runs on, as its minor version (30 for v20.30, 57 for v20.57); 0 on the portable
 * transport. For tests of what upstream changed between releases (docs/limits.md).
 */
export function uwsRelease(app: App): number {
  if (app.transport !== 'uws') return 0;
  return Number(/@20\.(\d+)\./.exec(uwsBuild() ?? '')?.[1] ?? 0);
}

export async function closeAll(): Promise<void> {
  await Promise.all([...running].map((app) => app.close({ timeout: 2000 })));
  running.clear();
}

export function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`: for handlers that stand for slow work, never to wait for something to happen. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves once `condition` holds, checking every few milliseconds; rejects after `ms` naming `what`.
 * For state that no event announces (a count, the process table); await the event where there is one.
 */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await delay(5);
  }
}

export type Frame = string | Buffer;

/** A ws client that buffers frames, so a test can await them one at a time. */
export class Client {
  private readonly frames: Frame[] = [];
  private waiter: ((frame: Frame) => void) | null = null;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      const frame = isBinary ? data : data.toString('utf8');
      if (this.waiter !== null) {
        const w = this.waiter;
        this.waiter = null;
        w(frame);
      } else this.frames.push(frame);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
  }

  /** The next frame, or a rejection after `ms`. */
  next(ms = WAIT_MS): Promise<Frame> {
    const frame = this.frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    return within(new Promise<Frame>((resolve) => (this.waiter = resolve)), 'the next frame', ms);
  }

  /** Resolves true if no frame arrives within `ms` (for "nothing was sent" assertions). */
  async silentFor(ms: number): Promise<boolean> {
    if (this.frames.length > 0) return false;
    await delay(ms);
    return this.frames.length === 0;
  }

  async nextJson(ms = WAIT_MS): Promise<unknown> {
    const frame = await this.next(ms);
    if (typeof frame !== 'string') throw new Error('Expected a text frame, got binary');
    return JSON.parse(frame) as unknown;
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  waitClosed(ms = WAIT_MS): Promise<{ code: number; reason: string }> {
    return within(this.closed, 'the close frame', ms);
  }

  close(code?: number, reason?: string): Promise<{ code: number; reason: string }> {
    this.ws.close(code, reason);
    return this.waitClosed();
  }
}

export function connect(url: string, options: WebSocket.ClientOptions = {}, protocols: string[] = []): Promise<Client> {
  const ws = new WebSocket(url, protocols, options);
  const client = new Client(ws);
  return within(
    new Promise<Client>((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`Upgrade rejected with ${res.statusCode}`)));
    }),
    `the upgrade of ${url}`,
  );
}

/** The HTTP status of a rejected upgrade (101 if it was accepted, then closed). */
export function upgradeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<{ status: number; body: string }> {
  const ws = new WebSocket(url, options);
  return within(
    new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.terminate();
        resolve({ status: 101, body: '' });
      });
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.once('error', (error) => reject(error));
    }),
    `the upgrade response of ${url}`,
  );
}

type Tree = Record<string, unknown>;

/**
 * The recursive merge many apps write (lodash.merge was one, before 4.6.2): it follows a `__proto__` key,
 * or `constructor` then `prototype`, into Object.prototype. For prototype-poisoning tests.
 */
export function naiveMerge(target: Tree, source: Tree): Tree {
  for (const key in source) {
    const value = source[key];
    if (value === null || typeof value !== 'object') target[key] = value;
    else {
      const into = target[key];
      naiveMerge(into !== null && (typeof into === 'object' || typeof into === 'function') ? (into as Tree) : (target[key] = {}), value as Tree);
    }
  }
  return target;
}

/** Object.prototype.polluted, deleted when present so that one polluting test cannot affect the next. */
export function takePollution(): unknown {
  const prototype = Object.prototype as Tree;
  const value = prototype.polluted;
  delete prototype.polluted;
  return value;
}

/** The SwitchboardError that register() throws for these routes; fails the test when it does not throw. */
export function registerError(...routes: (abstract new (...args: never[]) => object)[]): SwitchboardError {
  try {
    new App({ logger: recordingLogger() }).register(...routes);
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  throw new Error('register() did not throw');
}
