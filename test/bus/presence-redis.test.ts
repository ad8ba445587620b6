/**
 * Presence across real processes: three node processes (test/fixtures/presence-node.ts), each an App
 * with a RedisBus on one real redis-server, and ws clients on each. Also: a node killed with SIGKILL,
 * Redis restarted under the nodes, and the figures of 1,000 joins into one room.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import WebSocket from 'ws';
import type { PresenceDiff, PresenceState } from '../../lib/client';
import { connect, eventually, within, type Client } from '../helpers';
import { describeNeeding } from '../external';
import { RedisServer } from '../redis-server';

// Node processes transpile the sources when they start: slow on a loaded machine.
jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
/**
 * The nodes' presenceTtl: a killed node's leaves are due within 4/3 of it plus one window. Short, so the
 * suite is; SWITCHBOARD_PRESENCE_TTL=10000 measures the default's bound (`-t SIGKILL`, about 40 s).
 */
const TTL = Number(process.env.SWITCHBOARD_PRESENCE_TTL ?? 3000);
const LEAVE_BOUND_MS = (TTL * 4) / 3 + 50;

interface NodeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  url(path: string): string;
  presence(room: string): Promise<PresenceState>;
  output(): string;
}

const started: ChildProcess[] = [];

async function startNode(env: Record<string, string>): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/fixtures/register-ts.js'), join(ROOT, 'test/fixtures/presence-node.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const port = await within(
    new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const m = /LISTENING (\d+)/.exec(output);
        if (m !== null) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`a presence node exited (${String(code)}) before listening:\n${output}`)));
    }),
    'a presence node to listen',
    60_000,
  );
  return {
    child,
    port,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    presence: async (room) => (await (await fetch(`http://127.0.0.1:${port}/presence/${encodeURIComponent(room)}`)).json()) as PresenceState,
    output: () => output,
  };
}

/** Ends a node this test started, by its PID. */
function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, signal);
  return within(exited, `node ${child.pid} to exit`, 15_000);
}

interface Member extends Client {
  readonly id: string;
}

/** A client of `node` named `name`; with `room`, joined there with presence and past its state. */
async function member(node: NodeProcess, name: string, room?: string, meta?: object): Promise<Member & { state: unknown }> {
  const client = await connect(node.url(`/presence/${name}`));
  const id = String(await client.next());
  let state: unknown = null;
  if (room !== undefined) {
    client.send(JSON.stringify({ event: 'join', data: { room, meta } }));
    expect(await client.next()).toBe('{"event":"join","data":true}');
    state = await client.nextJson();
  }
  return Object.assign(client, { id, state });
}

const diff = (room: string, joins: object, leaves: object) => ({ event: 'presence_diff', room, data: { joins, leaves } });

let redis: RedisServer;
let nodes: NodeProcess[] = [];

