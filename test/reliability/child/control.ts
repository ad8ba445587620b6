/**
 * The test side of child/server.ts: spawns it (with a raised descriptor limit, and gc exposed so
 * memory figures are after a collection) and sends it requests, each awaited with a timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { within } from '../../helpers';
import type { PushResult, Request, Stats } from './server';

type Command = Request extends infer R ? (R extends { cmd: infer C } ? Omit<Extract<Request, { cmd: C }>, 'seq'> : never) : never;

export class ServerProcess {
  private seq = 0;
  private readonly waiting = new Map<number, (reply: unknown) => void>();
  readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** Starts the server process; `env` adds variables (CLOSE_ON_LIMIT=1). */
  static async start(env: Record<string, string> = {}): Promise<ServerProcess> {
    const script = join(__dirname, 'server.ts');
    const register = join(__dirname, 'register.js');
    // `ulimit -n` applies to the shell and the node it execs; 20000 is this machine's hard limit.
    const child = spawn(
      'bash',
      ['-c', `ulimit -n 20000 2>/dev/null || ulimit -n $(ulimit -Hn); exec "${process.execPath}" --expose-gc -r "${register}" "${script}"`],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, ...env },
      },
    );
    const listening = new Promise<number>((resolve, reject) => {
      child.once('message', (m: { reply: { port: number } }) => resolve(m.reply.port));
      child.once('exit', (code) => reject(new Error(`The server process exited with ${code} before listening`)));
    });
    const server = new ServerProcess(child, await within(listening, 'the server process to listen', 30_000));
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

  close(): Promise<Stats> {
    return this.request({ cmd: 'close' }, 30_000);
  }

  /** Ends the process (it is ours: started by start()). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await within(this.exited, 'the server process to exit', 10_000);
    }
  }
}
