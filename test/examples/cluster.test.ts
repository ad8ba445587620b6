/**
 * examples/cluster: nodes sharing a real redis-server. First as two Apps in this process, then as the
 * real thing: main.ts run by node, forking two worker processes on one port with serve().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../examples/cluster/app';
import { RedisBus } from '../../lib/redis';
import { closeAll, connect, eventually, recordingLogger, start, within, type Client, type Frame } from '../helpers';
import { describeNeeding } from '../external';
import { freePort, RedisServer } from '../redis-server';

// Each real-process test starts three node processes that transpile the sources: slow on a loaded machine.
jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
let redis: RedisServer;

beforeAll(async () => {
  redis = await RedisServer.start();
});

afterAll(async () => {
  await redis?.stop();
});

afterEach(closeAll);

async function node() {
  const logger = recordingLogger();
  const started = await start(createApp({ logger, bus: new RedisBus({ url: redis.url }) }));
  return { ...started, logger, base: `http://127.0.0.1:${started.port}` };
}

describeNeeding('redis-server', 'examples/cluster, two nodes in this process', () => {
  test('a message sent on one node reaches the clients of the other; whispers cross nodes', async () => {
    const a = await node();
    const b = await node();
    const alice = await connect(a.url('/ws/alice'));
    expect(await alice.next()).toMatch(/^Welcome, alice\. Your id is [0-9a-f]{12}-1$/);
    const bob = await connect(b.url('/ws/bob'));
    const welcome = await bob.next();
    expect(await alice.next()).toBe('bob joined');
    const bobId = /Your id is (\S+)$/.exec(String(welcome))![1]!;
    alice.send('hello from A');
    expect(await alice.next()).toBe('You wrote: hello from A');
    expect([[], ['alice joined']]).toContainEqual(await framesBefore(bob, 'alice: hello from A'));
    alice.send(`@${bobId} just you`);
    expect(await alice.next()).toBe('whispered');
    expect(await bob.next()).toBe('alice whispers: just you');
    const res = await fetch(`${b.base}/announce`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'maintenance at 5' });
    expect(await res.json()).toEqual({ local: 1 });
    expect(await bob.next()).toBe('maintenance at 5');
    expect(await alice.next()).toBe('maintenance at 5');
    await bob.close();
    expect(await alice.next()).toBe('bob left');
    expect(await alice.silentFor(100)).toBe(true);
    expect([...a.logger.errors, ...b.logger.errors]).toEqual([]);
  });

  test('app.close() on one node: its @OnClose broadcasts still reach the other node before the bus closes', async () => {
    const a = await node();
    const b = await node();
    const bob = await connect(b.url('/ws/bob'));
    expect(await bob.next()).toMatch(/^Welcome, bob\./);
    const alice = await connect(a.url('/ws/alice'));
    expect(await alice.next()).toMatch(/^Welcome, alice\./);
    expect(await bob.next()).toBe('alice joined');
    bob.send('sync');
    expect(await bob.next()).toBe('You wrote: sync');
    expect([[], ['bob joined']]).toContainEqual(await framesBefore(alice, 'bob: sync'));
    await a.app.close();
    expect(await alice.waitClosed()).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(await bob.next()).toBe('alice left');
  });
});

/**
 * The frames a client receives before `marker`. A notice published on one node just before a client
 * connects to another node may still reach that client (pub/sub has no snapshot of "before"): the
 * tests state exactly which frames may come first, and that the marker comes.
 */
async function framesBefore(client: Client, marker: string): Promise<Frame[]> {
  const before: Frame[] = [];
  for (let frame = await client.next(); frame !== marker; frame = await client.next()) {
    before.push(frame);
    if (before.length > 10) break;
  }
  return before;
}

/** Runs examples/cluster/main.ts in a real node process; resolves with the port its workers share. */
function runMain(env: Record<string, string>): { child: ChildProcess; output: () => string; port: Promise<number>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/fixtures/register-ts.js'), join(ROOT, 'examples/cluster/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = new Promise<number>((resolve, reject) => {
    const look = (): void => {
      const m = /listening on port (\d+) \(2 workers\)/.exec(output);
      if (m !== null) resolve(Number(m[1]));
    };
    child.stdout.on('data', look);
    void exited.then(() => reject(new Error(`main.ts exited before listening:\n${output}`)));
  });
  // A test that expects the failure never awaits the port.
  port.catch(() => undefined);
  return { child, output: () => output, port, exited };
}

