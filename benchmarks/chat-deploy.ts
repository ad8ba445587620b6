/**
 * A deploy of the chat example under load (docs/deploys.md): `serve({ workers: 2 })` runs
 * examples/chat on a RedisBus with recovery; CLIENTS switchboard/client connections listen; another node
 * on the same Redis broadcasts a numbered `said` event to the chat route RATE times a second; the primary
 * then restarts both workers one at a time. Reported: when each client reconnected after its worker's
 * 1012 (the spread, per 500 ms), whether it resumed, and pushes lost or received twice.
 *
 *   npm run build && node dist/benchmarks/chat-deploy.js [clients=200] [rate=200]
 *
 * Starts its own redis-server on a free port of 127.0.0.1 and stops it by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import { serve } from '../lib/index';
import { connect, type Client } from '../lib/client';
import { RedisBus } from '../lib/redis';
import { Chat, createApp } from '../examples/chat/app';

const clients = Number(process.argv[2] ?? 200);
const rate = Number(process.argv[3] ?? 200);
const recovery = { historySize: 5000 };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function until(what: string, ms: number, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function primary(redis: ChildProcess): Promise<void> {
  const url = process.env.CHAT_DEPLOY_REDIS!;
  const served = await serve({ workers: 2, port: 0, host: '127.0.0.1', app: () => createApp({ bus: new RedisBus({ url }), recovery }) });
  if (served.role !== 'primary') return;
  const publisher = createApp({ bus: new RedisBus({ url }), recovery });
  await publisher.listen(0, '127.0.0.1');
  const seen: number[][] = [];
  const closedAt: number[] = [];
  const reopened: number[] = [];
  let recovered = 0;
  let reset = 0;
  const conns: Client[] = [];
  for (let i = 0; i < clients; i++) {
    const client = connect(`ws://127.0.0.1:${served.port}/ws/${i}`, { WebSocket });
    const got: number[] = [];
    seen.push(got);
    client.on('said', (data) => {
      const { from, text } = data as { from: string; text: string };
      if (from === 'deploy') got.push(Number(text));
    });
    client.onStatus((status) => {
      if (status !== 'open' && client.lastClose?.code === 1012) closedAt.push(Date.now());
    });
    client.onReconnect((info) => {
      reopened.push(Date.now());
      if (info.recovered) recovered++;
      else reset++;
    });
    conns.push(client);
  }
  await until('every client open', 30_000, () => conns.every((c) => c.status === 'open'));
  let sent = 0;
  const timer = setInterval(() => publisher.broadcast(Chat, { event: 'said', data: { from: 'deploy', text: String(++sent) } }), 1000 / rate);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const start = Date.now();
  await served.restart();
  await until('every client back', 30_000, () => conns.every((c) => c.status === 'open'));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  clearInterval(timer);
  const deployMs = Date.now() - start;
  await until('the last pushes', 10_000, () => seen.every((got) => got.length >= sent));
  let lost = 0;
  let twice = 0;
  for (const got of seen) {
    const count = new Map<number, number>();
    for (const n of got) count.set(n, (count.get(n) ?? 0) + 1);
    for (let n = 1; n <= sent; n++) {
      const c = count.get(n) ?? 0;
      if (c === 0) lost++;
      if (c > 1) twice += c - 1;
    }
  }
  const first = Math.min(...closedAt);
  const slots: number[] = [];
  for (const t of reopened) slots[Math.floor((t - first) / 500)] = (slots[Math.floor((t - first) / 500)] ?? 0) + 1;
  console.log(`${clients} clients, ${sent} pushes at ${rate}/s, deploy of 2 workers in ${deployMs} ms`);
  console.log(`reconnects per 500 ms from the first 1012: ${Array.from(slots, (n) => n ?? 0).join(' ')}`);
  console.log(`resumed: ${recovered}, not resumed: ${reset}; pushes lost: ${lost}, received twice: ${twice} (over ${clients} clients)`);
  for (const c of conns) c.close();
  await publisher.close();
  await served.close();
  redis.kill('SIGTERM');
}

async function main(): Promise<void> {
  if (process.env.SWITCHBOARD_WORKER !== undefined) {
    // A worker: serve() builds and runs the chat app.
    const url = process.env.CHAT_DEPLOY_REDIS!;
    await serve({ workers: 2, port: 0, host: '127.0.0.1', app: () => createApp({ bus: new RedisBus({ url }), recovery }) });
    return;
  }
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  process.env.CHAT_DEPLOY_REDIS = `redis://127.0.0.1:${port}`;
  await new Promise((resolve) => setTimeout(resolve, 300));
  try {
    await primary(redis);
  } catch (error) {
    redis.kill('SIGTERM');
    throw error;
  }
}

void main();
