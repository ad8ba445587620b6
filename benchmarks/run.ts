/**
 * `npm run bench` / `npm run bench:smoke`: every scenario on every server, the server pinned to
 * CPU 0 and this load generator to CPU 1. The full run writes benchmarks/results/<date>.json and
 * regenerates docs/benchmarks.md; a run with --scenarios or --servers writes its results to the temp
 * dir and leaves docs/ alone; the smoke run only checks that everything runs.
 *
 *   node dist/benchmarks/run.js [--smoke] [--scenarios=id,id] [--servers=name,name]
 *                               [--repetitions=N] [--window=ms] [--warmup=ms] [--no-docs]
 */
import { runScenario, CLIENT_CPU } from './harness/run-scenario';
import { formatMarginal, openFileLimit } from './harness/load-idle';
import { isPinnedChild, reexecPinned } from './harness/pin-self';
import { busyCheck } from './harness/proc';
import { exitWith, pinningAvailable, stopAll } from './harness/server-process';
import { formatBytes, formatMicros, formatRate } from './harness/stats';
import { writeReport } from './report';
import { describeMachine, summarizeSamples, unitOf, writeResults, type ResultsFile, type ScenarioResult, type ServerResult } from './results';
import { forSmoke, fullTiming, scenarios, smokeTiming, type Scenario, type Timing } from './scenarios';
import { servers } from './servers';

const SMOKE_DEADLINE_S = 150;

export interface Args {
  smoke: boolean;
  scenarios: string[] | null;
  servers: string[] | null;
  timing: Timing;
  docs: boolean;
}

export function parseArgs(argv: readonly string[]): Args {
  const smoke = argv.includes('--smoke');
  const timing = { ...(smoke ? smokeTiming : fullTiming) };
  const args: Args = { smoke, scenarios: null, servers: null, timing, docs: !smoke };
  for (const a of argv) {
    const [k, v = ''] = a.split('=', 2);
    if (k === '--scenarios') args.scenarios = v.split(',');
    else if (k === '--servers') args.servers = v.split(',');
    else if (k === '--repetitions') timing.repetitions = Math.max(1, Number(v));
    else if (k === '--window') timing.windowMs = Math.max(100, Number(v));
    else if (k === '--warmup') timing.warmupMs = Math.max(0, Number(v));
    else if (k === '--no-docs') args.docs = false;
    else if (k !== '--smoke') throw new Error(`unknown argument ${a}`);
  }
  return args;
}

