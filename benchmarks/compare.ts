/**
 * `npm run bench:compare <git-ref>`: the switchboard scenarios on the current tree (A) and on
 * <git-ref> (B), checked out into a temporary git worktree with its own `npm ci`. Runs alternate
 * A, B and a second A (same-vs-same, to show the noise) with a fresh server each time, rotating
 * the order every round. Prints a table and writes benchmarks/results/compare-<date>.json.
 *
 *   node dist/benchmarks/compare.js <git-ref> [--scenarios=id,id] [--repetitions=N] [--window=ms] [--warmup=ms] [--quick]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLIENT_CPU, runScenario } from './harness/run-scenario';
import { isPinnedChild, reexecPinned } from './harness/pin-self';
import { busyCheck } from './harness/proc';
import { exitWith, pinningAvailable, stopAll } from './harness/server-process';
import { summarize } from './harness/stats';
import { openFileLimit } from './harness/load-idle';
import type { Sample } from './harness/measure';
import { describeMachine, unitOf } from './results';
import { forSmoke, scenarios, type Scenario, type Timing } from './scenarios';
import { ROOT, switchboardServer, type ServerSpec } from './servers';

function sh(cmd: string, args: string[], cwd: string, what: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${what} failed (${cmd} ${args.join(' ')}):\n${(r.stderr || r.stdout).slice(-4000)}`);
  return r.stdout.trim();
}

/** Checks `ref` out into a temp worktree, installs it, and compiles the current switchboard server against its lib. */
function prepareRef(ref: string): { dir: string; sha: string; script: string } {
  const sha = sh('git', ['rev-parse', '--verify', `${ref}^{commit}`], ROOT, `resolving ${ref}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swb-compare-'));
  sh('git', ['worktree', 'add', '--detach', dir, sha], ROOT, 'git worktree add');
  // From here on, never leave the worktree behind (the signal handlers exit the process too).
  process.on('exit', () => removeWorktree(dir));
  console.log(`B = ${ref} (${sha.slice(0, 10)}) in ${dir}`);
  try {
    console.log('B: npm ci …');
    sh('npm', ['ci', '--no-audit', '--no-fund'], dir, 'npm ci in the worktree');
  } catch (err) {
    // An old ref's lockfile may be out of step with its package.json; fall back to a plain install.
    console.log(
      `B: npm ci failed (${(err instanceof Error ? err.message : String(err)).split('\n').find((l) => /npm error [`A-Za-z]/.test(l) && !/npm error code/.test(l)) ?? ''}); trying npm install …`,
    );
    sh('npm', ['install', '--no-audit', '--no-fund'], dir, 'npm install in the worktree');
  }
  const src = path.join(dir, 'benchmarks', 'servers', 'switchboard.ts');
  fs.mkdirSync(path.dirname(src), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'benchmarks', 'servers', 'switchboard.ts'), src);
  console.log('B: compiling lib and the switchboard server …');
  return { dir, sha, script: compileSwitchboard(dir, path.join(dir, '.bench-dist')) };
}

/**
 * Compiles `tree`'s lib and the switchboard server with one fixed set of options, the same for A
 * and B, so only lib/ differs between the arms. `out` must sit inside `tree` (module resolution
 * walks up from the output to tree/node_modules).
 */
function compileSwitchboard(tree: string, out: string): string {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const flags = ['--module', 'commonjs', '--target', 'ES2022', '--moduleResolution', 'node10', '--experimentalDecorators', '--emitDecoratorMetadata'];
  flags.push('--esModuleInterop', '--skipLibCheck', '--types', 'node', '--ignoreDeprecations', '6.0', '--ignoreConfig');
  const src = path.join(tree, 'benchmarks', 'servers', 'switchboard.ts');
  sh(process.execPath, [tsc, '--rootDir', tree, '--outDir', out, ...flags, src], tree, `compiling ${tree}`);
  return path.join(out, 'benchmarks', 'servers', 'switchboard.js');
}

function removeWorktree(dir: string): void {
  spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: ROOT, stdio: 'ignore' });
  fs.rmSync(dir, { recursive: true, force: true });
  spawnSync('git', ['worktree', 'prune'], { cwd: ROOT, stdio: 'ignore' });
}

