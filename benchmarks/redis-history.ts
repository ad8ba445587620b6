/**
 * What recovery's history costs on RedisBus (docs/recovery.md): a room push is a PUBLISH without it and
 * an EVALSHA of the append script with it (XADD, HINCRBY, two PEXPIREs and the PUBLISH). For each, N
 * pushes of a ~100 B JSON object from one node, with nobody subscribed: the node's CPU time per push
 * (process.cpuUsage across the run, until the last push was answered), Redis's own time per call
 * (INFO commandstats usec_per_call) and redis-server's CPU time per push (INFO cpu: used_cpu_user + used_cpu_sys).
 * Then the memory of one room's history with `historySize` entries (MEMORY USAGE of its stream and meta hash).
 *
 *   npm run build && node dist/benchmarks/redis-history.js [pushes=200000] [historySize=100]
 *
 * Starts its own redis-server on a free port of 127.0.0.1 and stops it by its PID.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { App, OnMessage, WebSocketRoute } from '../lib/index';
import { RedisBus } from '../lib/redis';
import { jsonOfSize } from './harness/protocols';

const pushes = Number(process.argv[2] ?? 200_000);
const historySize = Number(process.argv[3] ?? 100);

/** A route of no use but that the App has one: uWS.js crashes on a publish from an App without WebSocket routes. */
@WebSocketRoute('/unused')
class Unused {
  @OnMessage()
  message(): null {
    return null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** redis-server's CPU time (getrusage of its process, every thread: INFO cpu), in ms. */
async function cpuMs(url: string): Promise<number> {
  const info = String(await redisCommand(url, ['INFO', 'cpu']));
  const field = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

/** One connection of the benchmark's own to Redis, for its INFO and MEMORY commands. */
let admin: { sendCommand(args: string[]): Promise<unknown>; close(): Promise<unknown> } | null = null;

async function redisCommand(url: string, args: string[]): Promise<unknown> {
  if (admin === null) {
    const { createClient } = await import('redis');
    const client = createClient({ url });
    await client.connect();
    admin = client;
  }
  return admin.sendCommand(args);
}

function calls(info: string, command: string): number {
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

function usecPerCall(info: string, command: string): number {
  return Number(new RegExp(`cmdstat_${command}:calls=\\d+,usec=\\d+,usec_per_call=([\\d.]+)`).exec(info)?.[1] ?? NaN);
}

async function run(url: string, recovery: boolean): Promise<{ nodeCpuUs: number; redisCpuUs: number; usecPerCall: number }> {
  const bus = new RedisBus({ url });
  const app = new App({ routes: [Unused], bus, recovery: recovery ? { historySize } : undefined });
  await app.listen(0, '127.0.0.1');
  const payload = JSON.parse(jsonOfSize(100)) as object;
  await redisCommand(url, ['CONFIG', 'RESETSTAT']);
  const before = await cpuMs(url);
  const published = bus.stats.published;
  const start = process.cpuUsage();
  const command = recovery ? 'evalsha' : 'publish';
  for (let i = 0; i < pushes; i++) {
    app.publish('bench', payload);
    // A bounded pipeline: every 1000 pushes, wait until Redis has run all but the last 1000 (node-redis
    // drops a command that waited 5 s unsent, so an unbounded burst would lose pushes on a slow machine).
    if (i % 1000 === 999)
      while (calls(String(await redisCommand(url, ['INFO', 'commandstats'])), command) < i - 1000) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  // The last push is done when its command has been answered: wait for the pipeline to drain.
  await redisCommand(url, ['PING']);
  const used = process.cpuUsage(start);
  const cpu = ((await cpuMs(url)) - before) * 1000;
  const info = String(await redisCommand(url, ['INFO', 'commandstats']));
  await app.close();
  if (bus.stats.published - published < pushes) throw new Error('pushes were dropped');
  return { nodeCpuUs: (used.user + used.system) / pushes, redisCpuUs: cpu / pushes, usecPerCall: usecPerCall(info, command) };
}

async function main(): Promise<void> {
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const off = await run(url, false);
    const on = await run(url, true);
    const stream = Number(await redisCommand(url, ['MEMORY', 'USAGE', 'switchboard:h:swb:room:bench', 'SAMPLES', '0']));
    const meta = Number(await redisCommand(url, ['MEMORY', 'USAGE', 'switchboard:m:swb:room:bench', 'SAMPLES', '0']));
    const entries = Number(await redisCommand(url, ['XLEN', 'switchboard:h:swb:room:bench']));
    const top = Number(await redisCommand(url, ['HGET', 'switchboard:m:swb:room:bench', 't']));
    if (top !== pushes) throw new Error(`the history's top offset is ${top}, not ${pushes}: pushes were not stored`);
    const f = (x: number): string => x.toFixed(2);
    console.log(`${pushes} pushes of a ~100 B JSON object, one node, nobody subscribed`);
    console.log(
      `recovery off (PUBLISH):   node CPU ${f(off.nodeCpuUs)} us/push, redis-server CPU ${f(off.redisCpuUs)} us/push, PUBLISH ${f(off.usecPerCall)} us/call`,
    );
    console.log(
      `recovery on (EVALSHA):    node CPU ${f(on.nodeCpuUs)} us/push, redis-server CPU ${f(on.redisCpuUs)} us/push, EVALSHA ${f(on.usecPerCall)} us/call`,
    );
    console.log(`one room's history, historySize ${historySize} (${entries} entries held, MAXLEN ~): stream ${stream} B, meta hash ${meta} B`);
  } finally {
    await admin?.close();
    redis.kill('SIGTERM');
  }
}

void main();
