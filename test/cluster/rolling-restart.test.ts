/**
 * Rolling restarts of serve(): real worker processes (test/fixtures/serve-worker.ts), this jest process
 * as the primary, switchboard/client connections that must ride through the deploy.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { App, serve, type ServePrimary } from '../../lib';
import { connect as connectClient, type Client, type CloseInfo, type ReconnectInfo } from '../../lib/client';
import { RedisBus } from '../../lib/redis';
import { describeNeeding } from '../external';
import { createRecoveryApp } from '../fixtures/recovery-app';
import { connect, eventually, recordingLogger, within } from '../helpers';
import { RedisServer } from '../redis-server';

jest.setTimeout(90_000);

const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'swb-rolling-'));
const failFile = join(dir, 'fail');
const hangFile = join(dir, 'hang');
process.env.SERVE_FAIL_FILE = failFile;
process.env.SERVE_HANG_FILE = hangFile;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = {
  workers: 2,
  port: 0,
  host: '127.0.0.1',
  script: join(ROOT, 'test/fixtures/serve-worker.ts'),
  execArgv: ['-r', join(ROOT, 'test/fixtures/register-ts.js')],
  app: () => new App(),
};

let served: ServePrimary | null = null;
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  rmSync(failFile, { force: true });
  rmSync(hangFile, { force: true });
  await served?.close();
  served = null;
});

async function primary(logger = recordingLogger()): Promise<ServePrimary> {
  const result = await serve({ ...options, logger });
  if (result.role !== 'primary') throw new Error('jest is the primary');
  served = result;
  return result;
}

/** The pid of the worker that answers `client`. */
async function pidOf(client: Client): Promise<number> {
  return ((await client.request('who', null, { timeout: 10_000 })) as { pid: number }).pid;
}

/** The process has exited (it was a child of ours, reaped by Node). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** Opens the connection of a /who route client that answers `hi` with its worker's pid (a plain client, not switchboard/client). */
async function whoAnswers(port: number): Promise<number> {
  const client = await connect(`ws://127.0.0.1:${port}/who`);
  client.send('hi');
  const reply = String(await client.next());
  await client.close();
  return Number(/pid (\d+)$/.exec(reply)![1]);
}

test('restart() replaces the workers one at a time: clients see 1012 with the reconnect window, never a refusal, and reconnect to the new workers', async () => {
  const result = await primary();
  const before = [...result.pids];
  const closes: CloseInfo[] = [];
  for (let i = 0; i < 40; i++) {
    const client = connectClient(`ws://127.0.0.1:${result.port}/who-events`, { WebSocket: WebSocket, reconnect: { minDelay: 100 } });
    client.onStatus((status) => {
      if (status !== 'open' && client.lastClose !== null) closes.push(client.lastClose);
    });
    clients.push(client);
  }
  const first = await Promise.all(clients.map(pidOf));
  expect(new Set(first).size).toBeLessThanOrEqual(2);
  for (const pid of first) expect(before).toContain(pid);

  await within(result.restart(), 'the rolling restart', 60_000);
  expect(result.restarts).toBe(2);
  const after = result.pids;
  expect(after).toHaveLength(2);
  for (const pid of after) expect(before).not.toContain(pid);

  // Every client was closed with 1012 once per worker it was on, reconnected, and is served by a new worker.
  const now = await within(Promise.all(clients.map(pidOf)), 'every client to be answered again', 30_000);
  for (const pid of now) expect(after).toContain(pid);
  expect(closes.length).toBeGreaterThanOrEqual(clients.length);
  for (const close of closes) expect(close).toEqual({ code: 1012, reason: 'Service restarting; window=5000' });
});

test('restart() stops at a successor that throws at startup: the old workers keep serving, the reason is logged', async () => {
  const logger = recordingLogger();
  const result = await primary(logger);
  const before = [...result.pids];
  writeFileSync(failFile, '');
  await expect(result.restart()).rejects.toMatchObject({ code: 'SWB_ERR_WORKER_FAILED' });
  expect(result.pids).toEqual(before);
  expect(result.restarts).toBe(0);
  expect(logger.errors.map((e) => e.message)).toEqual([
    expect.stringMatching(
      /^switchboard: serve\(\): rolling restart stopped at worker 0; the old workers keep serving\. serve\(\): worker 0 \(pid \d+\) failed to start: refusing to start: .*fail exists\. \[SWB_ERR_WORKER_FAILED\]$/,
    ),
  ]);
  // Both old workers still answer on the port.
  const seen = new Set<number>();
  for (let i = 0; i < 60 && seen.size < 2; i++) seen.add(await whoAnswers(result.port));
  expect([...seen].sort()).toEqual([...before].sort());
  // Fixed, the next restart goes through.
  rmSync(failFile);
  await within(result.restart(), 'the rolling restart', 60_000);
  expect(result.restarts).toBe(2);
  for (const pid of result.pids) expect(before).not.toContain(pid);
});

