/**
 * Connection rate: `parallel` clients, each in a loop: TCP connect, upgrade, the protocol's own
 * handshake (Socket.IO), then a close frame (not waited for). Latency is connect-to-ready.
 */
import { performance } from 'node:perf_hooks';
import { connect, upgradeRequest, type Conn, type Target } from './client';
import { Histogram } from './histogram';
import { measureWindows, sleep, type Sample } from './measure';

/** Closes still in progress are bounded, so a slow server cannot pile up sockets on our side. */
const MAX_CLOSING = 500;

export async function runConnect(target: Target, pid: number, parallel: number, warmupMs: number, windowMs: number, repetitions: number): Promise<Sample[]> {
  const request = upgradeRequest(target);
  const hist = new Histogram();
  let done = 0;
  let closing = 0;
  let running = true;
  let failure: Error | null = null;

  const loop = async (): Promise<void> => {
    while (running && failure === null) {
      const t0 = performance.now();
      let conn: Conn;
      try {
        conn = await connect(target, request, 5000);
      } catch (err) {
        failure ??= err instanceof Error ? err : new Error(String(err));
        return;
      }
      hist.record((performance.now() - t0) * 1000);
      done++;
      closing++;
      void conn.close(2000).then(() => closing--);
      while (closing > MAX_CLOSING && running) await sleep(1);
    }
  };
  const loops: Promise<void>[] = [];
  for (let i = 0; i < parallel; i++) loops.push(loop());
  const check = (): void => {
    if (failure !== null) throw failure;
  };
  try {
    return await measureWindows(pid, warmupMs, windowMs, repetitions, { ops: () => done, check, histogram: hist });
  } finally {
    running = false;
    await Promise.all(loops);
    const deadline = performance.now() + 3000;
    while (closing > 0 && performance.now() < deadline) await sleep(10);
  }
}
