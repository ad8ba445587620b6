/**
 * The test side of child/server.ts: spawns it (with a raised descriptor limit, and gc exposed so
 * memory figures are after a collection) and sends it requests, each awaited with a timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { within } from '../../helpers';
import type { PushResult, Request, Stats } from './server';

const root = join(__dirname, '..', '..', '..');

/**
 * The server and lib/ transpiled to JavaScript in a temporary directory, so the child does not load the
 * TypeScript compiler (some 100 MB that would blur its memory figures).
 */
function compileServer(): { dir: string; script: string } {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: object };
  const options = { ...ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, root).options, sourceMap: false };
  const dir = mkdtempSync(join(tmpdir(), 'swb-soak-'));
  const sources = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(folder, e.name)) : e.name.endsWith('.ts') ? [join(folder, e.name)] : [],
    );
  for (const file of [...sources(join(root, 'lib')), join(__dirname, 'server.ts')]) {
    const out = join(dir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText);
  }
  return { dir, script: join(dir, relative(root, join(__dirname, 'server.js'))) };
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
    const { dir, script } = compileServer();
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
