/**
 * docs/benchmarks.md and its SVG charts, generated from a results file. The charts are written by
 * hand (plain SVG rects and text), so the docs need no chart library.
 *
 *   node dist/benchmarks/report.js benchmarks/results/<date>.json
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatMarginal } from './harness/load-idle';
import { formatBytes, formatMicros, formatRate } from './harness/stats';
import type { ClientSizeFile, FanoutFile, InstructionsFile, ResultsFile, ScenarioResult, ServerResult } from './results';
import { ROOT } from './servers';

const BASELINE = 'uws';

type Summary = NonNullable<ServerResult['summary']>;
const rate = (m: Summary): number => m.value.median;
/** Server CPU time per operation: steadier than rates, and still telling when the generator is the limit. */
const cpuPerOp = (m: Summary): number => m.serverCpuUsPerOp.median;

/** `pick` of this server over `pick` of raw uWS, e.g. "0.97×". */
function ratio(r: ServerResult, base: ServerResult | undefined, pick: (m: Summary) => number): string {
  const v = r.summary === undefined ? undefined : pick(r.summary);
  const b = base?.summary === undefined ? undefined : pick(base.summary);
  if (v === undefined || b === undefined || !Number.isFinite(v) || !Number.isFinite(b) || b === 0) return '–';
  return `${(v / b).toFixed(2)}×`;
}