describeNeeding('redis-server', 'presence across three node processes on one Redis', () => {
  beforeAll(async () => {
    redis = await RedisServer.start();
    nodes = await Promise.all([0, 1, 2].map(() => startNode({ REDIS_URL: redis.url, PRESENCE_TTL: String(TTL) })));
  });

  afterAll(async () => {
    await Promise.all(started.map((child) => stop(child, 'SIGTERM').catch(() => stop(child, 'SIGKILL'))));
    await redis?.stop();
  });

  test('clients on each node: the state on join, then diffs for join, meta update, leave and close, each once', async () => {
    const [a, b, c] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    const alice = await member(a, 'alice', 'board', { name: 'Alice' });
    expect(alice.state).toEqual({ event: 'presence_state', room: 'board', data: { alice: { metas: [{ id: alice.id, name: 'Alice' }] } } });
    const bob = await member(b, 'bob', 'board', { name: 'Bob' });
    expect(bob.state).toEqual({
      event: 'presence_state',
      room: 'board',
      data: { alice: { metas: [{ id: alice.id, name: 'Alice' }] }, bob: { metas: [{ id: bob.id, name: 'Bob' }] } },
    });
    expect(await alice.nextJson()).toEqual(diff('board', { bob: { metas: [{ id: bob.id, name: 'Bob' }] } }, {}));
    const carol = await member(c, 'carol', 'board');
    expect(Object.keys((carol.state as { data: object }).data).sort()).toEqual(['alice', 'bob', 'carol']);
    const carolJoined = diff('board', { carol: { metas: [{ id: carol.id }] } }, {});
    expect(await alice.nextJson()).toEqual(carolJoined);
    expect(await bob.nextJson()).toEqual(carolJoined);

    bob.send(JSON.stringify({ event: 'update', data: { room: 'board', meta: { name: 'Bob', away: true } } }));
    expect(await bob.next()).toBe('{"event":"update","data":true}');
    const updated = diff('board', { bob: { metas: [{ id: bob.id, name: 'Bob', away: true }] } }, { bob: { metas: [{ id: bob.id, name: 'Bob' }] } });
    for (const m of [alice, bob, carol]) expect(await m.nextJson()).toEqual(updated);

    bob.send('{"event":"leave","data":"board"}');
    expect(await bob.next()).toBe('{"event":"leave","data":true}');
    const bobLeft = diff('board', {}, { bob: { metas: [{ id: bob.id, name: 'Bob', away: true }] } });
    expect(await alice.nextJson()).toEqual(bobLeft);
    expect(await carol.nextJson()).toEqual(bobLeft);
    await carol.close();
    expect(await alice.nextJson()).toEqual(diff('board', {}, { carol: { metas: [{ id: carol.id }] } }));

    const expected = { alice: { metas: [{ id: alice.id, name: 'Alice' }] } };
    for (const node of nodes) expect(await node.presence('board')).toEqual(expected);
    expect(await alice.silentFor(300)).toBe(true);
    expect(await bob.silentFor(0)).toBe(true);
    await Promise.all([alice.close(), bob.close()]);
  });

  test('one user on two devices (one key), and one room per user to reach every tab on every node', async () => {
    const [a, b, c] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    const watcher = await member(c, 'watcher', 'devices');
    const phone = await member(a, 'alice', 'devices', { device: 'phone' });
    expect(await watcher.nextJson()).toEqual(diff('devices', { alice: { metas: [{ id: phone.id, device: 'phone' }] } }, {}));
    const laptop = await member(b, 'alice', 'devices', { device: 'laptop' });
    // A key's metas come in the order the node learnt them: its own connection's first, here.
    expect(byId(laptop.state as { data: PresenceState })).toEqual({
      event: 'presence_state',
      room: 'devices',
      data: {
        watcher: { metas: [{ id: watcher.id }] },
        alice: {
          metas: [
            { id: phone.id, device: 'phone' },
            { id: laptop.id, device: 'laptop' },
          ].sort((x, y) => x.id.localeCompare(y.id)),
        },
      },
    });
    expect(await watcher.nextJson()).toEqual(diff('devices', { alice: { metas: [{ id: laptop.id, device: 'laptop' }] } }, {}));
    expect(await phone.nextJson()).toEqual(diff('devices', { alice: { metas: [{ id: laptop.id, device: 'laptop' }] } }, {}));

    // Every tab of alice joined `user:alice` on connect: a publish from a node she is not on reaches both.
    const res = await fetch(`http://127.0.0.1:${c.port}/notify/alice`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'you have mail' });
    expect(await res.json()).toEqual({ local: 0 });
    expect(await phone.next()).toBe('you have mail');
    expect(await laptop.next()).toBe('you have mail');

    await phone.close();
    expect(await watcher.nextJson()).toEqual(diff('devices', {}, { alice: { metas: [{ id: phone.id, device: 'phone' }] } }));
    expect(await laptop.nextJson()).toEqual(diff('devices', {}, { alice: { metas: [{ id: phone.id, device: 'phone' }] } }));
    const expected = { watcher: { metas: [{ id: watcher.id }] }, alice: { metas: [{ id: laptop.id, device: 'laptop' }] } };
    for (const node of nodes) expect(await node.presence('devices')).toEqual(expected);
    expect(await watcher.silentFor(200)).toBe(true);
    await Promise.all([watcher.close(), laptop.close()]);
  });

  test(`a node killed with SIGKILL: its members leave every survivor's clients once, within ${LEAVE_BOUND_MS} ms`, async () => {
    const doomed = await startNode({ REDIS_URL: redis.url, PRESENCE_TTL: String(TTL) });
    const watchers = [
      await member(nodes[0]!, 'w0', 'kill'),
      await member(nodes[0]!, 'w1', 'kill'),
      await member(nodes[1]!, 'w2', 'kill'),
      await member(nodes[2]!, 'w3', 'kill'),
    ];
    const d1 = await member(doomed, 'd1', 'kill', { on: 'doomed' });
    const d2 = await member(doomed, 'd2', 'kill');
    // Each watcher has seen the two joins (in one diff or two) before the kill.
    for (const w of watchers) {
      const seen = new Set<string>();
      while (!seen.has('d1') || !seen.has('d2')) for (const key of Object.keys(((await w.nextJson()) as { data: PresenceDiff }).data.joins)) seen.add(key);
    }
    const killedAt = Date.now();
    await stop(doomed.child, 'SIGKILL');
    const leaves = { d1: { metas: [{ id: d1.id, on: 'doomed' }] }, d2: { metas: [{ id: d2.id }] } };
    const latencies: number[] = [];
    for (const w of watchers) {
      expect(await w.nextJson(LEAVE_BOUND_MS + 5000)).toEqual(diff('kill', {}, leaves));
      latencies.push(Date.now() - killedAt);
    }
    // The first watcher's wait bounds the latency of all: they are checked one after the other.
    record('sigkill', { ttl: TTL, bound: LEAVE_BOUND_MS, latencies });
    expect(latencies[0]).toBeLessThanOrEqual(LEAVE_BOUND_MS + 500);
    // No survivor sends them again (each tells only its own clients): silent for a whole ttl more.
    expect(await watchers[0]!.silentFor(TTL)).toBe(true);
    for (const w of watchers) expect(await w.silentFor(0)).toBe(true);
    const expected = Object.fromEntries(watchers.map((w, i) => [`w${i}`, { metas: [{ id: w.id }] }]));
    for (const node of nodes) expect(await node.presence('kill')).toEqual(expected);
    const store = createClient({ url: redis.url });
    await store.connect();
    try {
      expect((await store.hKeys('switchboard:presence:room:kill')).sort()).toEqual(watchers.map((w) => w.id).sort());
    } finally {
      await store.close();
    }
    await Promise.all(watchers.map((w) => w.close()));
  });

  test('Redis restarts: every node re-asserts its entries, the views converge, and the only diff is a real change', async () => {
    const [a, b, c] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    const m1 = await member(a, 'm1', 'restart');
    const m2 = await member(b, 'm2', 'restart');
    const m3 = await member(c, 'm3', 'restart');
    const m4 = await member(b, 'm4', 'restart');
    const drain = async (m: Member, keys: string[]) => {
      const seen = new Set<string>();
      while (keys.some((k) => !seen.has(k))) for (const key of Object.keys(((await m.nextJson()) as { data: PresenceDiff }).data.joins)) seen.add(key);
    };
    await Promise.all([drain(m1, ['m2', 'm3', 'm4']), drain(m2, ['m3', 'm4']), drain(m3, ['m4'])]);
    const before = { m1: { metas: [{ id: m1.id }] }, m2: { metas: [{ id: m2.id }] }, m3: { metas: [{ id: m3.id }] }, m4: { metas: [{ id: m4.id }] } };
    for (const node of nodes) expect(await node.presence('restart')).toEqual(before);

    await redis.kill();
    // While Redis is away, m2 leaves: m4 (same node) hears it at once; the others after the restart.
    m2.send('{"event":"leave","data":"restart"}');
    expect(await m2.next()).toBe('{"event":"leave","data":true}');
    const m2Left = diff('restart', {}, { m2: { metas: [{ id: m2.id }] } });
    expect(await m4.nextJson()).toEqual(m2Left);
    await redis.restart();
    const restartedAt = Date.now();
    expect(await m1.nextJson(15_000)).toEqual(m2Left);
    expect(await m3.nextJson(15_000)).toEqual(m2Left);
    const diffAfter = Date.now() - restartedAt;
    const after = { m1: before.m1, m3: before.m3, m4: before.m4 };
    await eventually(
      async () => (await Promise.all(nodes.map((n) => n.presence('restart')))).every((p) => JSON.stringify(sorted(p)) === JSON.stringify(after)),
      'the views to converge',
      15_000,
    );
    const convergedAfter = Date.now() - restartedAt;
    // Nothing else: no leave and join again for the members that stayed, for more than a ttl.
    for (const m of [m1, m3, m4]) expect(await m.silentFor(TTL + 500)).toBe(true);
    record('redis-restart', { ttl: TTL, diffAfter, convergedAfter, otherFrames: 0 });
    const store = createClient({ url: redis.url });
    await store.connect();
    try {
      expect((await store.hKeys('switchboard:presence:room:restart')).sort()).toEqual([m1.id, m3.id, m4.id].sort());
    } finally {
      await store.close();
    }
    await Promise.all([m1, m2, m3, m4].map((m) => m.close()));
  });

  test('1,000 joins into one room over three nodes: frames and time', async () => {
    const figures = await thousandJoins(nodes, 'crowd-3');
    record('thousand-3-nodes', figures);
    // A frame per member per window, not per join: far below the n²/2 = 499,500 of one diff per join.
    expect(figures.diffFrames).toBeLessThan(100_000);
  });
});

