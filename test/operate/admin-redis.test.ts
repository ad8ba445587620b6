/**
 * app.admin() on RedisBus: two Apps in this process, each with its own RedisBus on a real redis-server,
 * stand for two nodes. The page of either shows both; a node that stops reporting is shown as gone.
 */
import { createClient } from 'redis';
import { App, Connector, OnConnect, WebSocketRoute } from '../../lib';
import { encodeEnvelope, KIND_REPORT, originHeader } from '../../lib/bus/envelope';
import { RedisBus } from '../../lib/redis';
import { describeNeeding } from '../external';
import { closeAll, connect, eventually, recordingLogger, start, type Client } from '../helpers';
import { RedisServer } from '../redis-server';

jest.setTimeout(30_000);

const TOKEN = 'the-cluster-admin-token-0123456';
const INTERVAL = 200;

@WebSocketRoute('/in/:room')
class Rooms {
  @OnConnect()
  connect(ws: Connector) {
    ws.join(ws.params.room!);
    return ws.id;
  }
}

interface Node {
  app: App;
  stats(): Promise<{
    node: string;
    connections: number;
    nodes: { id: string; alive: boolean; connections: number }[];
    rooms: { name: string; members: number }[];
    totals: { delivered: number };
  }>;
  push(body: object): Promise<unknown>;
  join(room: string): Promise<Client>;
}

describeNeeding('redis-server', 'app.admin() across nodes on RedisBus', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis?.stop());
  afterEach(closeAll);

  async function node(prefix: string, logger = recordingLogger()): Promise<Node> {
    const app = new App({ routes: [Rooms], logger, bus: new RedisBus({ url: redis.url, prefix }) }).admin('/admin', {
      token: TOKEN,
      reportInterval: INTERVAL,
    });
    const { port, url } = await start(app);
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    return {
      app,
      stats: async () => (await fetch(`http://127.0.0.1:${port}/admin/stats.json`, { headers })).json() as ReturnType<Node['stats']>,
      push: async (body) => (await fetch(`http://127.0.0.1:${port}/admin/push`, { method: 'POST', headers, body: JSON.stringify(body) })).json(),
      join: async (room) => {
        const c = await connect(url(`/in/${room}`));
        await c.next();
        return c;
      },
    };
  }

  test('each node shows both, connections and rooms summed; a push to a room reaches both; a stopped node is gone', async () => {
    const a = await node('admin-two');
    const b = await node('admin-two');
    await Promise.all([a.join('x'), a.join('x'), a.join('y')]);
    const onB = await Promise.all([b.join('x'), b.join('z')]);
    for (const n of [a, b]) {
      await eventually(
        async () => {
          const s = await n.stats();
          return s.nodes.length === 2 && s.connections === 5 && s.nodes.every((x) => x.alive);
        },
        'both nodes in the stats',
        5000,
      );
      const s = await n.stats();
      expect(s.rooms).toEqual([
        { name: 'x', members: 3 },
        { name: 'y', members: 1 },
        { name: 'z', members: 1 },
      ]);
      expect(s.nodes.map((x) => x.connections).sort()).toEqual([2, 3]);
    }
    expect(await a.push({ room: 'x', event: 'notice', data: 'from a' })).toEqual({ delivered: 2 });
    expect(await onB[0].next()).toBe('{"event":"notice","data":"from a"}');

    const bId = (await b.stats()).node;
    await b.app.close();
    await eventually(
      async () => {
        const s = await a.stats();
        return s.nodes.find((x) => x.id === bId)?.alive === false;
      },
      'node b shown as gone',
      INTERVAL * 3 + 3000,
    );
    const s = await a.stats();
    expect(s.nodes).toHaveLength(2);
    expect(s.nodes.find((x) => x.id === bId)).toMatchObject({ alive: false, connections: 0 });
    expect(s.connections).toBe(3);
    expect(s.rooms).toEqual([
      { name: 'x', members: 2 },
      { name: 'y', members: 1 },
    ]);
  });

  test('a malformed report on the bus is logged and ignored; an app without the page ignores reports', async () => {
    const logger = recordingLogger();
    const a = await node('admin-bad', logger);
    const plain = new App({ routes: [Rooms], logger: recordingLogger(), bus: new RedisBus({ url: redis.url, prefix: 'admin-bad' }) });
    await start(plain);
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      await client.publish('admin-bad:all', encodeEnvelope(originHeader('intruder'), KIND_REPORT, '', '{"node":"x"}')!);
    } finally {
      await client.close();
    }
    await eventually(() => logger.warnings.length > 0, 'the warning', 5000);
    expect(logger.warnings).toEqual(['switchboard: app.admin() ignored a malformed node report (12 characters).']);
    const s = await a.stats();
    expect(s.nodes.map((n) => n.id)).toEqual([s.node]);
  });
});
