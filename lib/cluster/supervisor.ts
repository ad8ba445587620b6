/**
 * serve()'s primary: forks one worker per slot, waits until each reports it listens, restarts a worker
 * that dies (at most MAX_RESTARTS times per slot), replaces them one at a time on restart() (a rolling
 * restart, docs/deploys.md), and stops them all gracefully on close().
 */
import type { ChildProcess } from 'node:child_process';
import cluster from 'node:cluster';
import { SwitchboardError } from '../util/errors';
import type { Logger } from '../util/validate';

const MAX_RESTARTS = 10;
/** How long close() waits for a worker's graceful exit (SIGTERM) before SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;
/** How long past its drainTimeout a retired worker may take to exit (app.close() lingers, the bus closes). */
const RETIRE_GRACE_MS = 1000;

/** What a worker reports to the primary over IPC. */
export type WorkerMessage = { swb: 'listening' } | { swb: 'failed'; message: string };
/** What the primary tells a worker over IPC: a successor listens, close with 1012 and exit. */
export type PrimaryMessage = { swb: 'retire' };

export interface SupervisorOptions {
  readonly workers: number;
  readonly script: string;
  readonly execArgv: readonly string[];
  readonly startTimeout: number;
  /** How long a retired worker may take to close its connections (1012) before it is killed. */
  readonly drainTimeout: number;
  readonly logger: Logger;
  /** The environment of worker `index`, on top of the primary's. */
  readonly env: (index: number) => Record<string, string>;
}

export class Supervisor {
  private readonly children: (ChildProcess | null)[];
  private readonly listening: boolean[];
  private readonly restarts: number[];
  private closing = false;
  /** The rolling restart under way, if any. */
  private rollout: Promise<void> | null = null;
  /** A successor forked by the rollout and not yet listening: close() stops it too. */
  private incoming: ChildProcess | null = null;
  /** Workers replaced by rolling restarts. */
  replaced = 0;

  constructor(private readonly o: SupervisorOptions) {
    this.children = new Array<ChildProcess | null>(o.workers).fill(null);
    this.listening = new Array<boolean>(o.workers).fill(false);
    this.restarts = new Array<number>(o.workers).fill(0);
  }

  /** Process ids of the workers now running. */
  get pids(): number[] {
    return this.children.flatMap((c) => (c?.pid === undefined ? [] : [c.pid]));
  }

  /** Starts every worker; rejects (after stopping the others) when one fails to start. */
  async startAll(): Promise<void> {
    try {
      await Promise.all(this.children.map((_, i) => this.start(i)));
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Stops every worker gracefully (SIGTERM), killing those still running after 10 s. */
  async close(): Promise<void> {
    this.closing = true;
    const children = this.incoming === null ? this.children : [...this.children, this.incoming];
    await Promise.all(children.map((child) => (child === null ? Promise.resolve() : stop(child, 'SIGTERM', STOP_TIMEOUT_MS))));
  }

  /**
   * Replaces the workers one at a time: each successor listens on the shared port before its
   * predecessor is told to retire (it stops accepting, lets what was queued go out and closes its
   * connections with 1012, within drainTimeout). A successor that fails to start stops the rollout:
   * the workers not yet replaced keep serving, the reason is logged, and the promise rejects. A call
   * during a rollout joins it.
   */
  restart(): Promise<void> {
    this.rollout ??= this.roll().finally(() => (this.rollout = null));
    return this.rollout;
  }

  private async roll(): Promise<void> {
    for (let i = 0; i < this.children.length && !this.closing; i++) {
      const predecessor = this.children[i] ?? null;
      const successor = this.fork(i);
      this.incoming = successor;
      try {
        await this.ready(i, successor);
      } catch (error) {
        this.o.logger.error(
          `switchboard: serve(): rolling restart stopped at worker ${i}; ${i === 0 ? 'the' : 'the remaining'} old workers keep serving. ${(error as Error).message}`,
        );
        throw error;
      } finally {
        this.incoming = null;
      }
      this.adopt(i, successor);
      this.restarts[i] = 0;
      this.replaced++;
      if (predecessor !== null) await retire(predecessor, this.o.drainTimeout);
    }
  }

  /** Forks worker `i` into its slot; resolves once it reports listening. */
  private start(i: number): Promise<void> {
    const child = this.fork(i);
    this.adopt(i, child);
    return this.ready(i, child);
  }

  private fork(i: number): ChildProcess {
    // Forked through node:cluster so that a worker on the portable transport can share the port through
    // this process (node:net's handle sharing), on a Node.js without SO_REUSEPORT; uWS workers bind their own.
    cluster.setupPrimary({ exec: this.o.script, args: process.argv.slice(2), execArgv: [...this.o.execArgv] });
    // The whole environment, as the caller sees it: node:cluster adds `env` to its own view of process.env,
    // which is not the one a caller may have replaced (Jest gives each test file a copy, for one).
    return cluster.fork({ ...process.env, ...this.o.env(i) }).process;
  }

  /** `child` becomes the worker of slot `i`: the one restarted if it dies. */
  private adopt(i: number, child: ChildProcess): void {
    this.children[i] = child;
    child.once('exit', (code, signal) => this.exited(i, child, code, signal));
  }

  /** Resolves once `child` reports listening; rejects (and kills it) when it fails, exits or takes longer than startTimeout. */
  private ready(i: number, child: ChildProcess): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new SwitchboardError('SWB_ERR_WORKER_FAILED', `serve(): worker ${i} (pid ${child.pid ?? '?'}) ${why}${/[.\]]$/.test(why) ? '' : '.'}`));
      };
      const timer = setTimeout(() => fail(`did not report listening within ${this.o.startTimeout} ms`), this.o.startTimeout);
      child.on('message', (message: WorkerMessage) => {
        if (message?.swb === 'listening') {
          clearTimeout(timer);
          this.listening[i] = true;
          resolve();
        } else if (message?.swb === 'failed') fail(`failed to start: ${message.message}`);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new SwitchboardError('SWB_ERR_WORKER_FAILED', `serve(): worker ${i} exited (${exitOf(code, signal)}) before it was listening.`));
      });
    });
  }

  /** A worker that had been listening is restarted, unless the primary is closing or it died too often. */
  private exited(i: number, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    // A worker retired by a rolling restart has a successor in its slot already.
    if (this.children[i] !== child) return;
    this.children[i] = null;
    if (this.closing || !this.listening[i]) return;
    const how = exitOf(code, signal);
    if (++this.restarts[i]! > MAX_RESTARTS) {
      this.o.logger.error(`switchboard: serve(): worker ${i} exited (${how}) ${MAX_RESTARTS} times; not restarting it again.`);
      return;
    }
    this.o.logger.error(`switchboard: serve(): worker ${i} exited (${how}); restarting it.`);
    this.start(i).catch((error: unknown) => this.o.logger.error(`switchboard: serve(): worker ${i} could not be restarted.`, error));
  }
}

function exitOf(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ?? `code ${String(code)}`;
}

/** Tells a worker to retire (close with 1012, then exit); killed if it has not exited within `drainTimeout` and a grace second. */
function retire(child: ChildProcess, drainTimeout: number): Promise<void> {
  const message: PrimaryMessage = { swb: 'retire' };
  if (child.connected) child.send(message, undefined, undefined, () => undefined);
  return stop(child, null, drainTimeout + RETIRE_GRACE_MS);
}

/** Sends `signal` (none: it was asked over IPC), then SIGKILL if the worker has not exited within `ms`. */
function stop(child: ChildProcess, signal: NodeJS.Signals | null, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    if (signal !== null) child.kill(signal);
  });
}
