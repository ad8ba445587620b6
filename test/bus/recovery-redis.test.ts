/**
 * Recovery on RedisBus (docs/recovery.md): three Apps in this process, each with its own RedisBus on one
 * real redis-server, stand for three nodes; a client drops (no close frame) and resumes on another node.
 * The SIGKILL of a node is in recovery-redis-kill.test.ts (a child process).
 */
import type { App } from '../../lib';
import { connect as connectClient, type Client as SwbClient, type ReconnectInfo } from '../../lib/client';
import { createClient } from 'redis';
import { RedisBus } from '../../lib/redis';
import { describeNeeding } from '../external';
import { closeAll, connect, delay, eventually, recordingLogger, start, type Client } from '../helpers';
import { connects, createRecoveryApp } from '../fixtures/recovery-app';
import { RedisServer } from '../redis-server';
import { flaky } from '../flaky';

jest.setTimeout(30_000);

interface Session {
  session: string;
  recovered: boolean;
  reason?: string;
}

let redis: RedisServer;
const swbClients: SwbClient[] = [];

/** Three nodes on one Redis; `recovery` options for all. */
async function cluster(recovery: object = {}): Promise<{ app: App; bus: RedisBus; url: (path: string) => string; port: number }[]> {
  return Promise.all(
    [0, 1, 2].map(async () => {
      const bus = new RedisBus({ url: redis.url, maxReconnectDelay: 100 });
      return { ...(await start(createRecoveryApp({ recovery, bus, logger: recordingLogger() }))), bus };
    }),
  );
}

async function open(url: string, query = ''): Promise<{ c: Client; s: Session }> {
  const c = await connect(url + query, {}, ['switchboard']);
  const s = (await c.nextJson()) as Session;
  return { c, s };
}

function resumeQuery(token: string, positions: Record<string, [string, number]>, extra = ''): string {
  return `?swb_resume=${encodeURIComponent(JSON.stringify({ session: token, positions }))}${extra}`;
}

/** Sends a JSON event and takes the data of its reply. */
async function ask<T>(c: Client, event: string, data: unknown): Promise<T> {
  c.send(JSON.stringify({ event, data }));
  return ((await c.nextJson()) as { data: T }).data;
}

async function join(c: Client, room: string): Promise<string> {
  return (await ask<{ id: string }>(c, 'join', room)).id;
}

const track = (c: Client, room: string, name: string) => ask<string>(c, 'track', { room, name });

/** Drops the TCP connection without a close frame, as a lost network does. */
async function drop(c: Client): Promise<void> {
  c.ws.terminate();
  await c.closed;
  await delay(50);
}

/** The next `n` JSON frames. */
interface Pushed {
  n?: number;
  pos?: { topic: string; epoch: string; offset: number };
}

async function frames(c: Client, n: number): Promise<Pushed[]> {
  const out: Pushed[] = [];
  for (let i = 0; i < n; i++) out.push((await c.nextJson()) as Pushed);
  return out;
}

