/**
 * Fairness: one client flooding as fast as its socket allows must not starve the others. 100
 * well-behaved clients echo one message at a time; their p99 round trip beside a flood (to a sync
 * handler, then to an async one, whose messages queue) stays within 2× of their p99 without it.
 * The server runs in its own process (child/server.ts), as it would in production: the flood and
 * the clients are the test process's, the server's event loop is its own. Bounded: a few seconds a phase.
 * In the soak suite (one test file at a time) rather than `npm test`: it measures latency, which other
 * suites running beside it would move (and it floods the machine for theirs).
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { within } from '../../helpers';
import { ServerProcess } from '../child/control';
import { count, report } from '../scenarios';
import { frame, HOST, wsKey } from '../raw';

const CLIENTS = 100;
/** Milliseconds of flood per handler kind, in SLICES slices (and half as much quiet beside each). */
const PHASE_MS = count('FAIRNESS_PHASE_MS', 6000);
const SLICES = 6;
const TEXT = 0x1;

let server: ServerProcess;
/**
 * The defence is the rate limit: uWS reads up to 512 KiB of a socket per event-loop turn and hands over
 * every message in it (about 13,000 frames of 32 bytes, some 20 ms of handlers), and uWS.js cannot pause
 * a WebSocket's reads. Without a limit the others' p99 grows several times (docs/limits.md#fairness;
 * FAIRNESS_RATE_LIMIT=none measures it); with one the flooder is closed (1008) after 2 × burst messages and
 * the rest of what it had sent is discarded. A small burst keeps what each of its reconnects costs small.
 */
const RATE_LIMIT = process.env.FAIRNESS_RATE_LIMIT ?? '1000/1000/20';
beforeAll(async () => (server = await ServerProcess.start({ RATE_LIMIT })), 40_000);
afterAll(() => server?.kill());

/** The p99 of `samples` (ms). */
function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
}

/** The well-behaved clients: each sends one 32-byte message, waits for its echo, sends the next, for `ms`. Round trips in ms. */
async function echoRoundTrips(clients: readonly WebSocket[], ms: number): Promise<number[]> {
  const samples: number[] = [];
  const end = performance.now() + ms;
  const message = 'x'.repeat(32);
  await Promise.all(
    clients.map(
      (ws) =>
        new Promise<void>((resolve) => {
          let sentAt = 0;
          const next = (): void => {
            if (performance.now() >= end) {
              ws.off('message', onMessage);
              return resolve();
            }
            sentAt = performance.now();
            ws.send(message);
          };
          const onMessage = (): void => {
            samples.push(performance.now() - sentAt);
            next();
          };
          ws.on('message', onMessage);
          next();
        }),
    ),
  );
  return samples;
}

/**
 * A client that floods `path` with 32-byte text frames as fast as its socket drains, 1,024 per write,
 * and never reads what comes back. Reconnects if the server closes it (as an abusive client would). Stop it with the returned function.
 */
async function flood(path: string): Promise<{ stop: () => void; sent: () => number }> {
  const batch = Buffer.concat(Array.from({ length: 1024 }, () => frame(TEXT, 'y'.repeat(32))));
  let running = true;
  let sent = 0;
  let socket: Socket | null = null;
  const start = (): Promise<void> =>
    within(
      new Promise<void>((resolve, reject) => {
        const s = tcpConnect({ host: HOST, port: server.port }, () =>
          s.write(
            `GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${wsKey()}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          ),
        );
        socket = s;
        let upgraded = false;
        s.on('data', (chunk: Buffer) => {
          if (upgraded) return;
          if (!chunk.toString('latin1').startsWith('HTTP/1.1 101')) return reject(new Error(`flood upgrade refused: ${chunk.toString('latin1', 0, 40)}`));
          upgraded = true;
          // It never reads again: what the server sends it waits in the kernel, and costs this process nothing.
          s.pause();
          const pump = (): void => {
            while (running && !s.destroyed) {
              sent += 1024;
              if (!s.write(batch)) return;
            }
          };
          s.on('drain', pump);
          pump();
          resolve();
        });
        s.on('error', () => undefined);
        s.on('close', () => void (running && start().catch(() => undefined)));
      }),
      `the flooding client's upgrade of ${path}`,
    );
  await start();
  return {
    stop: () => {
      running = false;
      socket?.destroy();
    },
    sent: () => sent,
  };
}

// KNOWN FAILING (docs/limits.md#fairness). On a quiet machine (2026-12-07: quiet p99 about 4 ms) the flooded
// p99 is 510–840 ms, 120–200×, with the rate limit on; the 1.5–2× measured first was taken while other work
// loaded the machine and slowed the flooder. test.failing keeps the measurement in the suite and turns red the
// day the bound holds, so that this marker is removed then.
test.failing(
  `with a rate limit, ${CLIENTS} clients' p99 echo beside a flooding client stays within 2× of their p99 without it (sync and async handlers)`,
  async () => {
    const url = `ws://${HOST}:${server.port}/echo`;
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, () =>
        within(
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(url);
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          }),
          'a client to connect',
          10_000,
        ),
      ),
    );
    try {
      await echoRoundTrips(clients, 500); // warm-up: the server's JIT, the clients' buffers
      // Quiet and flooded slices alternate, so that load from elsewhere on the machine (it is shared) weighs
      // on both alike; each p99 is over all slices of its kind.
      const quietSamples: number[] = [];
      const loud: Record<string, number[]> = { '/echo': [], '/echo-async': [] };
      let flooded = 0;
      for (let slice = 0; slice < SLICES; slice++)
        for (const path of ['/echo', '/echo-async']) {
          quietSamples.push(...(await echoRoundTrips(clients, PHASE_MS / SLICES / 2)));
          const flooder = await flood(path);
          loud[path]!.push(...(await echoRoundTrips(clients, PHASE_MS / SLICES)));
          flooder.stop();
          flooded += flooder.sent();
        }
      const quiet = p99(quietSamples);
      const ratios = { sync: p99(loud['/echo']!) / quiet, async: p99(loud['/echo-async']!) / quiet };
      report(
        `fairness (rate limit ${RATE_LIMIT}): quiet p99 ${quiet.toFixed(2)} ms (${quietSamples.length} round trips); ` +
          `beside a flood to /echo p99 ${p99(loud['/echo']!).toFixed(2)} ms (${ratios.sync.toFixed(2)}×, ${loud['/echo']!.length}); ` +
          `to /echo-async ${p99(loud['/echo-async']!).toFixed(2)} ms (${ratios.async.toFixed(2)}×, ${loud['/echo-async']!.length}); ${flooded} frames written by the flooders`,
      );
      expect(ratios.sync).toBeLessThanOrEqual(2);
      expect(ratios.async).toBeLessThanOrEqual(2);
    } finally {
      for (const ws of clients) ws.terminate();
    }
  },
  120_000,
);
