/**
 * A node in a process of its own, so that a test can SIGKILL it (a crash, not a goodbye): a fixture
 * run by node -r test/fixtures/register-ts.js that prints `LISTENING <port>` once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { within } from './helpers';

const ROOT = join(__dirname, '..');

/** Starts `fixture` (a path under test/fixtures) with `env` added, and waits for its port. */
export async function startChildNode(fixture: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/fixtures/register-ts.js'), join(ROOT, 'test/fixtures', fixture)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const port = await within(
    new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const m = /LISTENING (\d+)/.exec(output);
        if (m !== null) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`${fixture} exited (${String(code)}) before listening:\n${output}`)));
    }),
    `${fixture} to listen`,
    45_000,
  );
  return { child, port };
}

/** SIGKILLs a child by its PID and waits for it to exit. */
export function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGKILL');
  return within(exited, `node ${child.pid} to exit`, 15_000);
}
