/** What /proc says about a process and about the machine (Linux only). */
import * as fs from 'node:fs';
import * as os from 'node:os';

/** Clock ticks per second of utime/stime in /proc/PID/stat (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

/** User + system CPU seconds used so far by `pid` (all its threads), or NaN if unreadable. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may contain spaces; fields after it are plain numbers.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so utime (field 14) is fields[11] and stime (15) fields[12].
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Resident set size of `pid` in bytes (VmRSS), or NaN if unreadable. */
export function rssBytes(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m?.[1] !== undefined ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * TCP segments sent by this machine so far (OutSegs of /proc/net/snmp), or NaN. On loopback both
 * directions count, so it is only comparable between servers under the same load.
 */
export function tcpOutSegments(): number {
  try {
    const lines = fs
      .readFileSync('/proc/net/snmp', 'latin1')
      .split('\n')
      .filter((l) => l.startsWith('Tcp:'));
    const names = (lines[0] ?? '').split(/\s+/);
    const values = (lines[1] ?? '').split(/\s+/);
    const i = names.indexOf('OutSegs');
    return i < 0 ? NaN : Number(values[i]);
  } catch {
    return NaN;
  }
}

function idleAndTotal(): [number, number] {
  try {
    const line = fs.readFileSync('/proc/stat', 'latin1').split('\n')[0] ?? '';
    const n = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (n[3] ?? 0) + (n[4] ?? 0);
    return [idle, n.reduce((a, b) => a + b, 0)];
  } catch {
    return [NaN, NaN];
  }
}

/**
 * Samples the machine for `ms` before a run: the share of CPU time that was idle, and the 1-minute
 * load average. Returns warnings when something else seems to be running.
 */
export async function busyCheck(ms = 1000): Promise<{ idlePercent: number; loadavg1: number; warnings: string[] }> {
  const [i0, t0] = idleAndTotal();
  await new Promise((r) => setTimeout(r, ms));
  const [i1, t1] = idleAndTotal();
  const idlePercent = t1 > t0 ? (100 * (i1 - i0)) / (t1 - t0) : NaN;
  const loadavg1 = os.loadavg()[0] ?? NaN;
  const warnings: string[] = [];
  if (idlePercent < 90) warnings.push(`machine busy before the run: only ${idlePercent.toFixed(0)}% of CPU time idle over ${ms} ms`);
  if (loadavg1 > 0.5 * os.cpus().length) warnings.push(`machine busy before the run: 1-minute load average ${loadavg1.toFixed(2)} on ${os.cpus().length} CPUs`);
  return { idlePercent, loadavg1, warnings };
}

export function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'latin1'));
    return m?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}
