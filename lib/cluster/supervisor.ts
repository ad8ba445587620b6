/**
 * serve()'s primary: forks one worker per slot, waits until each reports it listens, restarts a worker
 * that dies (at most MAX_RESTARTS times per slot), and stops them all gracefully on close().
 */
import type { ChildProcess } from 'node:child_process';
import cluster from 'node:cluster';
import { SwitchboardError } from '../util/errors';
import type { Logger } from '../util/validate';

const MAX_RESTARTS = 10;
/** How long close() waits for a worker's graceful exit (SIGTERM) before SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;

/** What a worker reports to the primary over IPC. */
export type WorkerMessage = { swb: 'listening' } | { swb: 'failed'; message: string };

export interface SupervisorOptions {
  readonly workers: number;
  readonly script: string;
  readonly execArgv: readonly string[];
  readonly startTimeout: number;
  readonly logger: Logger;
  /** The environment of worker `index`, on top of the primary's. */
  readonly env: (index: number) => Record<string, string>;
}

export class Supervisor {
  private readonly children: (ChildProcess | null)[];
  private readonly listening: boolean[];
  private readonly restarts: number[];
  private closing = false;

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
    await Promise.all(this.children.map((child) => (child === null ? Promise.resolve() : stop(child))));
  }

  /** Forks worker `i`; resolves once it reports listening. */
  private start(i: number): Promise<void> {
    // Forked through node:cluster so that a worker on the portable transport can share the port through
    // this process (node:net's handle sharing), on a Node.js without SO_REUSEPORT; uWS workers bind their own.
    cluster.setupPrimary({ exec: this.o.script, args: process.argv.slice(2), execArgv: [...this.o.execArgv] });
    const child = cluster.fork(this.o.env(i)).process;
    this.children[i] = child;
    child.once('exit', (code, signal) => this.exited(i, child, code, signal));
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
    if (this.children[i] === child) this.children[i] = null;
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

/** SIGTERM, then SIGKILL if the worker has not exited within STOP_TIMEOUT_MS. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}