describe('presence on one node process (in-process bus)', () => {
  test('1,000 joins into one room: frames and time', async () => {
    const node = await startNode({ SWITCHBOARD_TEST_BUS: 'local' });
    try {
      const figures = await thousandJoins([node], 'crowd-1');
      record('thousand-1-node', figures);
      expect(figures.diffFrames).toBeLessThan(100_000);
    } finally {
      await stop(node.child, 'SIGTERM');
    }
  });
});

interface Figures {
  members: number;
  nodes: number;
  /** From the first join sent until every member lists all of them. */
  ms: number;
  /** CPU time of the node processes over that time (user + system, from /proc). */
  serverCpuMs: number;
  stateFrames: number;
  diffFrames: number;
  presenceBytes: number;
}

/**
 * Opens 1,000 connections spread over `over`, then makes them all join `room` with presence at once,
 * and waits until each one's view lists all 1,000. The view is only the set of keys (a state replaces
 * it, a diff adds its joins and removes its leaves: each key has one connection here): 1,000 clients in one test process must cost the
 * process little, so that the time measured is the servers'.
 */
async function thousandJoins(over: NodeProcess[], room: string): Promise<Figures> {
  const n = 1000;
  const sockets: WebSocket[] = [];
  const figures: Figures = { members: n, nodes: over.length, ms: 0, serverCpuMs: 0, stateFrames: 0, diffFrames: 0, presenceBytes: 0 };
  let complete = 0;
  let allComplete = (): void => {};
  const done = new Promise<void>((resolve) => (allComplete = resolve));
  try {
    for (let batch = 0; batch < n; batch += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, j) => {
          const i = batch + j;
          const ws = new WebSocket(over[i % over.length]!.url(`/presence/u${i}`));
          sockets.push(ws);
          const view = new Set<string>();
          let full = false;
          ws.on('message', (data: Buffer) => {
            const text = data.toString('utf8');
            if (!text.startsWith('{"event":"presence_')) return;
            figures.presenceBytes += data.length;
            const frame = JSON.parse(text) as { event: string; data: PresenceState | PresenceDiff };
            if (frame.event === 'presence_state') {
              figures.stateFrames++;
              view.clear();
              for (const key of Object.keys(frame.data)) view.add(key);
            } else {
              figures.diffFrames++;
              const { joins, leaves } = frame.data as PresenceDiff;
              for (const key of Object.keys(leaves)) view.delete(key);
              for (const key of Object.keys(joins)) view.add(key);
            }
            if (!full && view.size === n) {
              full = true;
              if (++complete === n) allComplete();
            }
          });
          await within(new Promise((resolve) => ws.once('message', resolve)), 'the id frame', 15_000);
        }),
      );
    }
    const cpu0 = cpuMs(over);
    const t0 = Date.now();
    for (const ws of sockets) ws.send(JSON.stringify({ event: 'join', data: { room } }));
    await within(done, `all ${n} members to see all ${n}`, 60_000);
    figures.ms = Date.now() - t0;
    figures.serverCpuMs = cpuMs(over) - cpu0;
    return figures;
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

/** CPU time used so far by the processes of `nodes`, in ms (Linux counts it in ticks of 10 ms). */
function cpuMs(nodes: NodeProcess[]): number {
  let ticks = 0;
  for (const node of nodes) {
    const stat = readFileSync(`/proc/${node.child.pid!}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

/** The measured figures go to test-artifacts/presence-figures.json (docs/presence.md quotes a run). */
const figuresFile: Record<string, unknown> = {};
function record(name: string, value: unknown): void {
  figuresFile[name] = value;
  const dir = join(ROOT, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'presence-figures.json'), `${JSON.stringify(figuresFile, null, 2)}\n`);
}

/** A frame with each key's metas in the order of their ids. */
function byId<F extends { data: PresenceState }>(frame: F): F {
  const data = Object.fromEntries(Object.entries(frame.data).map(([key, { metas }]) => [key, { metas: [...metas].sort((x, y) => x.id.localeCompare(y.id)) }]));
  return { ...frame, data };
}

/** A presence map with its keys in order, to compare views that learnt their keys in different orders. */
function sorted(state: PresenceState): PresenceState {
  return Object.fromEntries(Object.entries(state).sort(([x], [y]) => x.localeCompare(y)));
}
