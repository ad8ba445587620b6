/**
 * Measured windows: after a warm-up, each repetition reads the operation counter, the server's CPU
 * time (/proc/PID/stat) and our own, waits, and reads them again. Traffic keeps flowing between
 * windows, so every window sees the same steady state.
 */
import { performance } from 'node:perf_hooks';
import type { Histogram } from './histogram';
import { wireCounters } from './client';
import { cpuSeconds, tcpOutSegments } from './proc';

export interface Sample {
  /** The scenario's number: operations per second, or bytes per connection for idle memory. */
  value: number;
  ops: number;
  seconds: number;
  /** Server CPU time (user + system, all threads) per operation, in microseconds. */
  serverCpuUsPerOp: number;
  /** Server CPU time / wall time: near 1.0 means the server (pinned to one core) was the bottleneck. */
  serverCpuShare: number;
  /** Load generator CPU time / wall time: near 1.0 means the generator may have been the bottleneck. */
  clientCpuShare: number;
  /** Latency percentiles in microseconds (NaN where not measured). */
  p50Us: number;
  p99Us: number;
  /** Bytes, reads and TCP segments (machine-wide, both directions) per operation; NaN where not measured. */
  bytesPerOp: number;
  readsPerOp: number;
  segmentsPerOp: number;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface Probe {
  /** Completed operations so far. */
  ops(): number;
  /** Throws if the run went wrong (connections closed, unexpected frames, a stall). */
  check(): void;
  histogram: Histogram | null;
}

/**
 * `server` is the server's PID, or a function returning the CPU seconds of all its processes (a
 * cluster of workers and Redis).
 */
export async function measureWindows(
  server: number | (() => number),
  warmupMs: number,
  windowMs: number,
  repetitions: number,
  probe: Probe,
): Promise<Sample[]> {
  const serverCpu = typeof server === 'number' ? () => cpuSeconds(server) : server;
  await sleep(warmupMs);
  probe.check();
  const samples: Sample[] = [];
  for (let r = 0; r < repetitions; r++) {
    probe.histogram?.reset();
    const ops0 = probe.ops();
    const bytes0 = wireCounters.bytes;
    const reads0 = wireCounters.reads;
    const segments0 = tcpOutSegments();
    const cpu0 = serverCpu();
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(windowMs);
    const ops1 = probe.ops();
    const t1 = performance.now();
    const cpu1 = serverCpu();
    const segments = tcpOutSegments() - segments0;
    const own = process.cpuUsage(own0);
    probe.check();
    const ops = ops1 - ops0;
    const seconds = (t1 - t0) / 1000;
    if (ops <= 0) throw new Error(`zero operations completed in a ${windowMs} ms window`);
    const h = probe.histogram;
    samples.push({
      value: ops / seconds,
      ops,
      seconds,
      serverCpuUsPerOp: ((cpu1 - cpu0) * 1e6) / ops,
      serverCpuShare: (cpu1 - cpu0) / seconds,
      clientCpuShare: (own.user + own.system) / 1e6 / seconds,
      p50Us: h !== null ? h.quantile(0.5) : NaN,
      p99Us: h !== null ? h.quantile(0.99) : NaN,
      bytesPerOp: (wireCounters.bytes - bytes0) / ops,
      readsPerOp: (wireCounters.reads - reads0) / ops,
      segmentsPerOp: segments / ops,
    });
  }
  return samples;
}
