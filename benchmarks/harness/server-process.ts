/**
 * Starting and stopping one server under test: pinned to CPU 0 with taskset, its fd limit raised,
 * in its own process group (so a stop kills everything it started), ready once it prints
 * `LISTENING <port>`. Every child is tracked and killed if the harness exits early.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface ServerCommand {
  /** argv; argv[0] is looked up on PATH unless absolute. */
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
}

export interface RunningServer {
  pid: number;
  port: number;
  /** Last lines the server wrote (stdout and stderr), for error messages. */
  log(): string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooked = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) killGroup(c, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      for (const c of live) killGroup(c, 'SIGKILL');
      process.exit(130);
    });
  }
}

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

export function pinningAvailable(): boolean {
  return hasTaskset;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Starts a server and resolves when it has printed its port; rejects (and kills it) otherwise. */
export function startServer(cmd: ServerCommand, cpu: number | null, timeoutMs: number): Promise<RunningServer> {
  hookExit();
  const pin = cpu !== null && hasTaskset ? `taskset -c ${cpu} ` : '';
  // `exec` all the way down, so the PID we hold is the server's own (for /proc/PID/stat and status).
  const script = `ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${pin}${cmd.argv.map(quote).join(' ')}`;
  const child = spawn('bash', ['-c', script], {
    cwd: cmd.cwd,
    env: { ...process.env, PORT: '0', ...cmd.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim() !== '') lines.push(l);
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  const log = (): string => lines.join('\n');
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (exited) return;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exitPromise;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`no "LISTENING <port>" line within ${timeoutMs} ms\n${log()}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      keep(chunk);
      buffered += chunk.toString('utf8');
      const m = /^LISTENING (\d+)\s*$/m.exec(buffered);
      if (m?.[1] !== undefined && child.pid !== undefined) {
        clearTimeout(timer);
        buffered = '';
        const port = Number(m[1]);
        const pid = child.pid;
        child.stdout.removeAllListeners('data');
        child.stdout.on('data', keep);
        resolve({ pid, port, log, stop });
      } else if (buffered.length > 65536) {
        buffered = buffered.slice(-4096);
      }
    });
    child.stderr.on('data', keep);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void exitPromise.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${String(child.exitCode)})\n${log()}`));
    });
  });
}

/** Kills every server still running (used on errors). */
export async function stopAll(): Promise<void> {
  for (const c of live) killGroup(c, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
}

/** Runs an entry point: exits with its code; on an error, prints it, kills every server and exits 1. */
export function exitWith(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    async (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      await stopAll();
      process.exit(1);
    },
  );
}
