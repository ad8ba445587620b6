/**
 * Load scenarios shared by the fast suite (small counts, in `npm test`) and the soak suite (full counts
 * from the environment, `npm run test:soak`). Every loop is bounded in count, every wait in time.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { within } from '../helpers';
import { closePayload, frame, rawUpgrade, type RawSocket } from './raw';

const PING = 0x9;
const PONG = 0xa;
const CLOSE = 0x8;

/** A count from the environment, or the default. */
export function count(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return n;
}

/** Prints a measured figure and appends it to test-artifacts/soak-figures.txt. */
export function report(line: string): void {
  const dir = join(__dirname, '..', '..', 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, 'soak-figures.txt'), `${new Date().toISOString()} ${line}\n`);
  process.stdout.write(`[figure] ${line}\n`);
}

export const MiB = 1024 * 1024;

/** Runs `task` for 0…n-1 with at most `concurrency` in flight. */
export async function bounded(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/** One connect → close handshake → TCP end cycle. */
export async function cycle(port: number, path: string): Promise<void> {
  const raw = await rawUpgrade(port, path);
  raw.write(frame(CLOSE, closePayload(1000)));
  await raw.end(30_000);
}

/** `n` upgraded raw connections, opened `concurrency` at a time. */
export async function openIdle(port: number, path: string, n: number, concurrency = 100): Promise<RawSocket[]> {
  const sockets: RawSocket[] = [];
  await bounded(n, concurrency, async () => {
    sockets.push(await rawUpgrade(port, path));
  });
  return sockets;
}

/** Pings every socket and awaits every pong; returns how many answered. */
export async function pingAll(sockets: readonly RawSocket[], ms: number): Promise<number> {
  const answered = sockets.map(async (raw, i) => {
    raw.write(frame(PING, String(i)));
    const f = await raw.next(ms);
    return f.opcode === PONG && f.payload.toString() === String(i) ? 1 : 0;
  });
  const results = await within(Promise.all(answered), `${sockets.length} pongs`, ms + 1000);
  return results.reduce<number>((a, b) => a + b, 0);
}
