/**
 * Load scenarios shared by the fast suite (small counts, in `npm test`) and the soak suite (full counts
 * from the environment, `npm run test:soak`). Every loop is bounded in count, every wait in time.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Connector, OnClose, OnMessage, WebSocketRoute } from '../../lib';
import { delay, start, within } from '../helpers';
import { closePayload, frame, rawUpgrade, type RawSocket } from './raw';

const PING = 0x9;
const PONG = 0xa;
const CLOSE = 0x8;
const TEXT = 0x1;

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

/** Pings every socket, then sends it a text message; counts those that answered both (pong, then the echo). */
export async function pingAll(sockets: readonly RawSocket[], ms: number): Promise<number> {
  const answered = sockets.map(async (raw, i) => {
    raw.write(frame(PING, String(i)));
    const pong = await raw.next(ms);
    raw.write(frame(TEXT, `echo ${i}`));
    const echo = await raw.next(ms);
    return pong.opcode === PONG && pong.payload.toString() === String(i) && echo.opcode === TEXT && echo.payload.toString() === `echo ${i}` ? 1 : 0;
  });
  const results = await within(Promise.all(answered), `${sockets.length} pongs`, ms + 1000);
  return results.reduce<number>((a, b) => a + b, 0);
}

/** `clients` connections sending all the time, then app.close(): 1001 for all, @OnClose once each, nothing after. */
export async function closeUnderLoad(clients: number): Promise<void> {
  const closes = new Map<string, number>();
  const codesSeen = new Set<number>();
  let closeResolved = false;
  let lateHandlers = 0;
  @WebSocketRoute('/busy')
  class Busy {
    @OnMessage()
    async message(_ws: Connector, text: string) {
      if (closeResolved) lateHandlers++;
      await new Promise((resolve) => setImmediate(resolve));
      return text;
    }

    @OnClose()
    close(ws: Connector, code: number) {
      if (closeResolved) lateHandlers++;
      closes.set(ws.id, (closes.get(ws.id) ?? 0) + 1);
      codesSeen.add(code);
    }
  }
  const { app, url } = await start({ routes: [Busy] });
  const sockets: WebSocket[] = [];
  const codes: Promise<number>[] = [];
  await bounded(clients, 50, async () => {
    const ws = new WebSocket(url('/busy'));
    codes.push(new Promise((resolve) => ws.on('close', (code) => resolve(code))));
    ws.on('error', () => undefined);
    await within(new Promise((resolve) => ws.once('open', resolve)), 'a client to connect', 30_000);
    sockets.push(ws);
  });
  // Every client keeps sending while the app closes.
  let sending = true;
  const pump = (): void => {
    if (!sending) return;
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send('x');
    setImmediate(pump);
  };
  pump();
  await within(app.close({ timeout: 20_000 }), 'app.close()', 30_000);
  closeResolved = true;
  const received = await within(Promise.all(codes), 'every client to see its close', 30_000);
  sending = false;
  expect(received.filter((code) => code !== 1001)).toEqual([]);
  expect(closes.size).toBe(clients);
  expect([...closes.values()].every((n) => n === 1)).toBe(true);
  expect([...codesSeen]).toEqual([1001]);
  // A round trip of the event loop after close resolved: nothing ran since.
  await delay(20);
  expect(lateHandlers).toBe(0);
}
