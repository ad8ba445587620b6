/**
 * Idle memory: the server's VmRSS before any connection, after half the idle connections have opened
 * and settled, and after all of them. One sample per fresh server process (memory is not returned on close).
 * The average over all connections includes what the first ones cost once (V8's heap grows during the
 * burst of upgrades); the slope over the second half is the marginal cost, what each further one adds.
 */
import * as fs from 'node:fs';
import { connectMany, destroyAll, type Target } from './client';
import { sleep } from './measure';
import { rssBytes } from './proc';
import { summarize } from './stats';

export interface IdleSample {
  connections: number;
  baselineBytes: number;
  /** VmRSS with half the connections open. */
  halfBytes: number;
  loadedBytes: number;
  bytesPerConnection: number;
  /** (VmRSS with all − VmRSS with half) / the second half's connections (absent in results files before it was measured). */
  marginalBytesPerConnection?: number;
}

/** The median marginal cost over repetitions, as "1.23 KiB" (two decimals: the targets are that close), or "–". */
export function formatMarginal(samples: readonly IdleSample[] | undefined): string {
  const median = summarize((samples ?? []).map((s) => s.marginalBytesPerConnection ?? NaN)).median;
  return Number.isFinite(median) ? `${(median / 1024).toFixed(2)} KiB` : '–';
}

/** The soft limit on open files of this process (from /proc/self/limits). */
export function openFileLimit(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'latin1'));
    return m?.[1] !== undefined ? Number(m[1]) : 1024;
  } catch {
    return 1024;
  }
}

export async function runIdle(target: Target, pid: number, connections: number, settleMs: number): Promise<IdleSample> {
  await sleep(Math.min(500, settleMs));
  const baselineBytes = rssBytes(pid);
  const half = Math.floor(connections / 2);
  const conns = await connectMany(target, half, 100, 15000);
  try {
    await sleep(settleMs);
    const halfBytes = rssBytes(pid);
    conns.push(...(await connectMany(target, connections - half, 100, 15000)));
    await sleep(settleMs);
    const dead = conns.filter((c) => c.closed);
    if (dead.length > 0) throw new Error(`${dead.length} of ${connections} idle connections were closed (${dead[0]?.closedBy ?? ''})`);
    const loadedBytes = rssBytes(pid);
    if (![baselineBytes, halfBytes, loadedBytes].every(Number.isFinite)) throw new Error(`could not read VmRSS of PID ${pid}`);
    return {
      connections,
      baselineBytes,
      halfBytes,
      loadedBytes,
      bytesPerConnection: (loadedBytes - baselineBytes) / connections,
      marginalBytesPerConnection: (loadedBytes - halfBytes) / (connections - half),
    };
  } finally {
    destroyAll(conns);
  }
}
