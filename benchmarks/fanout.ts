/**
 * Cross-process fan-out: the broadcast load on 1, 2 and 4 worker processes listening on one port and
 * sharing a Redis bus (the kernel spreads the receivers and the sender over the workers), and the
 * in-process bus on one process as the baseline. Starts its own
 * redis-server on a free port of 127.0.0.1 (stopped by its PID at the end).
 *
 *   npm run build && node dist/benchmarks/fanout.js [--smoke] [--scenarios=id,id] [--repetitions=N] [--window=ms] [--warmup=ms]
 *
 * Nothing is pinned here: the point is to use every core, so workers, Redis and this load generator
 * share the machine's CPUs; "server CPU" adds up every worker and redis-server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { probe, type Target } from './harness/client';
import { runBroadcast } from './harness/load-broadcast';
import { sleep } from './harness/measure';
import { busyCheck, cpuModel, cpuSeconds } from './harness/proc';
import { textOfSize, wireFor } from './harness/protocols';
import { exitWith, startServer, stopAll } from './harness/server-process';
import { formatRate } from './harness/stats';
import { summarizeSamples, writeResults, type FanoutFile, type FanoutRow } from './results';
import { parseArgs } from './run';
import { fanoutScenarios, type FanoutScenario, type Timing } from './scenarios';
import { ROOT } from './servers';

const SERVER = path.join(ROOT, 'dist/benchmarks/servers/switchboard-cluster.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function startRedis(): Promise<{ child: ChildProcess; url: string; dir: string }> {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed: apt-get install -y redis-server');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swb-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server not ready within 10 s:\n${out}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${String(code)}):\n${out}`));
    });
  });
  return { child, url: `redis://127.0.0.1:${port}`, dir };
}

async function runOne(s: FanoutScenario, timing: Timing, redisUrl: string, redisPid: number): Promise<FanoutRow> {
  const env: Record<string, string> = { WORKERS: String(s.workers) };
  if (s.bus === 'redis') env.REDIS_URL = redisUrl;
  const server = await startServer({ argv: [process.execPath, SERVER], cwd: ROOT, env }, null, 30_000);
  try {
    const pids = (/^PIDS ([\d,]+)$/m.exec(server.log())?.[1] ?? '').split(',').map(Number);
    if (pids.length !== s.workers) throw new Error(`expected ${s.workers} workers, got:\n${server.log()}`);
    const cpu = (): number =>
      pids.reduce((sum, pid) => sum + cpuSeconds(pid), server.pid > 0 ? cpuSeconds(server.pid) : 0) + (s.bus === 'redis' ? cpuSeconds(redisPid) : 0);
    const body = textOfSize(s.bytes);
    const wire = wireFor('plain', '/broadcast', body);
    const target: Target = { port: server.port, path: wire.path, protocol: 'plain' };
    await probe(target, wire.request, wire.reply, 5000);
    const samples = await runBroadcast(
      target,
      cpu,
      { receivers: s.receivers, inFlight: s.inFlight, request: wire.request },
      timing.warmupMs,
      timing.windowMs,
      timing.repetitions,
    );
    const sum = summarizeSamples(samples);
    return {
      id: s.id,
      title: s.title,
      bus: s.bus,
      workers: s.workers,
      receivers: s.receivers,
      deliveriesPerSecond: { median: sum.value.median, min: sum.value.min, max: sum.value.max },
      serverCpuUsPerDelivery: sum.serverCpuUsPerOp.median,
      serverCpuUsPerPublish: sum.serverCpuUsPerOp.median * (s.receivers + 1),
      serverCpuShare: sum.serverCpuShare.median,
      p50Us: sum.p50Us.median,
      p99Us: sum.p99Us.median,
    };
  } finally {
    await server.stop();
  }
}

/** "+12.3" or "-4.5": an overhead within the noise can come out negative. */
function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const picked = fanoutScenarios
    .filter((s) => args.scenarios === null || args.scenarios.includes(s.id))
    .map((s) => (args.smoke ? { ...s, receivers: s.smoke.receivers } : s));
  if (picked.length === 0) throw new Error(`no scenario selected; ids: ${fanoutScenarios.map((s) => s.id).join(', ')}`);
  if (!fs.existsSync(SERVER)) throw new Error(`${path.relative(ROOT, SERVER)} is missing: run \`npm run build\``);
  const busy = await busyCheck(args.smoke ? 300 : 1000);
  for (const w of busy.warnings) console.log(`WARNING: ${w}`);
  console.log(
    `fanout: ${picked.length} scenarios on ${os.cpus().length} CPUs (${cpuModel()}); windows of ${args.timing.windowMs} ms × ${args.timing.repetitions}`,
  );
  const redis = await startRedis();
  const rows: FanoutRow[] = [];
  let failures = 0;
  try {
    for (const s of picked) {
      try {
        const row = await runOne(s, args.timing, redis.url, redis.child.pid!);
        rows.push(row);
        console.log(
          `  ${s.id.padEnd(18)} ${formatRate(row.deliveriesPerSecond.median)} deliveries/s (${formatRate(row.deliveriesPerSecond.min)}–${formatRate(row.deliveriesPerSecond.max)})` +
            `  server+redis ${row.serverCpuUsPerPublish.toFixed(1)} µs CPU/publish, ${(100 * row.serverCpuShare).toFixed(0)}% of one CPU`,
        );
      } catch (err) {
        failures++;
        await stopAll();
        console.log(`  ${s.id.padEnd(18)} FAILED: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } finally {
    redis.child.kill('SIGTERM');
    await sleep(100);
    fs.rmSync(redis.dir, { recursive: true, force: true });
  }
  const local = rows.find((r) => r.bus === 'local' && r.workers === 1);
  const redis1 = rows.find((r) => r.bus === 'redis' && r.workers === 1);
  if (local !== undefined && redis1 !== undefined)
    console.log(
      `\nRedis bus overhead, 1 worker: ${signed(redis1.serverCpuUsPerPublish - local.serverCpuUsPerPublish)} µs CPU per publish (server + redis-server), ` +
        `deliveries/s ×${(redis1.deliveriesPerSecond.median / local.deliveriesPerSecond.median).toFixed(2)}`,
    );
  if (!args.smoke && rows.length > 0) {
    const file: FanoutFile = {
      kind: 'fanout',
      date: new Date().toISOString(),
      cpus: os.cpus().length,
      cpu: cpuModel(),
      timing: args.timing,
      warnings: busy.warnings,
      rows,
    };
    // Only a run of every scenario is the day's result.
    const out = writeResults(`fanout-${file.date.slice(0, 10)}.json`, file, args.scenarios !== null);
    console.log(`results: ${out} (docs/benchmarks.md shows the newest at the next \`npm run bench\`, or: node dist/benchmarks/report.js <bench results file>)`);
  }
  console.log(`\nfanout: ${failures === 0 ? 'all ran' : `${failures} failed`}`);
  return failures === 0 ? 0 : 1;
}

if (require.main === module) exitWith(main);
