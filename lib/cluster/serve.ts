/**
 * serve({ workers }): one app on every core. The same script runs as the primary (which only forks
 * and watches) and as each worker (which builds the app and listens); an environment variable tells
 * them apart. The workers are forked with node:cluster: a worker on the portable transport listens
 * through the primary, which holds the port and hands it each new connection in turn (this works on
 * every Node.js, without SO_REUSEPORT); a uWS worker binds the port itself with SO_REUSEPORT, and the
 * kernel spreads new connections over those. The primary checks first that the port is free (so the
 * workers never join a foreign server's port) and, for port 0, picks the free port itself: Linux does
 * not let a second socket join a port the kernel assigned to a bind on port 0, so the workers must all
 * bind a port given by number.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { tryBind } from '../transport/bind-probe';
import { invalidOption, listenFailed, portInUse } from '../util/errors';
import { listenShared } from '../util/symbols';
import { checkKeys, integerIn, loggerOption, type Logger } from '../util/validate';
import { Supervisor, type PrimaryMessage, type WorkerMessage } from './supervisor';

const WORKER_ENV = 'SWITCHBOARD_WORKER';
const PORT_ENV = 'SWITCHBOARD_WORKER_PORT';

/** What serve() needs of an App (the App class satisfies it). */
export interface Servable {
  listen(port?: number, host?: string): Promise<{ port: number }>;
  close(options?: { code?: 1001 | 1012; timeout?: number }): Promise<void>;
  /** @internal */
  [listenShared](port: number, host?: string): Promise<{ port: number }>;
}

/** Options of {@link serve}. */
export interface ServeOptions<A extends Servable = Servable> {
  /** Builds the app in each worker (give each its own RedisBus, so the workers share fan-out). Not called in the primary. */
  app: () => A | Promise<A>;
  /** Worker processes. Default: os.availableParallelism(). */
  workers?: number;
  /** The port every worker listens on; 0: the primary picks a free one. Default 8000. */
  port?: number;
  /** Interface to listen on, as in `app.listen(port, host)`. */
  host?: string;
  /** The module the workers run; it must call serve() with the same options. Default: the primary's own script (process.argv[1]). */
  script?: string;
  /** Node.js flags of the workers. Default: the primary's own (process.execArgv). */
  execArgv?: readonly string[];
  /** Milliseconds a worker may take to report that it listens. Default 30000. */
  startTimeout?: number;
  /**
   * Milliseconds a worker retired by a rolling restart may take to close its connections (1012) and run
   * their @OnClose (its app.close() timeout); it is killed a second after. Default 10000.
   */
  drainTimeout?: number;
  /** Where the primary reports workers that died. Default console. */
  logger?: Logger;
}

/** What serve() returns in the primary process. */
export interface ServePrimary {
  readonly role: 'primary';
  /** The port every worker listens on (the one picked, with port 0). */
  readonly port: number;
  /** Process ids of the workers now running. */
  readonly pids: readonly number[];
  /**
   * A rolling restart (also on SIGHUP to this process): the workers are replaced one at a time, each
   * successor listening before its predecessor closes its connections with 1012 (docs/deploys.md).
   * Rejects when a successor fails to start; the workers not yet replaced keep serving.
   */
  restart(): Promise<void>;
  /** Workers replaced by rolling restarts since serve() started. */
  readonly restarts: number;
  /** Stops every worker gracefully (SIGTERM: each runs app.close()), killing those still running after 10 s. */
  close(): Promise<void>;
}

/** What serve() returns in a worker process. */
export interface ServeWorker<A extends Servable = Servable> {
  readonly role: 'worker';
  /** 0 to workers − 1. */
  readonly index: number;
  readonly port: number;
  readonly app: A;
}

interface Resolved<A extends Servable> {
  readonly app: () => A | Promise<A>;
  readonly workers: number;
  readonly port: number;
  readonly host: string | undefined;
  readonly script: string;
  readonly execArgv: readonly string[];
  readonly startTimeout: number;
  readonly drainTimeout: number;
  readonly logger: Logger;
}

/**
 * Runs the app on `workers` processes. Call it from your main module: in the primary it forks the
 * workers and resolves once all listen; in each worker it builds the app with `options.app()` and listens.
 * @example
 * const served = await serve({ workers: 4, port: 8000, app: () => createApp({ bus: new RedisBus({ url }) }) });
 * if (served.role === 'primary') console.log(`${served.pids.length} workers listening on port ${served.port}`);
 */
export function serve<A extends Servable>(options: ServeOptions<A>): Promise<ServePrimary | ServeWorker<A>> {
  const o = resolve(options);
  const index = process.env[WORKER_ENV];
  return index === undefined ? primary(o) : worker(o, Number(index));
}