describeNeeding('redis-server', 'recovery on RedisBus, three nodes', () => {
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(() => (connects.length = 0));
  afterEach(async () => {
    for (const c of swbClients.splice(0)) c.close();
    await closeAll();
    if (!redis.running) await redis.restart();
  });

  test('away 2 s while 100 pushes from every node go to its room: exactly those in order on another node, then live ones; same id and rooms', async () => {
    const nodes = await cluster();
    const net = flaky();
    const client = connectClient(nodes[0]!.url('/feed'), { WebSocket: net.WebSocket, reconnect: { minDelay: 20, maxDelay: 60 } });
    swbClients.push(client);
    const first = (await client.request('join', 'lobby')) as { id: string };
    const ticks: unknown[] = [];
    client.on('tick', (n) => ticks.push(n));
    const infos: ReconnectInfo[] = [];
    client.onReconnect((info) => infos.push(info));
    nodes[1]!.app.publish('lobby', { event: 'tick', data: 0 });
    await eventually(() => ticks.length === 1, 'the first tick');
    net.offline = true;
    net.drop();
    await eventually(() => client.status === 'reconnecting', 'the drop');
    for (let i = 1; i <= 100; i++) {
      nodes[i % 3]!.app.publish('lobby', { event: 'tick', data: i });
      await delay(20);
    }
    net.port = nodes[2]!.port;
    net.offline = false;
    await eventually(() => infos.length === 1, 'the reconnect', 5000);
    expect(infos).toEqual([{ recovered: true }]);
    await eventually(() => ticks.length === 101, 'the missed ticks');
    nodes[0]!.app.publish('lobby', { event: 'tick', data: 101 });
    await eventually(() => ticks.length === 102, 'the live tick');
    expect(ticks).toEqual(Array.from({ length: 102 }, (_, i) => i));
    expect(await client.request('join', 'lobby')).toEqual({ id: first.id, rooms: ['lobby'], recovered: true });
    expect(nodes[2]!.app.metrics()).toMatch(/^switchboard_recoveries_succeeded_total 1$/m);
  });

  test('pushes published while the resume is read are neither lost nor doubled', async () => {
    const nodes = await cluster();
    const { c, s } = await open(nodes[0]!.url('/feed'));
    await join(c, 'busy');
    await drop(c);
    for (let i = 1; i <= 50; i++) nodes[i % 3]!.app.publish('busy', { n: i });
    let n = 50;
    const publishing = (async () => {
      while (n < 250) {
        n++;
        nodes[n % 3]!.app.publish('busy', { n });
        if (n % 10 === 0) await delay(1);
      }
    })();
    const back = await open(nodes[1]!.url('/feed'), resumeQuery(s.session, {}));
    expect(back.s.recovered).toBe(true);
    await publishing;
    // Nodes publish on their own Redis connections: the order is Redis's (the offsets), each push once.
    const got = await frames(back.c, 250);
    expect(got.map((f) => f.pos!.offset)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(got.map((f) => f.n).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(await back.c.silentFor(100)).toBe(true);
  });

  test('history overflow, or a Redis restarted empty: a new connection, recovered false with the cause', async () => {
    const nodes = await cluster({ historySize: 10 });
    const a = await open(nodes[0]!.url('/feed'));
    await join(a.c, 'lobby');
    await drop(a.c);
    // MAXLEN ~ trims by whole stream nodes (100 entries): far past the size, the start is gone.
    for (let i = 0; i < 400; i++) nodes[1]!.app.publish('lobby', { n: i });
    const back = await open(nodes[2]!.url('/feed'), resumeQuery(a.s.session, {}));
    expect(back.s).toEqual({ session: expect.any(String), recovered: false, reason: 'overflow' });
    expect(connects.at(-1)).toMatchObject({ recovered: false, rooms: [] });

    const b = await open(nodes[0]!.url('/feed'));
    await join(b.c, 'lobby');
    await drop(b.c);
    await redis.kill();
    await redis.restart();
    await eventually(() => nodes.every((n) => n.bus.connected), 'every node back on Redis', 10_000);
    const again = await open(nodes[1]!.url('/feed'), resumeQuery(b.s.session, {}));
    expect(again.s).toMatchObject({ recovered: false, reason: 'unknown' });
  });

  test('a room whose stream Redis lost while the session survived: the epoch changed, recovered false', async () => {
    const nodes = await cluster();
    const { c, s } = await open(nodes[0]!.url('/feed'));
    await join(c, 'lobby');
    nodes[0]!.app.publish('lobby', { n: 1 });
    const pushed = (await c.nextJson()) as { pos: { epoch: string; offset: number } };
    await drop(c);
    expect(await redis.command(['DEL', 'switchboard:m:swb:room:lobby', 'switchboard:h:swb:room:lobby'])).toBe(2);
    nodes[1]!.app.publish('lobby', { n: 2 });
    const back = await open(nodes[2]!.url('/feed'), resumeQuery(s.session, { 'room:lobby': [pushed.pos.epoch, pushed.pos.offset] }));
    expect(back.s).toMatchObject({ recovered: false, reason: 'epoch' });
  });

  test('the guard refusing a resume: no resume, and the session can still be resumed by a later upgrade it passes', async () => {
    const nodes = await cluster();
    const { c, s } = await open(nodes[0]!.url('/feed'));
    await join(c, 'lobby');
    await drop(c);
    nodes[0]!.app.publish('lobby', { n: 1 });
    const refused = await connect(nodes[1]!.url('/feed') + resumeQuery(s.session, {}, '&token=bad'), {}, ['switchboard']);
    expect(await refused.waitClosed()).toEqual({ code: 4403, reason: 'Forbidden' });
    expect(connects).toHaveLength(1);
    expect(nodes[1]!.app.metrics()).toMatch(/^switchboard_recoveries_failed_total\{cause="refused"\} 1$/m);
    const back = await open(nodes[2]!.url('/feed'), resumeQuery(s.session, {}));
    expect(back.s.recovered).toBe(true);
    expect(await back.c.nextJson()).toMatchObject({ n: 1 });
  });

  test('sendTo(id) during the gap is delivered after the resume on another node, then live; exceptSelf pushes are not replayed to their publisher', async () => {
    const nodes = await cluster();
    const { c, s } = await open(nodes[0]!.url('/feed'));
    const id = await join(c, 'lobby');
    c.send('{"event":"say","data":{"room":"lobby","n":7}}');
    await delay(50);
    await drop(c);
    expect(nodes[1]!.app.sendTo(id, { event: 'dm', data: 'while away' })).toBe(true);
    await delay(20);
    const back = await open(nodes[2]!.url('/feed'), resumeQuery(s.session, {}));
    expect(back.s.recovered).toBe(true);
    expect(await back.c.nextJson()).toEqual({ event: 'dm', data: 'while away', pos: { topic: 'direct', epoch: expect.any(String), offset: 1 } });
    expect(await back.c.silentFor(100)).toBe(true);
    expect(nodes[0]!.app.sendTo(id, { live: true })).toBe(true);
    expect(await back.c.nextJson()).toMatchObject({ live: true, pos: { topic: 'direct', offset: 2 } });
    expect(connects.at(-1)).toEqual({ id, recovered: true, rooms: ['lobby'] });
  });

  test('an open connection keeps its session in Redis past the window (refreshed); once parked, past the window it is expired', async () => {
    const nodes = await cluster({ window: 600 });
    const { c, s } = await open(nodes[0]!.url('/feed'));
    await join(c, 'lobby');
    await delay(1500);
    await drop(c);
    nodes[1]!.app.publish('lobby', { n: 1 });
    const back = await open(nodes[2]!.url('/feed'), resumeQuery(s.session, {}));
    expect(back.s.recovered).toBe(true);
    expect(await back.c.nextJson()).toMatchObject({ n: 1 });
    await drop(back.c);
    await delay(700);
    expect((await open(nodes[0]!.url('/feed'), resumeQuery(back.s.session, {}))).s).toMatchObject({ recovered: false, reason: 'expired' });
  });

  test("presence after a resume on another node: the entry is the new node's, and neither the old node's window end nor its close takes it away", async () => {
    const nodes = await cluster({ window: 800 });
    const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    // A member on the old node and one on a third node: each node holds a live view of the room.
    const oldId = await track((await open(a.url('/feed'))).c, 'board', 'old');
    const watcherId = await track((await open(c.url('/feed'))).c, 'board', 'watcher');
    const { c: ann, s } = await open(a.url('/feed'));
    const id = await track(ann, 'board', 'ann');
    const left = { watcher: { metas: [{ id: watcherId, name: 'watcher' }] }, ann: { metas: [{ id, name: 'ann' }] } };
    const board = { old: { metas: [{ id: oldId, name: 'old' }] }, ...left };
    const store = createClient({ url: redis.url });
    await store.connect();
    try {
      /** What each node's app.presence() lists, and the node that owns ann's entry in Redis. */
      const seen = async (from = nodes) => ({
        lists: await Promise.all(from.map((n) => n.app.presence('board'))),
        owner: /,"(\w+)"\]$/.exec((await store.hGet('switchboard:presence:room:board', id)) ?? '')?.[1],
      });
      await eventually(async () => (await seen()).lists.every((list) => Object.keys(list).length === 3), 'the three in every view');
      await drop(ann);
      // Ann's page comes back through another node, resumes there, and joins again with its name.
      const back = await open(b.url('/feed'), resumeQuery(s.session, {}));
      expect(back.s.recovered).toBe(true);
      expect(await track(back.c, 'board', 'ann')).toBe(id);
      // Node b's id starts every connection id it mints.
      const bNode = (await join((await open(b.url('/feed'))).c, 'elsewhere')).split('-')[0]!;
      // The old node's window ends (its parked entry leaves there), then it closes (a deploy): ann stays.
      await delay(1200);
      expect(await seen()).toEqual({ lists: [board, board, board], owner: bNode });
      await a.app.close();
      await delay(300);
      expect(await seen([b, c])).toEqual({ lists: [left, left], owner: bNode });
    } finally {
      await store.close();
    }
  });

  test('app.history reads the room from Redis, with positions, since and limit', async () => {
    const nodes = await cluster();
    for (let i = 1; i <= 5; i++) {
      nodes[i % 3]!.app.publish('log', { n: i });
      await eventually(async () => (await nodes[0]!.app.history('log')).length === i, `push ${i} stored`);
    }
    const items = await nodes[2]!.app.history('log', { since: 2, limit: 2 });
    expect(items).toEqual([
      { position: { epoch: expect.any(String), offset: 4 }, data: { n: 4 } },
      { position: { epoch: expect.any(String), offset: 5 }, data: { n: 5 } },
    ]);
  });
});