interface Member {
  readonly client: Client;
  readonly name: string;
}

/**
 * Connects clients named c0, c1, … to the one port until two of them landed on different workers (the
 * node id starts each connection id): the kernel picks the worker of each connection, by a hash of
 * its addresses. Bounded: 40 connections. The other clients stay connected, so that no "left" notice
 * of theirs can arrive in the middle of a test; their join notices are skipped by `nextChat`.
 */
async function onTwoWorkers(port: number): Promise<[Member, Member]> {
  let first: (Member & { node: string }) | null = null;
  for (let i = 0; i < 40; i++) {
    const name = `c${i}`;
    const client = await connect(`ws://127.0.0.1:${port}/ws/${name}`);
    const node = /^Welcome, c\d+\. Your id is ([0-9a-f]{12})-\d+$/.exec(String(await client.next()))?.[1];
    if (node === undefined) throw new Error(`${name} got no welcome`);
    if (first === null) first = { client, name, node };
    else if (node !== first.node) return [first, { client, name }];
  }
  throw new Error('40 connections all landed on one worker');
}

/** The next frame that is not another client's join notice. */
async function nextChat(client: Client): Promise<Frame> {
  for (let i = 0; i < 50; i++) {
    const frame = await client.next();
    if (!/^c\d+ joined$/.test(String(frame))) return frame;
  }
  throw new Error('50 join notices in a row');
}

describeNeeding('redis-server', 'examples/cluster, real processes (serve with 2 workers)', () => {
  let running: ChildProcess | null = null;
  afterEach(() => {
    // Only the process this test started, by its PID; its workers leave when its IPC channel closes.
    if (running?.pid !== undefined && running.exitCode === null && running.signalCode === null) process.kill(running.pid, 'SIGKILL');
    running = null;
  });

  test('two worker processes on one port: a broadcast from one reaches the other; SIGTERM stops all', async () => {
    const main = runMain({ PORT: '0', WORKERS: '2', REDIS_URL: redis.url });
    running = main.child;
    const port = await within(main.port, 'main.ts to print its port', 60_000);
    const [a, b] = await onTwoWorkers(port);
    a.client.send('across processes');
    expect(await nextChat(a.client)).toBe('You wrote: across processes');
    expect(await nextChat(b.client)).toBe(`${a.name}: across processes`);
    b.client.send('and back');
    expect(await nextChat(b.client)).toBe('You wrote: and back');
    expect(await nextChat(a.client)).toBe(`${b.name}: and back`);
    process.kill(main.child.pid!, 'SIGTERM');
    expect(await a.client.waitClosed(15_000)).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(await b.client.waitClosed(15_000)).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(await within(main.exited, 'main.ts to exit', 15_000)).toBe(0);
  });

  test('when the primary is killed, each worker closes its app gracefully and exits (no orphans)', async () => {
    const main = runMain({ PORT: '0', WORKERS: '2', REDIS_URL: redis.url });
    running = main.child;
    const port = await within(main.port, 'main.ts to print its port', 60_000);
    const workers = childrenOf(main.child.pid!);
    expect(workers).toHaveLength(2);
    const clients = (await onTwoWorkers(port)).map((m) => m.client);
    process.kill(main.child.pid!, 'SIGKILL');
    for (const c of clients) expect(await c.waitClosed(15_000)).toEqual({ code: 1001, reason: 'Server shutting down' });
    // Orphans are reparented away from us, so no exit event reaches this process: poll /proc, bounded.
    await eventually(() => !workers.some(alive), 'the orphaned workers to exit', 15_000);
  });

  test('a worker that cannot reach Redis fails serve() with SWB_ERR_WORKER_FAILED', async () => {
    const main = runMain({ PORT: '0', WORKERS: '2', REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    running = main.child;
    expect(await within(main.exited, 'main.ts to exit', 60_000)).toBe(1);
    expect(main.output()).toMatch(
      /serve\(\): worker [01] \(pid \d+\) failed to start: RedisBus could not reach Redis at redis:\/\/127\.0\.0\.1:\d+ within 5000 ms/,
    );
    expect(main.output()).toContain('[SWB_ERR_WORKER_FAILED]');
  });
});

/** The PIDs of a process's children (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** False once the process has exited (gone, or a zombie nobody has reaped yet). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
