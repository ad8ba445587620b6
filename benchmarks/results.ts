/** The shape of benchmarks/results/<date>.json, how samples are summarized into it, and where it is written. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { IdleSample } from './harness/load-idle';
import type { Sample } from './harness/measure';
import { cpuModel } from './harness/proc';
import { summarize, type Summary } from './harness/stats';
import type { Scenario, Timing } from './scenarios';
import { ROOT, type ServerSpec } from './servers';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  gitRevision: string;
  pinned: boolean;
  openFileLimit: number;
  versions: Record<string, string>;
}

export interface ServerResult {
  server: string;
  label: string;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  samples: Sample[];
  idle?: IdleSample[];
  summary?: {
    value: Summary;
    serverCpuUsPerOp: Summary;
    serverCpuShare: Summary;
    clientCpuShare: Summary;
    p50Us: Summary;
    p99Us: Summary;
    /** Absent in results written before the wire was measured. */
    bytesPerOp?: Summary;
    readsPerOp?: Summary;
    segmentsPerOp?: Summary;
  };
}

export interface ScenarioResult {
  id: string;
  title: string;
  measures: string;
  unit: string;
  /** For idle memory lower is better; for everything else higher is. */
  higherIsBetter: boolean;
  scenario: Scenario;
  servers: ServerResult[];
}

export interface ResultsFile {
  kind: 'bench' | 'smoke';
  date: string;
  durationSeconds: number;
  machine: Machine;
  timing: Timing;
  warnings: string[];
  scenarios: ScenarioResult[];
}

export function unitOf(s: Scenario): string {
  switch (s.kind) {
    case 'echo':
      return 'msg/s';
    case 'broadcast':
      return 'deliveries/s';
    case 'connect':
      return 'upgrades/s';
    case 'idle':
      return 'bytes/conn';
  }
}

export function summarizeSamples(samples: readonly Sample[]): NonNullable<ServerResult['summary']> {
  const of = (f: (s: Sample) => number): Summary => summarize(samples.map(f));
  return {
    value: of((s) => s.value),
    serverCpuUsPerOp: of((s) => s.serverCpuUsPerOp),
    serverCpuShare: of((s) => s.serverCpuShare),
    clientCpuShare: of((s) => s.clientCpuShare),
    p50Us: of((s) => s.p50Us),
    p99Us: of((s) => s.p99Us),
    bytesPerOp: of((s) => s.bytesPerOp),
    readsPerOp: of((s) => s.readsPerOp),
    segmentsPerOp: of((s) => s.segmentsPerOp),
  };
}

function git(args: string[]): string {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

export function describeMachine(specs: readonly ServerSpec[], pinned: boolean, openFileLimit: number): Machine {
  const versions: Record<string, string> = {};
  for (const s of specs) Object.assign(versions, s.versions());
  const rev = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'lib', 'benchmarks']) !== '';
  return {
    nproc: os.cpus().length,
    cpuModel: cpuModel(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    gitRevision: rev === '' ? 'unknown' : `${rev}${dirty ? '+dirty' : ''}`,
    pinned,
    openFileLimit,
    versions,
  };
}

/** What `npm run bench:instructions` writes: benchmarks/results/instructions-<date>.json. */
export interface InstructionsFile {
  date: string;
  gitRevision: string;
  node: string;
  messages: number;
  /** case id → server name → instructions per message (per delivery for broadcast). */
  results: Record<string, Record<string, number>>;
  titles: Record<string, string>;
}

/** One scenario of `npm run bench:fanout`. */
export interface FanoutRow {
  id: string;
  title: string;
  bus: string;
  workers: number;
  receivers: number;
  deliveriesPerSecond: { median: number; min: number; max: number };
  serverCpuUsPerDelivery: number;
  /** CPU of every worker, the primary and redis-server, per publish (per delivery × recipients). */
  serverCpuUsPerPublish: number;
  serverCpuShare: number;
  p50Us: number;
  p99Us: number;
}

/** benchmarks/results/fanout-<date>.json */
export interface FanoutFile {
  kind: 'fanout';
  date: string;
  cpus: number;
  cpu: string;
  timing: Timing;
  warnings: string[];
  rows: FanoutRow[];
}

/** What `npm run bench:client-size` writes: benchmarks/results/client-size-<date>.json. */
export interface ClientSizeFile {
  date: string;
  gitRevision: string;
  /** The esbuild version that minified it. */
  esbuild: string;
  minifiedBytes: number;
  /** gzip level 9 of the minified module. */
  gzipBytes: number;
  budgetBytes: number;
}

/**
 * Writes a results file and returns its path, relative to the repository when it is there. A complete run
 * is the day's result (benchmarks/results/<name>, which the report reads); a partial one, typically an
 * experiment, goes to a fresh temp dir so that it never replaces a complete run.
 */
export function writeResults(name: string, data: unknown, partial: boolean): string {
  const dir = partial ? fs.mkdtempSync(path.join(os.tmpdir(), 'swb-bench-')) : path.join(ROOT, 'benchmarks', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, name);
  fs.writeFileSync(out, `${JSON.stringify(data, null, 2)}\n`);
  return partial ? out : path.relative(ROOT, out);
}
