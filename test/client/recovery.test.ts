import fc from 'fast-check';
import { App, Connector, OnConnect, OnMessage, WebSocketRoute } from '../../lib';
import { connect, type Client, type ReconnectInfo } from '../../lib/client';
import { flaky, rejoin } from '../flaky';
import { closeAll, delay, eventually, start } from '../helpers';

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await closeAll();
});

@WebSocketRoute('/feed')
class Feed {
  @OnConnect()
  connect(ws: Connector) {
    ws.state.recovered = ws.recovered;
  }
  @OnMessage('join')
  join(ws: Connector, room: string) {
    ws.join(room);
    return { id: ws.id, rooms: [...ws.rooms], recovered: ws.state.recovered };
  }
}

function open(url: string, net: ReturnType<typeof flaky>): Client {
  const client = connect(url, { WebSocket: net.WebSocket, reconnect: { minDelay: 20, maxDelay: 60 } });
  clients.push(client);
  return client;
}

describe('switchboard/client with recovery', () => {
  test('away 2 s while 100 pushes go to its room: gets exactly those in order, then live ones; same id and rooms; onReconnect says recovered', async () => {
    const { app, url } = await start({ routes: [Feed], recovery: true });
    const net = flaky();
    const client = open(url('/feed'), net);
    const first = (await client.request('join', 'lobby')) as { id: string };
    const ticks: unknown[] = [];
    client.on('tick', (n) => ticks.push(n));
    const infos: ReconnectInfo[] = [];
    client.onReconnect((info) => infos.push(info));
    app.publish('lobby', { event: 'tick', data: 0 });
    await eventually(() => ticks.length === 1, 'the first tick');
    net.offline = true;
    net.drop();
    await eventually(() => client.status === 'reconnecting', 'the drop');
    for (let i = 1; i <= 100; i++) {
      app.publish('lobby', { event: 'tick', data: i });
      await delay(20);
    }
    net.offline = false;
    await eventually(() => infos.length === 1, 'the reconnect', 5000);
    expect(infos).toEqual([{ recovered: true }]);
    await eventually(() => ticks.length === 101, 'the missed ticks');
    app.publish('lobby', { event: 'tick', data: 101 });
    await eventually(() => ticks.length === 102, 'the live tick');
    expect(ticks).toEqual(Array.from({ length: 102 }, (_, i) => i));
    expect(await client.request('join', 'lobby')).toEqual({ id: first.id, rooms: ['lobby'], recovered: true });
  });

  test('a server restart (history gone): onReconnect gets recovered false with the cause, and the app joins again', async () => {
    const first = await start({ routes: [Feed], recovery: true });
    const net = flaky();
    const client = open(first.url('/feed'), net);
    await client.request('join', 'lobby');
    first.app.publish('lobby', { event: 'tick', data: 1 });
    const infos: ReconnectInfo[] = [];
    client.onReconnect((info) => infos.push(info));
    net.offline = true;
    net.drop();
    await first.app.close();
    // A restarted server: its port may differ (the old one lingers in TIME_WAIT).
    const second = await start({ routes: [Feed], recovery: true });
    net.port = second.port;
    net.offline = false;
    await eventually(() => infos.length === 1, 'the reconnect', 5000);
    expect(infos).toEqual([{ recovered: false, reason: 'unknown' }]);
    expect(await client.request('join', 'lobby')).toMatchObject({ rooms: ['lobby'], recovered: false });
  });
});

describe('recovery property', () => {
  /** Reconnects seen over every run, so the property is known to have tested both outcomes. */
  const outcomes = { recovered: 0, reset: 0 };
  afterAll(() => {
    expect(outcomes.recovered).toBeGreaterThan(0);
    expect(outcomes.reset).toBeGreaterThan(0);
  });

  test('publishing continuously while clients drop and resume at random points: per topic gap-free and duplicate-free, or told recovered: false', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(8, 1000),
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 150 })), { maxLength: 3 }), { minLength: 3, maxLength: 3 }),
        async (historySize, plans) => {
          const app = new App({ routes: [Feed], recovery: { historySize } });
          const { url } = await start(app);
          const seqs = plans.map(() => [] as (number | 'reset')[]);
          const joins: Promise<unknown>[] = [];
          const nets = plans.map(() => flaky());
          const cs = nets.map((net, k) => {
            const client = open(url('/feed'), net);
            client.on('tick', (n) => seqs[k]!.push(n as number));
            client.onReconnect((info) => {
              outcomes[info.recovered ? 'recovered' : 'reset']++;
              if (info.recovered) return;
              seqs[k]!.push('reset');
              joins.push(rejoin(client, 'r'));
            });
            return client;
          });
          await Promise.all(cs.map((c) => c.request('join', 'r')));
          const total = 250;
          const publishing = (async () => {
            for (let i = 1; i <= total; i++) {
              app.publish('r', { event: 'tick', data: i });
              if (i % 5 === 0) await delay(8);
            }
          })();
          const dropping = plans.map(async (plan, k) => {
            for (const [at, away] of [...plan].sort((a, b) => a[0] - b[0])) {
              await delay(at / plan.length);
              nets[k]!.offline = true;
              nets[k]!.drop();
              await delay(away);
              nets[k]!.offline = false;
            }
          });
          await Promise.all([publishing, ...dropping]);
          // Every client back and in the room, then one more push that all must get.
          await eventually(() => cs.every((c) => c.status === 'open'), 'every client open', 8000);
          await eventually(async () => (await Promise.all(joins)).length === joins.length, 'the joins again');
          app.publish('r', { event: 'tick', data: total + 1 });
          await eventually(() => seqs.every((s) => s.at(-1) === total + 1), 'every client has the last push', 8000);
          for (const seq of seqs) {
            let last = 0;
            let reset = false;
            for (const x of seq) {
              if (x === 'reset') {
                reset = true;
                continue;
              }
              if (reset) expect(x).toBeGreaterThan(last);
              else expect(x).toBe(last + 1);
              last = x;
              reset = false;
            }
          }
          for (const c of cs) c.close();
          await app.close();
        },
      ),
      {
        numRuns: 8,
        examples: [
          [
            8,
            [
              [[100, 120]],
              [
                [50, 10],
                [300, 0],
              ],
              [],
            ],
          ],
        ],
      },
    );
  }, 120_000);
});
