/**
 * The test side of child/server.ts: spawns it (with a raised descriptor limit, and gc exposed so
 * memory figures are after a collection) and sends it requests, each awaited with a timeout; and of
 * child/flooder.ts, the fairness test's flooding client.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { within } from '../../helpers';
import type { FloodStats } from './flooder';
import type { LoopStats, PushResult, Request, Stats } from './server';

const root = join(__dirname, '..', '..', '..');

/** The test files the child processes run, besides lib/. */
const childFiles = [join(__dirname, 'server.ts'), join(__dirname, 'flooder.ts'), join(__dirname, '..', 'raw.ts'), join(root, 'test', 'helpers.ts')];

/** Where the transpiled `file` (a .ts path of the project) is in `dir`. */
function compiled(dir: string, file: string): string {
  return join(dir, relative(root, file)).replace(/\.ts$/, '.js');
}

/**
 * The server, the flooder and lib/ transpiled to JavaScript in a temporary directory, so the children do
 * not load the TypeScript compiler (some 100 MB that would blur the server's memory figures).
 */
function compileChildren(): string {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: object };
  const options = { ...ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, root).options, sourceMap: false };
  const dir = mkdtempSync(join(tmpdir(), 'swb-soak-'));
  const sources = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(folder, e.name)) : e.name.endsWith('.ts') ? [join(folder, e.name)] : [],
    );
  for (const file of [...sources(join(root, 'lib')), ...childFiles]) {
    const out = compiled(dir, file);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText);
  }
  return dir;
}

type Command = Request extends infer R ? (R extends { cmd: infer C } ? Omit<Extract<Request, { cmd: C }>, 'seq'> : never) : never;

export class ServerProcess {
  private seq = 0;
  private readonly waiting = new Map<number, (reply: unknown) => void>();
  readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly dir: string,
  ) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** Starts the server process; `env` adds variables (CLOSE_ON_LIMIT=1). */
  static async start(env: Record<string, string> = {}): Promise<ServerProcess> {
    const dir = compileChildren();
    const script = compiled(dir, join(__dirname, 'server.ts'));
    // `ulimit -n` applies to the shell and the node it execs; 20000 is this machine's hard limit.
    const child = spawn('bash', ['-c', `ulimit -n 20000 2>/dev/null || ulimit -n $(ulimit -Hn); exec "${process.execPath}" --expose-gc "${script}"`], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // The transpiled files resolve uWebSockets.js and reflect-metadata from the project's node_modules.
      env: { ...process.env, ...env, NODE_PATH: join(root, 'node_modules') },
    });
    const listening = new Promise<number>((resolve, reject) => {
      child.once('message', (m: { reply: { port: number } }) => resolve(m.reply.port));
      child.once('exit', (code) => reject(new Error(`The server process exited with ${code} before listening`)));
    });
    const server = new ServerProcess(child, await within(listening, 'the server process to listen', 30_000), dir);
    child.on('message', (m: { seq: number; reply: unknown }) => {
      server.waiting.get(m.seq)?.(m.reply);
      server.waiting.delete(m.seq);
    });
    return server;
  }

  private request<T>(command: Command, ms: number): Promise<T> {
    const seq = ++this.seq;
    const reply = new Promise<T>((resolve) => this.waiting.set(seq, resolve as (reply: unknown) => void));
    this.child.send({ ...command, seq });
    return within(reply, `the server's reply to ${command.cmd}`, ms);
  }

  stats(): Promise<Stats> {
    return this.request({ cmd: 'stats' }, 30_000);
  }

  push(bytes: number): Promise<PushResult> {
    return this.request({ cmd: 'push', bytes }, 120_000);
  }

  /** The server process's CPU time so far (process.cpuUsage(), microseconds). */
  cpu(): Promise<NodeJS.CpuUsage> {
    return this.request({ cmd: 'cpu' }, 30_000);
  }

  /** The server's event-loop delay since the last call (ms), and its CPU time so far. */
  loop(): Promise<LoopStats> {
    return this.request({ cmd: 'loop' }, 30_000);
  }

  /**
   * Starts child/flooder.ts against `path` of this server, at scheduling priority `nice` (0: as any
   * process; 19: the CPU left over, as if the flood came from another machine, docs/limits.md#fairness).
   * With `reads`, it reads what it gets (and so reconnects as soon as it is closed).
   */
  flood(path: string, nice: number, reads = false): Flooder {
    const child = fork(compiled(this.dir, join(__dirname, 'flooder.ts')), [String(this.port), path, reads ? 'reads' : 'never'], {
      execArgv: [],
      env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
    });
    if (nice !== 0) setPriority(child.pid!, nice);
    return new Flooder(child);
  }

  close(): Promise<Stats> {
    return this.request({ cmd: 'close' }, 30_000);
  }

  /** Ends the process (it is ours: started by start()) and removes its transpiled files. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await within(this.exited, 'the server process to exit', 10_000);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A running child/flooder.ts. */
export class Flooder {
  private readonly exited: Promise<unknown>;

  constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.on('exit', resolve));
  }

  /** What it has done so far. */
  stats(): Promise<FloodStats> {
    const reply = new Promise<FloodStats>((resolve) => this.child.once('message', (m: { reply: FloodStats }) => resolve(m.reply)));
    this.child.send({ seq: 1 });
    return within(reply, "the flooder's stats", 10_000);
  }

  /** Ends it (it is ours: started by ServerProcess.flood()). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await within(this.exited, 'the flooder to exit', 10_000);
    }
  }
}
