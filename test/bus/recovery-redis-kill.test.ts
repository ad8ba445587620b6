/**
 * Recovery on RedisBus after the SIGKILL of the node a client was on: its session and the history are
 * in Redis, so the client resumes on a surviving node (docs/recovery.md). The doomed node is a child
 * process (test/fixtures/recovery-node.ts); the survivors are Apps in this process.
 */
import type { ChildProcess } from 'node:child_process';
import { connect, type Client, type ReconnectInfo } from '../../lib/client';
import { RedisBus } from '../../lib/redis';
import { killChild, startChildNode } from '../child-node';
import { describeNeeding } from '../external';
import { createRecoveryApp } from '../fixtures/recovery-app';
import { flaky } from '../flaky';
import { closeAll, delay, eventually, recordingLogger, start } from '../helpers';
import { RedisServer } from '../redis-server';

jest.setTimeout(60_000);

let redis: RedisServer;
let child: ChildProcess | null = null;
const clients: Client[] = [];

async function startNode(): Promise<{ child: ChildProcess; port: number }> {
  const node = await startChildNode('recovery-node.ts', { REDIS_URL: redis.url });
  child = node.child;
  return node;
}

describeNeeding('redis-server', 'recovery on RedisBus after SIGKILL of the node', () => {
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    if (child !== null) await killChild(child);
    await closeAll();
    await redis?.stop();
  });

  test('a client of a killed node resumes on a survivor: the 100 pushes and the sendTo(id) it missed, in order, then live ones; same id and rooms', async () => {
    const doomed = await startNode();
    const survivors = await Promise.all(
      [0, 1].map(() => start(createRecoveryApp({ recovery: true, logger: recordingLogger(), bus: new RedisBus({ url: redis.url }) }))),
    );
    const net = flaky();
    const client = connect(`ws://127.0.0.1:${doomed.port}/feed`, { WebSocket: net.WebSocket, reconnect: { minDelay: 20, maxDelay: 60 } });
    clients.push(client);
    const first = (await client.request('join', 'lobby')) as { id: string };
    const ticks: unknown[] = [];
    const dms: unknown[] = [];
    client.on('tick', (n) => ticks.push(n));
    client.on('dm', (text) => dms.push(text));
    const infos: ReconnectInfo[] = [];
    client.onReconnect((info) => infos.push(info));
    survivors[0]!.app.publish('lobby', { event: 'tick', data: 0 });
    await eventually(() => ticks.length === 1, 'the first tick');

    net.offline = true;
    await killChild(doomed.child);
    await eventually(() => client.status === 'reconnecting', 'the drop');
    expect(survivors[1]!.app.sendTo(first.id, { event: 'dm', data: 'while away' })).toBe(true);
    for (let i = 1; i <= 100; i++) {
      survivors[0]!.app.publish('lobby', { event: 'tick', data: i });
      await delay(5);
    }
    net.port = survivors[1]!.port;
    net.offline = false;
    await eventually(() => infos.length === 1, 'the reconnect', 10_000);
    expect(infos).toEqual([{ recovered: true }]);
    await eventually(() => ticks.length === 101 && dms.length === 1, 'the missed pushes');
    survivors[0]!.app.publish('lobby', { event: 'tick', data: 101 });
    survivors[0]!.app.sendTo(first.id, { event: 'dm', data: 'live' });
    await eventually(() => ticks.length === 102 && dms.length === 2, 'the live pushes');
    expect(ticks).toEqual(Array.from({ length: 102 }, (_, i) => i));
    expect(dms).toEqual(['while away', 'live']);
    expect(await client.request('join', 'lobby')).toEqual({ id: first.id, rooms: ['lobby'], recovered: true });
  });
});
