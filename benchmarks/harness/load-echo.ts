/**
 * Echo load: `inFlight` messages outstanding on every connection; each reply is timed against its
 * request (replies come back in order per connection) and answered with a new request. Requests are
 * one pre-built masked frame, written n at a time as a view of a pre-built run of copies.
 */
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { closeAll, connectMany, type Conn, type Target } from './client';
import { buildClientFrame, repeatFrame } from './frames';
import { Histogram } from './histogram';
import { measureWindows, sleep, type Sample } from './measure';

export interface EchoLoad {
  connections: number;
  inFlight: number;
  request: string;
  /** One more connection floods: it writes `request` to `target` as fast as its socket takes it and never waits for a reply. */
  flood: { target: Target; request: string } | null;
}

/**
 * Starts the flooding connection in a process of its own (./flood-process.ts), at nice 19: from another
 * machine, as in production, the flood's CPU would not be the generator's or the server's. Resolves once it
 * floods (or was refused: the measurement goes on), with a function that ends it.
 */
async function flood(target: Target, request: string): Promise<() => Promise<void>> {
  const child = fork(join(__dirname, 'flood-process.js'), [JSON.stringify({ target, request })], { execArgv: [] });
  setPriority(child.pid!, 19);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([new Promise((resolve) => child.once('message', resolve)), exited, sleep(15000)]);
  return async () => {
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(5000)]);
  };
}

export async function runEcho(target: Target, pid: number, load: EchoLoad, warmupMs: number, windowMs: number, repetitions: number): Promise<Sample[]> {
  const conns = await connectMany(target, load.connections, 50, 10000);
  const K = load.inFlight;
  const frame = buildClientFrame(load.request);
  const flen = frame.length;
  const batch = repeatFrame(frame, K);
  const n = conns.length;
  const sent = new Float64Array(n * K); // per-connection ring of send times
  const head = new Int32Array(n);
  const outstanding = new Int32Array(n);
  const hist = new Histogram();
  let replies = 0;
  let running = true;
  let unexpected = '';

  const onReplies = (c: Conn, count: number): void => {
    const i = c.index;
    const base = i * K;
    const now = performance.now();
    if (count > (outstanding[i] ?? 0)) {
      unexpected ||= `connection ${i} got ${count} frames with ${outstanding[i]} requests outstanding (the server sent something besides replies)`;
      count = outstanding[i] ?? 0;
    }
    let h = head[i] ?? 0;
    for (let k = 0; k < count; k++) {
      hist.record((now - (sent[base + h] ?? now)) * 1000);
      h = h + 1 === K ? 0 : h + 1;
    }
    head[i] = h;
    let out = (outstanding[i] ?? 0) - count;
    replies += count;
    if (running && count > 0) {
      let t = (h + out) % K;
      for (let k = 0; k < count; k++) {
        sent[base + t] = now;
        t = t + 1 === K ? 0 : t + 1;
      }
      out += count;
      c.socket.write(count === K ? batch : batch.subarray(0, count * flen));
    }
    outstanding[i] = out;
  };

  const stopFlood = load.flood === null ? null : await flood(load.flood.target, load.flood.request);
  const start = performance.now();
  for (const c of conns) {
    c.onReplies = onReplies;
    sent.fill(start, c.index * K, c.index * K + K);
    outstanding[c.index] = K;
    c.socket.write(batch);
  }

  const check = (): void => {
    if (unexpected !== '') throw new Error(unexpected);
    const dead = conns.filter((c) => c.closed);
    if (dead.length > 0) throw new Error(`${dead.length} of ${n} connections closed during the run (${dead[0]?.closedBy ?? ''})`);
  };
  try {
    return await measureWindows(pid, warmupMs, windowMs, repetitions, { ops: () => replies, check, histogram: hist });
  } finally {
    running = false;
    const deadline = performance.now() + 2000;
    while (outstanding.some((o) => o > 0) && performance.now() < deadline && !conns.some((c) => c.closed)) await sleep(10);
    await closeAll(conns, 2000);
    await stopFlood?.();
  }
}