function pct(x: number): string {
  if (!Number.isFinite(x)) return '–';
  return `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const ref = argv.find((a) => !a.startsWith('--'));
  if (ref === undefined) throw new Error('usage: npm run bench:compare <git-ref> [--scenarios=id,id] [--repetitions=N] [--window=ms] [--quick]');
  const quick = argv.includes('--quick');
  const timing: Timing = quick
    ? { warmupMs: 300, windowMs: 1000, repetitions: 2, settleMs: 300 }
    : { warmupMs: 2000, windowMs: 3000, repetitions: 5, settleMs: 2000 };
  let only: string[] | null = null;
  for (const a of argv) {
    const [k, v = ''] = a.split('=', 2);
    if (k === '--scenarios') only = v.split(',');
    else if (k === '--repetitions') timing.repetitions = Math.max(1, Number(v));
    else if (k === '--window') timing.windowMs = Math.max(100, Number(v));
    else if (k === '--warmup') timing.warmupMs = Math.max(0, Number(v));
  }
  const picked = scenarios.filter((s) => only === null || only.includes(s.id)).map((s) => (quick ? forSmoke(s) : s));
  if (picked.length === 0) throw new Error('no scenario selected');

  // dist/ is git-ignored and inside the tree, so the compiled lib still finds node_modules.
  console.log('A: compiling lib and the switchboard server …');
  const current = switchboardServer('switchboard', 'switchboard (current tree)', compileSwitchboard(ROOT, path.join(ROOT, 'dist', '.compare')));

  const busy = await busyCheck(1000);
  for (const w of busy.warnings) console.log(`WARNING: ${w}`);
  const prepared = prepareRef(ref);
  const arms: { key: string; label: string; spec: ServerSpec }[] = [
    { key: 'A', label: 'current tree', spec: current },
    { key: 'B', label: `${ref}`, spec: switchboardServer('switchboard-ref', `switchboard @ ${ref}`, prepared.script) },
    { key: 'A2', label: 'current tree again', spec: current },
  ];
  const one: Timing = { ...timing, repetitions: 1 };
  const rows: { scenario: Scenario; unit: string; samples: Record<string, Sample[]> }[] = [];
  let failures = 0;
  for (const scenario of picked) {
    const row = { scenario, unit: unitOf(scenario), samples: { A: [], B: [], A2: [] } as Record<string, Sample[]> };
    console.log(`\n== ${scenario.title}`);
    for (let r = 0; r < timing.repetitions; r++) {
      for (let k = 0; k < arms.length; k++) {
        const arm = arms[(k + r) % arms.length];
        if (arm === undefined) continue;
        try {
          const run = await runScenario(arm.spec, scenario, one);
          row.samples[arm.key]?.push(...run.samples);
        } catch (err) {
          failures++;
          await stopAll();
          console.log(`  ${arm.key} FAILED: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    const med = (k: string): number => summarize((row.samples[k] ?? []).map((s) => s.value)).median;
    const a = med('A');
    const b = med('B');
    const a2 = med('A2');
    console.log(`  A  (current) ${a.toFixed(1)} ${row.unit}   B (${ref}) ${b.toFixed(1)}   A again ${a2.toFixed(1)}`);
    console.log(`  A vs B: ${pct(a / b - 1)}   same-vs-same noise (A again vs A): ${pct(a2 / a - 1)}`);
    rows.push(row);
  }

  console.log('\n| scenario | unit | A: current (median) | B: ' + ref + ' (median) | A vs B | noise: A again vs A | A min–max | B min–max |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const s = (k: string) => summarize((row.samples[k] ?? []).map((x) => x.value));
    const a = s('A');
    const b = s('B');
    const a2 = s('A2');
    console.log(
      `| ${row.scenario.id} | ${row.unit} | ${a.median.toFixed(0)} | ${b.median.toFixed(0)} | ${pct(a.median / b.median - 1)} | ${pct(a2.median / a.median - 1)} | ${a.min.toFixed(0)}–${a.max.toFixed(0)} | ${b.min.toFixed(0)}–${b.max.toFixed(0)} |`,
    );
  }
  console.log('(idle memory is bytes per connection: lower is better; everything else: higher is better)');

  const dir = path.join(ROOT, 'benchmarks', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString();
  const out = path.join(dir, `compare-${date.slice(0, 10)}.json`);
  const machine = describeMachine([current], pinningAvailable(), openFileLimit());
  fs.writeFileSync(out, `${JSON.stringify({ kind: 'compare', date, ref, refSha: prepared.sha, machine, timing, warnings: busy.warnings, rows }, null, 2)}\n`);
  console.log(`\nresults: ${path.relative(ROOT, out)}`);
  return failures === 0 ? 0 : 1;
}

if (require.main === module) {
  if (!isPinnedChild()) {
    reexecPinned(CLIENT_CPU);
  } else {
    exitWith(main);
  }
}
