/**
 * Fairness: one client flooding as fast as its socket allows must not starve the others. 100
 * well-behaved clients echo one message at a time; their p99 round trip beside a flood (to a sync
 * handler, then to an async one, whose messages queue) stays within 2× of their p99 without it.
 * The server runs in its own process (child/server.ts), as it would in production, and so does the flooder
 * (child/flooder.ts): written from this process, the flood held up the measuring clients' own event loop
 * for as long as the kernel took its writes (up to 500 ms at a time on a quiet machine, once the server
 * discarded what it read), and the test measured itself. Bounded: a few seconds a phase.
 * In the soak suite (one test file at a time) rather than `npm test`: it measures latency, which other
 * suites running beside it would move (and it floods the machine for theirs).
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { eventually, within } from '../../helpers';
import { ServerProcess } from '../child/control';
import { count, report } from '../scenarios';
import { HOST } from '../raw';

const CLIENTS = 100;
/** Milliseconds of flood per handler kind, in SLICES slices (and half as much quiet beside each). */
const PHASE_MS = count('FAIRNESS_PHASE_MS', 6000);
const SLICES = 6;
/**
 * The flooder's scheduling priority. On this test's machine the flood, the server and the 100 clients share
 * the same cores, so a flooder at the normal priority takes a core the server and the measuring clients need,
 * and the test measures the scheduler; from another machine, as in production, its CPU is not the server's.
 * At 19 it gets the CPU left over, and still writes faster than the server can take (the frames it wrote are
 * reported). FAIRNESS_FLOODER_NICE=0 measures the shared case.
 */
const NICE = Number(process.env.FAIRNESS_FLOODER_NICE ?? 19);
/** FAIRNESS_FLOODER_READS=1: the flooder reads, so it sees a close at once and comes straight back. */
const READS = process.env.FAIRNESS_FLOODER_READS === '1';

let server: ServerProcess;
/**
 * The defence is the rate limit: uWS reads up to 512 KiB of a socket per event-loop turn and hands over
 * every message in it (about 13,000 frames of 32 bytes, some 20 ms of handlers), and uWS.js cannot pause
 * a WebSocket's reads. Without a limit the others' p99 grows several times (docs/limits.md#fairness;
 * FAIRNESS_RATE_LIMIT=none measures it); with one the flooder is closed (1008) after 2 × burst messages,
 * and what it sends after that is discarded unparsed (uWS) or not read at all (the portable transport).
 */
const RATE_LIMIT = process.env.FAIRNESS_RATE_LIMIT ?? '1000/1000/20';
beforeAll(async () => (server = await ServerProcess.start({ RATE_LIMIT })), 40_000);
afterAll(() => server?.kill());

/**
 * The round trips of the measuring clients over several slices of one kind, and what the server's own
 * event loop did meanwhile: its longest turn and CPU time say whether a latency came from the server.
 */
class Slices {
  private readonly samples: number[] = [];
  private loopMax = 0;
  private cpuMs = 0;
  private ms = 0;

  async measure(clients: readonly WebSocket[], ms: number): Promise<void> {
    const before = await server.loop();
    this.samples.push(...(await echoRoundTrips(clients, ms)));
    const after = await server.loop();
    this.loopMax = Math.max(this.loopMax, after.max);
    this.cpuMs += (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
    this.ms += ms;
  }

  p99(): number {
    return p99(this.samples);
  }

  text(): string {
    return `p99 ${this.p99().toFixed(2)} ms (${this.samples.length} round trips; server: longest loop turn ${this.loopMax.toFixed(1)} ms, CPU ${((100 * this.cpuMs) / this.ms).toFixed(0)}%)`;
  }
}

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

test(`with a rate limit, ${CLIENTS} clients' p99 echo beside a flooding client stays within 2× of their p99 without it (sync and async handlers)`, async () => {
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
    const quiet = new Slices();
    const loud: Record<string, Slices> = { '/echo': new Slices(), '/echo-async': new Slices() };
    const flood = { frames: 0, upgrades: 0 };
    for (let slice = 0; slice < SLICES; slice++)
      for (const path of ['/echo', '/echo-async']) {
        await quiet.measure(clients, PHASE_MS / SLICES / 2);
        const flooder = server.flood(path, NICE, READS);
        try {
          await eventually(async () => (await flooder.stats()).upgrades > 0, `the flooder's upgrade of ${path}`, 10_000);
          await loud[path]!.measure(clients, PHASE_MS / SLICES);
          const done = await flooder.stats();
          flood.frames += done.frames;
          flood.upgrades += done.upgrades;
        } finally {
          await flooder.kill();
        }
      }
    const ratios = { sync: loud['/echo']!.p99() / quiet.p99(), async: loud['/echo-async']!.p99() / quiet.p99() };
    report(
      `fairness (rate limit ${RATE_LIMIT}, flooder nice ${NICE}${READS ? ', reading' : ''}): quiet ${quiet.text()}; ` +
        `beside a flood to /echo ${loud['/echo']!.text()} (${ratios.sync.toFixed(2)}×); ` +
        `to /echo-async ${loud['/echo-async']!.text()} (${ratios.async.toFixed(2)}×); ` +
        `the flooders wrote ${flood.frames} frames (${((flood.frames * 38) / PHASE_MS / 1000).toFixed(0)} MB/s) over ${flood.upgrades} upgrades`,
    );
    expect(ratios.sync).toBeLessThanOrEqual(2);
    expect(ratios.async).toBeLessThanOrEqual(2);
  } finally {
    for (const ws of clients) ws.terminate();
  }
}, 120_000);
