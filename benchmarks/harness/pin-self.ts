/**
 * Re-runs this process pinned to the load generator's CPU with a raised open-file limit (idle
 * memory needs 10,000 sockets), unless it already is. Returns true when the caller is the child.
 */
import { spawn } from 'node:child_process';
import { pinningAvailable } from './server-process';

const FLAG = 'SWB_BENCH_PINNED';

export function isPinnedChild(): boolean {
  return process.env[FLAG] === '1';
}

/** Spawns the pinned child and exits with its status. */
export function reexecPinned(cpu: number): void {
  const pin = pinningAvailable() ? `taskset -c ${cpu} ` : '';
  const script = `ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${pin}"$0" "$@"`;
  const child = spawn('bash', ['-c', script, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [FLAG]: '1' },
  });
  const forward = (sig: NodeJS.Signals): void => {
    child.kill(sig);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal !== null ? 1 : 0)));
}