/** An upper bound for one scenario on one server, after which it counts as failed. */
function budgetMs(s: Scenario, t: Timing, smoke: boolean): number {
  const base = t.warmupMs + t.windowMs * t.repetitions + (smoke ? 20000 : 60000);
  return s.kind === 'idle' ? t.repetitions * (t.settleMs + (smoke ? 20000 : 60000)) : base;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function describe(r: ServerResult, unit: string): string {
  const s = r.summary;
  if (s === undefined) return '';
  if (unit === 'bytes/conn') return `${formatBytes(s.value.median)}/conn, marginal ${formatMarginal(r.idle)}/conn`;
  const lat = Number.isFinite(s.p50Us.median) ? `  p50 ${formatMicros(s.p50Us.median)} p99 ${formatMicros(s.p99Us.median)}` : '';
  const wire =
    s.bytesPerOp !== undefined && Number.isFinite(s.bytesPerOp.median)
      ? `; per op ${s.bytesPerOp.median.toFixed(1)} B, ${s.readsPerOp?.median.toFixed(3)} reads, ${s.segmentsPerOp?.median.toFixed(3)} TCP segments`
      : '';
  return `${formatRate(s.value.median)} ${unit} (${formatRate(s.value.min)}–${formatRate(s.value.max)})${lat}  server ${s.serverCpuUsPerOp.median.toFixed(2)} µs CPU/op, ${(100 * s.serverCpuShare.median).toFixed(0)}% busy; generator ${(100 * s.clientCpuShare.median).toFixed(0)}% busy${wire}`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  if (args.smoke) {
    // CI runs the smoke test: whatever happens, it ends.
    setTimeout(() => {
      console.error(`smoke: still running after ${SMOKE_DEADLINE_S} s; giving up`);
      void stopAll().then(() => process.exit(1));
    }, SMOKE_DEADLINE_S * 1000).unref();
  }
  const picked = scenarios.filter((s) => args.scenarios === null || args.scenarios.includes(s.id)).map((s) => (args.smoke ? forSmoke(s) : s));
  const specs = servers.filter((s) => args.servers === null || args.servers.includes(s.name));
  if (picked.length === 0 || specs.length === 0) throw new Error('no scenario or no server selected');

  const fdLimit = openFileLimit();
  const pinned = pinningAvailable();
  const warnings: string[] = [];
  if (!pinned) warnings.push('taskset not found: server and load generator are not pinned to separate CPUs');
  const busy = await busyCheck(args.smoke ? 300 : 1000);
  warnings.push(...busy.warnings);
  for (const w of warnings) console.log(`WARNING: ${w}`);
  console.log(
    `${args.smoke ? 'smoke' : 'bench'}: ${picked.length} scenarios × ${specs.length} servers; windows of ${args.timing.windowMs} ms × ${args.timing.repetitions}`,
  );

  const skipped = new Map<string, string>();
  for (const spec of specs) {
    const why = spec.unavailable();
    if (why === null) continue;
    if (spec.required) throw new Error(`${spec.label} cannot run: ${why}`);
    skipped.set(spec.name, why);
    console.log(`SKIP ${spec.label}: ${why}`);
  }

  const results: ScenarioResult[] = [];
  let failures = 0;
  for (const scenario of picked) {
    let s = scenario;
    if (s.kind === 'idle' && s.connections + 200 > fdLimit) {
      const capped = Math.max(10, fdLimit - 200);
      warnings.push(`open-file limit ${fdLimit}: idle memory measured at ${capped} connections instead of ${s.connections}`);
      s = { ...s, connections: capped };
    }
    console.log(`\n== ${s.title}`);
    const row: ScenarioResult = {
      id: s.id,
      title: s.title,
      measures: s.measures,
      unit: unitOf(s),
      higherIsBetter: s.kind !== 'idle',
      scenario: s,
      servers: [],
    };
    for (const spec of specs) {
      const why = skipped.get(spec.name);
      if (why !== undefined) {
        row.servers.push({ server: spec.name, label: spec.label, status: 'skipped', reason: why, samples: [] });
        continue;
      }
      try {
        const run = await withTimeout(runScenario(spec, s, args.timing), budgetMs(s, args.timing, args.smoke), `${s.id} on ${spec.label}`);
        const r: ServerResult = {
          server: spec.name,
          label: spec.label,
          status: 'ok',
          samples: run.samples,
          idle: run.idle,
          summary: summarizeSamples(run.samples),
        };
        row.servers.push(r);
        console.log(`  ${spec.label.padEnd(22)} ${describe(r, row.unit)}`);
      } catch (err) {
        failures++;
        await stopAll();
        const reason = err instanceof Error ? err.message : String(err);
        row.servers.push({ server: spec.name, label: spec.label, status: 'failed', reason, samples: [] });
        console.log(`  ${spec.label.padEnd(22)} FAILED: ${reason}`);
      }
    }
    results.push(row);
  }

  const file: ResultsFile = {
    kind: args.smoke ? 'smoke' : 'bench',
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: describeMachine(specs, pinned, fdLimit),
    timing: args.timing,
    warnings,
    scenarios: results,
  };
  if (!args.smoke) {
    // Only a run of every scenario on every server is the day's result and the report's source.
    const partial = args.scenarios !== null || args.servers !== null;
    const out = writeResults(`${file.date.slice(0, 10)}.json`, file, partial);
    console.log(`\nresults: ${out}`);
    if (args.docs && !partial) for (const f of writeReport(file, out)) console.log(`wrote ${f}`);
  }
  const skippedNote = skipped.size > 0 ? `, ${skipped.size} servers skipped` : '';
  console.log(`\n${args.smoke ? 'smoke' : 'bench'}: ${failures === 0 ? 'all ran' : `${failures} failed`}${skippedNote} in ${file.durationSeconds} s`);
  return failures === 0 ? 0 : 1;
}

if (require.main === module) {
  if (!isPinnedChild()) {
    reexecPinned(CLIENT_CPU);
  } else {
    exitWith(main);
  }
}