function table(s: ScenarioResult): string {
  const base = s.servers.find((r) => r.server === BASELINE && r.status === 'ok');
  const idle = s.scenario.kind === 'idle';
  const lines: string[] = [];
  if (idle) {
    lines.push(
      '| server | per connection (median) | min – max | vs raw uWS | marginal, second half (median) | RSS before | RSS with connections |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
  } else {
    lines.push(
      `| server | ${s.unit} (median) | min – max | vs raw uWS | p50 latency | p99 latency | server CPU per op | CPU per op vs raw uWS | server CPU busy | generator busy |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
  }
  for (const r of s.servers) {
    const m = r.summary;
    if (r.status !== 'ok' || m === undefined) {
      const why = (r.reason ?? '').split('\n')[0] ?? '';
      lines.push(`| ${r.label} | ${r.status}: ${why.replace(/\|/g, '\\|')} |${idle ? ' | | | | |' : ' | | | | | | | |'}`);
      continue;
    }
    if (idle) {
      const before = r.idle !== undefined ? Math.min(...r.idle.map((i) => i.baselineBytes)) : NaN;
      const after = r.idle !== undefined ? Math.max(...r.idle.map((i) => i.loadedBytes)) : NaN;
      lines.push(
        `| ${r.label} | ${formatBytes(m.value.median)} | ${formatBytes(m.value.min)} – ${formatBytes(m.value.max)} | ${ratio(r, base, rate)} | ${formatMarginal(r.idle)} | ${formatBytes(before)} | ${formatBytes(after)} |`,
      );
    } else {
      lines.push(
        `| ${r.label} | ${formatRate(m.value.median)} | ${formatRate(m.value.min)} – ${formatRate(m.value.max)} | ${ratio(r, base, rate)} | ${formatMicros(m.p50Us.median)} | ${formatMicros(m.p99Us.median)} | ${m.serverCpuUsPerOp.median.toFixed(2)} µs | ${ratio(r, base, cpuPerOp)} | ${(100 * m.serverCpuShare.median).toFixed(0)}% | ${(100 * m.clientCpuShare.median).toFixed(0)}% |`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * What reached the generator per operation, for the broadcast scenarios: bytes, reads (TCP chunks handed
 * to JS, what costs the generator) and TCP segments (machine-wide, both directions). A server that batches
 * its deliveries into fewer segments lets the same generator count more deliveries.
 */
function wireTable(s: ScenarioResult): string[] {
  const rows = s.servers.filter((r) => r.status === 'ok' && r.summary?.bytesPerOp !== undefined && Number.isFinite(r.summary.bytesPerOp.median));
  if (rows.length === 0) return [];
  const base = rows.find((r) => r.server === BASELINE);
  const cell = (r: ServerResult, pick: (m: Summary) => Summary['value'] | undefined, digits: number): string => {
    const v = pick(r.summary!)?.median ?? NaN;
    const b = base === undefined ? NaN : (pick(base.summary!)?.median ?? NaN);
    return `${v.toFixed(digits)}${r !== base && Number.isFinite(b) && b > 0 ? ` (${(v / b).toFixed(2)}×)` : ''}`;
  };
  return [
    "Per delivery, what reached the load generator (bytes, and reads: TCP chunks handed to JS), and the machine's TCP segments (both directions):",
    '',
    '| server | bytes | reads | TCP segments |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.label} | ${cell(r, (m) => m.bytesPerOp, 1)} | ${cell(r, (m) => m.readsPerOp, 4)} | ${cell(r, (m) => m.segmentsPerOp, 4)} |`),
    '',
  ];
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A horizontal bar chart: one bar per server (median), a whisker for min–max, the ratio to raw uWS. */
export function barChart(s: ScenarioResult): string {
  const rows = s.servers.filter((r) => r.status === 'ok' && r.summary !== undefined);
  const base = rows.find((r) => r.server === BASELINE)?.summary?.value.median;
  const max = Math.max(1, ...rows.map((r) => r.summary?.value.max ?? 0));
  const labelW = 170;
  const plotW = 440;
  const valueW = 150;
  const barH = 22;
  const gap = 10;
  const top = 44;
  const width = labelW + plotW + valueW;
  const height = top + rows.length * (barH + gap) + 28;
  const x = (v: number): number => labelW + (plotW * v) / max;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600" fill="#111">${esc(s.title)}</text>`,
    `<text x="12" y="38" fill="#555">${esc(s.unit)}, median of repetitions; whiskers: min – max; higher is better</text>`,
  ];
  rows.forEach((r, i) => {
    const m = r.summary;
    if (m === undefined) return;
    const y = top + i * (barH + gap);
    const colour = r.server === 'switchboard' ? '#2f6fdd' : r.server === BASELINE ? '#444' : '#9aa5b1';
    out.push(`<text x="${labelW - 8}" y="${y + barH / 2 + 4}" text-anchor="end" fill="#111">${esc(r.label)}</text>`);
    out.push(`<rect x="${labelW}" y="${y}" width="${Math.max(1, x(m.value.median) - labelW).toFixed(1)}" height="${barH}" fill="${colour}"/>`);
    const cy = y + barH / 2;
    out.push(`<line x1="${x(m.value.min).toFixed(1)}" y1="${cy}" x2="${x(m.value.max).toFixed(1)}" y2="${cy}" stroke="#000" stroke-width="1"/>`);
    for (const v of [m.value.min, m.value.max])
      out.push(`<line x1="${x(v).toFixed(1)}" y1="${cy - 5}" x2="${x(v).toFixed(1)}" y2="${cy + 5}" stroke="#000" stroke-width="1"/>`);
    const rel = base !== undefined && base > 0 ? ` (${(m.value.median / base).toFixed(2)}×)` : '';
    out.push(`<text x="${labelW + plotW + 8}" y="${cy + 4}" fill="#111">${formatRate(m.value.median)}${rel}</text>`);
  });
  out.push(`<line x1="${labelW}" y1="${top - 4}" x2="${labelW}" y2="${height - 24}" stroke="#999"/>`);
  out.push(`<text x="${labelW}" y="${height - 8}" fill="#555">0</text>`);
  out.push(`<text x="${labelW + plotW}" y="${height - 8}" text-anchor="end" fill="#555">${formatRate(max)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

const CHARTS: readonly { scenario: string; file: string }[] = [
  { scenario: 'echo-32b-x16', file: 'benchmarks-echo.svg' },
  { scenario: 'broadcast-1000', file: 'benchmarks-broadcast.svg' },
];

/** The instruction counts of `npm run bench:instructions`, as a table with ratios against raw uWS. */
function instructionsSection(file: InstructionsFile, resultsPath: string): string[] {
  const rows = Object.entries(file.results).map(([id, r]) => {
    const uws = r.uws;
    const sb = r.switchboard;
    const ratio = uws !== undefined && sb !== undefined ? `${(sb / uws).toFixed(3)}×` : '–';
    return `| ${file.titles[id] ?? id} | ${uws === undefined ? '–' : Math.round(uws)} | ${sb === undefined ? '–' : Math.round(sb)} | ${ratio} |`;
  });
  return [
    '## Instructions per message',
    '',
    `Counted by valgrind's callgrind in the server process (every thread), over ${file.messages.toLocaleString('en-US')} messages after as many for warm-up, ` +
      `at revision \`${file.gitRevision}\` on ${file.date.slice(0, 10)} (${resultsPath}; \`npm run bench:instructions\`). ` +
      'Unlike the rates above, these repeat to within a few percent whatever else the machine is doing; they do not see cache misses or the cost of system calls.',
    '',
    '| scenario | raw uWS | switchboard | switchboard / raw uWS |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
  ];
}

/**
 * Fairness: the p99 of the 100 well-behaved connections beside a flooding one, over their p99 without it
 * (echo-32b-x1), per server. Within 2× is the goal (docs/limits.md#fairness).
 */
function fairnessSection(file: ResultsFile): string[] {
  const quiet = file.scenarios.find((s) => s.id === 'echo-32b-x1');
  const floods = file.scenarios.filter((s) => s.scenario.kind === 'echo' && s.scenario.flood !== undefined);
  if (quiet === undefined || floods.length === 0) return [];
  const p99Of = (s: ScenarioResult, server: string): number => s.servers.find((r) => r.server === server && r.status === 'ok')?.summary?.p99Us.median ?? NaN;
  const rows = quiet.servers.map((r) => {
    const alone = p99Of(quiet, r.server);
    const cells = floods.map((f) => `${formatMicros(p99Of(f, r.server))} (${(p99Of(f, r.server) / alone).toFixed(1)}×)`);
    return `| ${r.label} | ${formatMicros(alone)} | ${cells.join(' | ')} |`;
  });
  return [
    '## Fairness beside a flooding client',
    '',
    "The p99 round trip of echo-32b-x1's 100 connections alone, and beside one more connection that sends as fast as its socket allows " +
      '(the flood scenarios), with the ratio to the first. No rate limit is configured in these servers; see [limits](limits.md#fairness).',
    '',
    `| server | p99 alone | ${floods.map((f) => `p99 beside a flood to ${f.scenario.kind === 'echo' ? f.scenario.flood : ''}`).join(' | ')} |`,
    `| --- | ---: | ${floods.map(() => '---:').join(' | ')} |`,
    ...rows,
    '',
  ];
}

/** The cross-process fan-out of `npm run bench:fanout`, as a table with the in-process bus as baseline. */
function fanoutSection(file: FanoutFile, resultsPath: string): string[] {
  const base = file.rows.find((r) => r.bus === 'local');
  const rows = file.rows.map((r) => {
    const ratio = base === undefined ? '–' : `${(r.deliveriesPerSecond.median / base.deliveriesPerSecond.median).toFixed(2)}×`;
    const rate = `${formatRate(r.deliveriesPerSecond.median)} (${formatRate(r.deliveriesPerSecond.min)}–${formatRate(r.deliveriesPerSecond.max)})`;
    return `| ${r.title} | ${rate} | ${ratio} | ${r.serverCpuUsPerPublish.toFixed(1)} µs |`;
  });
  return [
    '## Cross-process fan-out (Redis bus)',
    '',
    `One sender and ${file.rows[0]?.receivers.toLocaleString('en-US') ?? '?'} receivers on one port, spread over the workers by the kernel; the workers share a Redis bus; ` +
      `${file.cpus} × ${file.cpu}, nothing pinned, ${file.date.slice(0, 10)} (${resultsPath}; \`npm run bench:fanout\`). ` +
      'CPU per publish adds up every worker, the primary and redis-server. See [scale-out](scale-out.md#benchmark) for how to read it.',
    '',
    ...file.warnings.map((w) => `- warning: ${w}`),
    ...(file.warnings.length > 0 ? [''] : []),
    '| scenario | deliveries/s | vs in-process bus | CPU per publish |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
  ];
}

/** The browser module's size, from `npm run bench:client-size`. */
function clientSizeSection(file: ClientSizeFile, resultsPath: string): string[] {
  return [
    '## switchboard/client size',
    '',
    `The client as one ES module (dist/lib/client/index.mjs), minified by esbuild ${file.esbuild} and gzipped at level 9, ` +
      `at revision \`${file.gitRevision}\` on ${file.date.slice(0, 10)} (${resultsPath}; \`npm run bench:client-size\`). ` +
      `\`npm run build\` fails when it is over the budget.`,
    '',
    '| minified | minified + gzip | budget (min + gzip) |',
    '| ---: | ---: | ---: |',
    `| ${file.minifiedBytes.toLocaleString('en-US')} B | ${file.gzipBytes.toLocaleString('en-US')} B | ${file.budgetBytes.toLocaleString('en-US')} B |`,
    '',
  ];
}

/** The newest <prefix>-<date>.json in benchmarks/results, if any. */
function latestResults<T>(prefix: string): { file: T; path: string } | null {
  const dir = path.join(ROOT, 'benchmarks', 'results');
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.json')) : [];
  const newest = names.sort().at(-1);
  if (newest === undefined) return null;
  return { file: JSON.parse(fs.readFileSync(path.join(dir, newest), 'utf8')) as T, path: `benchmarks/results/${newest}` };
}

export function renderMarkdown(file: ResultsFile, resultsPath: string, charts: readonly string[]): string {
  const m = file.machine;
  const t = file.timing;
  const out: string[] = [
    '# Benchmarks',
    '',
    `<!-- Generated by \`npm run bench\` (benchmarks/report.ts) from ${resultsPath}. Do not edit by hand. -->`,
    '',
    `Measured ${file.date.slice(0, 16).replace('T', ' ')} UTC at revision \`${m.gitRevision}\`, in ${Math.round(file.durationSeconds / 60)} minutes. ` +
      'How the numbers are made, and how to run them yourself: [benchmarks/README.md](../benchmarks/README.md).',
    '',
    `Each server ran alone, ${m.pinned ? 'pinned to CPU 0, with the load generator pinned to CPU 1' : '**not pinned** (taskset missing)'}. ` +
      `Each number is the median of ${t.repetitions} windows of ${t.windowMs / 1000} s after a ${t.warmupMs / 1000} s warm-up (idle memory: ${t.repetitions} fresh server processes), ` +
      'with the range min – max beside it. "vs raw uWS" is the ratio to the same work written by hand on uWebSockets.js, the ceiling for switchboard. ' +
      '"Server CPU per op" is the server process\'s user + system CPU time over the window divided by the operations in it; "server CPU busy" near 100% means the server was the bottleneck. ' +
      '"Generator busy" near 100% means the load generator (one Node.js process on one core) was, and that server\'s rate is only a lower bound: compare CPU per op there. ' +
      'Run-to-run noise on this kind of machine is 10–25%: differences smaller than that are not findings.',
    '',
    '## Machine',
    '',
    '| | |',
    '| --- | --- |',
    `| CPU | ${m.cpuModel} × ${m.nproc} |`,
    `| memory | ${m.memoryGiB} GiB |`,
    `| kernel | ${m.kernel} |`,
    `| Node.js | ${m.node} |`,
    ...Object.entries(m.versions).map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ];
  if (file.warnings.length > 0) out.push('**Warnings for this run:**', '', ...file.warnings.map((w) => `- ${w}`), '');
  for (const c of charts) out.push(`![${c}](${c})`, '');
  for (const s of file.scenarios)
    out.push(`## ${s.title}`, '', `Measures ${s.measures}.`, '', table(s), '', ...(s.id.startsWith('broadcast') ? wireTable(s) : []));
  out.push(...fairnessSection(file));
  const instructions = latestResults<InstructionsFile>('instructions');
  if (instructions !== null) out.push(...instructionsSection(instructions.file, instructions.path));
  const fanout = latestResults<FanoutFile>('fanout');
  if (fanout !== null) out.push(...fanoutSection(fanout.file, fanout.path));
  const clientSize = latestResults<ClientSizeFile>('client-size');
  if (clientSize !== null) out.push(...clientSizeSection(clientSize.file, clientSize.path));
  return out.join('\n');
}

/** Writes docs/benchmarks.md and the charts; returns the paths written. */
export function writeReport(file: ResultsFile, resultsPath: string): string[] {
  const docs = path.join(ROOT, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  const written: string[] = [];
  const charts: string[] = [];
  for (const c of CHARTS) {
    const s = file.scenarios.find((x) => x.id === c.scenario);
    if (s === undefined || !s.servers.some((r) => r.status === 'ok')) continue;
    fs.writeFileSync(path.join(docs, c.file), barChart(s));
    charts.push(c.file);
    written.push(`docs/${c.file}`);
  }
  fs.writeFileSync(path.join(docs, 'benchmarks.md'), renderMarkdown(file, resultsPath, charts));
  written.push('docs/benchmarks.md');
  return written;
}

if (require.main === module) {
  const input = process.argv[2];
  if (input === undefined) {
    console.error('usage: node dist/benchmarks/report.js benchmarks/results/<date>.json');
    process.exit(2);
  }
  const file = JSON.parse(fs.readFileSync(input, 'utf8')) as ResultsFile;
  for (const f of writeReport(file, path.relative(ROOT, path.resolve(input)))) console.log(`wrote ${f}`);
}