function resolve<A extends Servable>(options: ServeOptions<A>): Resolved<A> {
  const where = 'serve(options)';
  if (options === null || typeof options !== 'object') throw invalidOption(where, 'options', 'an object', options);
  checkKeys(where, options, ['app', 'workers', 'port', 'host', 'script', 'execArgv', 'startTimeout', 'drainTimeout', 'logger']);
  if (typeof options.app !== 'function') throw invalidOption(where, 'app', 'a function () => App', options.app);
  const { host, script, execArgv } = options;
  if (host !== undefined && (typeof host !== 'string' || host === '')) throw invalidOption(where, 'host', 'a host name or address', host);
  const main = script ?? process.argv[1];
  if (typeof main !== 'string' || main === '') throw invalidOption(where, 'script', 'the path of the module the workers run', main);
  if (execArgv !== undefined && (!Array.isArray(execArgv) || !execArgv.every((a) => typeof a === 'string')))
    throw invalidOption(where, 'execArgv', 'an array of strings', execArgv);
  const logger = loggerOption(where, options.logger);
  return {
    app: options.app,
    workers: options.workers === undefined ? availableParallelism() : integerIn(where, 'workers', options.workers, 1, 1024),
    port: options.port === undefined ? 8000 : integerIn(where, 'port', options.port, 0, 65535),
    host,
    script: main,
    execArgv: execArgv ?? process.execArgv,
    startTimeout: options.startTimeout === undefined ? 30_000 : integerIn(where, 'startTimeout', options.startTimeout, 1, 600_000),
    drainTimeout: options.drainTimeout === undefined ? 10_000 : integerIn(where, 'drainTimeout', options.drainTimeout, 0, 600_000),
    logger,
  };
}

async function worker<A extends Servable>(o: Resolved<A>, index: number): Promise<ServeWorker<A>> {
  // The primary may be gone by the time this worker has something to say: never throw for that.
  const report = (message: WorkerMessage): void => {
    if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
  };
  // SIGTERM from the primary's close(), or the primary gone (its IPC channel closes): leave gracefully.
  // Installed before the app starts, so a worker orphaned while starting does not go on to listen.
  let app: A | null = null;
  let stopping = false;
  const stop = (code: 1001 | 1012): void => {
    if (stopping) return;
    stopping = true;
    // Not listening yet: nothing to close gracefully (exiting drops a half-open bus connection too).
    if (app === null) process.exit(0);
    else void app.close(code === 1012 ? { code, timeout: o.drainTimeout } : undefined).finally(() => process.exit(0));
  };
  const leave = (): void => stop(1001);
  process.once('SIGTERM', leave);
  process.once('SIGINT', leave);
  process.once('disconnect', leave);
  // A successor listens on the port: close with 1012 (Service Restart), so clients come back to it.
  process.on('message', (message: PrimaryMessage) => {
    if (message?.swb === 'retire') stop(1012);
  });
  // node:cluster (the primary forks with it) would exit this worker at once when the primary goes away:
  // marking the disconnect as expected leaves that to stop(), which closes the app gracefully first.
  if (cluster.worker !== undefined) cluster.worker.exitedAfterDisconnect = true;
  try {
    const built = await o.app();
    const { port } = await built[listenShared](Number(process.env[PORT_ENV] ?? o.port), o.host);
    app = built;
    report({ swb: 'listening' });
    return { role: 'worker', index, port, app: built };
  } catch (error) {
    report({ swb: 'failed', message: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/**
 * The port the workers will share: `port` once seen free (a taken one fails here, before anything is
 * forked), or a free one for port 0. Free when checked: a server that binds it before the workers do
 * makes them fail with SWB_ERR_PORT_IN_USE.
 */
async function portToShare(o: Resolved<Servable>): Promise<number> {
  const result = await tryBind(o.host, o.port);
  if ('port' in result) return result.port;
  if (result.code === 'EADDRINUSE') throw portInUse('serve()', o.host, o.port, 'serve');
  throw listenFailed('serve()', o.host, o.port, result.code);
}

async function primary(o: Resolved<Servable>): Promise<ServePrimary> {
  const port = await portToShare(o);
  const supervisor = new Supervisor({ ...o, env: (i) => ({ [WORKER_ENV]: String(i), [PORT_ENV]: String(port) }) });
  await supervisor.startAll();
  // SIGHUP is how a deploy script asks for a rolling restart (as nginx reloads); a failure is logged by the supervisor.
  const onHangup = (): void => void supervisor.restart().catch(() => undefined);
  process.on('SIGHUP', onHangup);
  return {
    role: 'primary',
    port,
    get pids() {
      return supervisor.pids;
    },
    get restarts() {
      return supervisor.replaced;
    },
    restart: () => supervisor.restart(),
    close: () => {
      process.off('SIGHUP', onHangup);
      return supervisor.close();
    },
  };
}