test('restart() stops at a successor that does not report listening within startTimeout; it is killed, the old workers keep serving', async () => {
  const logger = recordingLogger();
  const result = await serve({ ...options, startTimeout: 4000, logger });
  if (result.role !== 'primary') throw new Error('jest is the primary');
  served = result;
  const before = [...result.pids];
  writeFileSync(hangFile, '');
  const error = (await result.restart().catch((e: unknown) => e)) as Error;
  expect(error.message).toMatch(/^serve\(\): worker 0 \(pid \d+\) did not report listening within 4000 ms\. \[SWB_ERR_WORKER_FAILED\]$/);
  const hung = Number(/pid (\d+)/.exec(error.message)![1]);
  await eventually(() => gone(hung), 'the hung successor to be killed', 10_000);
  expect(result.pids).toEqual(before);
  expect(logger.errors.map((e) => e.message)).toEqual([
    expect.stringMatching(/^switchboard: serve\(\): rolling restart stopped at worker 0; the old workers keep serving\./),
  ]);
  const seen = new Set<number>();
  for (let i = 0; i < 60 && seen.size < 2; i++) seen.add(await whoAnswers(result.port));
  expect([...seen].sort()).toEqual([...before].sort());
});

test('SIGHUP to the primary process starts a rolling restart', async () => {
  // Its own process: jest's sandboxed `process` does not deliver signals to listeners in the test.
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/fixtures/register-ts.js'), join(ROOT, 'test/fixtures/serve-worker.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await within(
      new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))),
      'the primary to listen',
      60_000,
    );
    const { port, pids } = JSON.parse(line) as { port: number; pids: number[] };
    const client = connectClient(`ws://127.0.0.1:${port}/who-events`, { WebSocket: WebSocket, reconnect: { minDelay: 100 } });
    clients.push(client);
    expect(pids).toContain(await pidOf(client));
    child.kill('SIGHUP');
    await eventually(() => pids.every(gone), 'the old workers to exit', 60_000);
    expect(pids).not.toContain(await pidOf(client));
    expect(client.lastClose).toEqual({ code: 1012, reason: 'Service restarting; window=5000' });
  } finally {
    child.kill('SIGTERM');
    await within(new Promise((resolve) => child.once('exit', resolve)), 'the primary to exit', 20_000);
  }
});

describeNeeding('redis-server', 'a deploy on RedisBus with recovery', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    delete process.env.SERVE_REDIS_URL;
    await redis?.stop();
  });

  test('a rolling restart of serve({ workers: 2 }), a publisher at 200 room pushes/s, 200 clients: each gets every push exactly once, in order (recovered), none refused', async () => {
    process.env.SERVE_REDIS_URL = redis.url;
    const result = await primary();
    // A node of its own on the same Redis (with a route: uWS needs one to publish).
    // The same recovery options as the workers: the node that publishes trims the history to its historySize.
    const publisher = createRecoveryApp({ bus: new RedisBus({ url: redis.url }), recovery: { historySize: 5000 }, logger: recordingLogger() });
    await publisher.listen(0, '127.0.0.1');
    const received: number[][] = [];
    const closes: CloseInfo[] = [];
    const resumes: ReconnectInfo[] = [];
    for (let i = 0; i < 200; i++) {
      const client = connectClient(`ws://127.0.0.1:${result.port}/feed`, { WebSocket: WebSocket, reconnect: { minDelay: 100 } });
      const got: number[] = [];
      received.push(got);
      client.on('tick', (n) => got.push(n as number));
      client.onStatus((status) => {
        if (status !== 'open' && client.lastClose !== null) closes.push(client.lastClose);
      });
      client.onReconnect((info) => resumes.push(info));
      clients.push(client);
    }
    await within(Promise.all(clients.map((c) => c.request('join', 'deploy', { timeout: 20_000 }))), 'every client in the room', 30_000);
    let sent = 0;
    const timer = setInterval(() => publisher.publish('deploy', { event: 'tick', data: ++sent }), 5);
    try {
      await within(result.restart(), 'the rolling restart', 60_000);
      // The last clients reconnect up to the 5 s window after their worker closed; then a second more of pushes.
      await eventually(() => clients.every((c) => c.status === 'open'), 'every client back', 20_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      clearInterval(timer);
      await publisher.close();
    }
    const all = Array.from({ length: sent }, (_, i) => i + 1);
    await eventually(() => received.every((got) => got.length >= sent), 'every push at every client', 20_000);
    for (const got of received) expect(got).toEqual(all);
    expect(resumes.length).toBeGreaterThanOrEqual(clients.length);
    expect(resumes.every((r) => r.recovered)).toBe(true);
    // No refusal (4503, 4429): each close is the deploy's 1012, or, on a loaded machine, a 1006 where the
    // old worker's force-close came before the client read its close frame; both resume.
    for (const close of closes) expect([1012, 1006]).toContain(close.code);
    expect(closes.filter((c) => c.code === 1012).length).toBeGreaterThan(clients.length / 2);
    expect(sent).toBeGreaterThan(200);
  });
});
