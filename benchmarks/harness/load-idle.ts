/**
 * Idle memory: the server's VmRSS before any connection and after `connections` idle ones have
 * opened and settled. One sample per fresh server process (memory is not returned on close).
 */
import * as fs from 'node:fs';
import { connectMany, destroyAll, type Target } from './client';
import { sleep } from './measure';
import { rssBytes } from './proc';

export interface IdleSample {
  connections: number;
  baselineBytes: number;
  loadedBytes: number;
  bytesPerConnection: number;
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
  const conns = await connectMany(target, connections, 100, 15000);
  try {
    await sleep(settleMs);
    const dead = conns.filter((c) => c.closed);
    if (dead.length > 0) throw new Error(`${dead.length} of ${connections} idle connections were closed (${dead[0]?.closedBy ?? ''})`);
    const loadedBytes = rssBytes(pid);
    if (!Number.isFinite(loadedBytes) || !Number.isFinite(baselineBytes)) throw new Error(`could not read VmRSS of PID ${pid}`);
    return { connections, baselineBytes, loadedBytes, bytesPerConnection: (loadedBytes - baselineBytes) / connections };
  } finally {
    destroyAll(conns);
  }
}
