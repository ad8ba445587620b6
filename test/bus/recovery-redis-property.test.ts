/**
 * The recovery property on RedisBus: three nodes publish continuously to one room while clients drop
 * and come back, each time to a node picked at random. Every client's pushes from each publisher are
 * gap-free and duplicate-free (one node's pushes keep their order through Redis), or it was told
 * recovered: false and joined again.
 */
import fc from 'fast-check';
import { connect, type Client } from '../../lib/client';
import { RedisBus } from '../../lib/redis';
import { describeNeeding } from '../external';
import { createRecoveryApp } from '../fixtures/recovery-app';
import { flaky, rejoin } from '../flaky';
import { closeAll, delay, eventually, recordingLogger, start } from '../helpers';
import { RedisServer } from '../redis-server';

let redis: RedisServer;
/** Reconnects seen over every run, so the property is known to have tested both outcomes. */
const outcomes = { recovered: 0, reset: 0 };
type Seen = { p: number; k: number } | 'reset';

describeNeeding('redis-server', 'recovery property on RedisBus', () => {
  beforeAll(async () => {
    redis = await RedisServer.start();
    // MAXLEN ~ trims whole stream nodes (100 entries by default): small nodes make historySize 8 hold about 8.
    await redis.command(['CONFIG', 'SET', 'stream-node-max-entries', '4']);
  });
  afterAll(async () => {
    await redis?.stop();
    expect(outcomes.recovered).toBeGreaterThan(0);
    expect(outcomes.reset).toBeGreaterThan(0);
  });

  test('three nodes publishing while clients drop and resume on random nodes: per publisher gap-free and duplicate-free, or told recovered: false', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(8, 1000),
        // Per client: drops, each [when (ms into the run), how long away, the node it comes back to].
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 2 })), { maxLength: 3 }), {
          minLength: 3,
          maxLength: 3,
        }),
        async (historySize, plans) => {
          const nodes = await Promise.all(
            [0, 1, 2].map(() => start(createRecoveryApp({ recovery: { historySize }, logger: recordingLogger(), bus: new RedisBus({ url: redis.url }) }))),
          );
          const seen = plans.map(() => [] as Seen[]);
          const joins: Promise<unknown>[] = [];
          const nets = plans.map(() => flaky());
          const clients: Client[] = nets.map((net, k) => {
            const client = connect(nodes[k]!.url('/feed'), { WebSocket: net.WebSocket, reconnect: { minDelay: 20, maxDelay: 60 } });
            client.on('tick', (data) => seen[k]!.push(data as { p: number; k: number }));
            client.onReconnect((info) => {
              outcomes[info.recovered ? 'recovered' : 'reset']++;
              if (info.recovered) return;
              seen[k]!.push('reset');
              joins.push(rejoin(client, 'r'));
            });
            return client;
          });
          try {
            await Promise.all(clients.map((c) => c.request('join', 'r')));
            const perNode = 80;
            const publishing = nodes.map(async (node, p) => {
              for (let k = 1; k <= perNode; k++) {
                node.app.publish('r', { event: 'tick', data: { p, k } });
                if (k % 5 === 0) await delay(8);
              }
            });
            const dropping = plans.map(async (plan, c) => {
              for (const [at, away, to] of [...plan].sort((a, b) => a[0] - b[0])) {
                await delay(at / plan.length);
                nets[c]!.offline = true;
                nets[c]!.drop();
                await delay(away);
                nets[c]!.port = nodes[to]!.port;
                nets[c]!.offline = false;
              }
            });
            await Promise.all([...publishing, ...dropping]);
            await eventually(() => clients.every((c) => c.status === 'open'), 'every client open', 8000);
            await eventually(async () => (await Promise.all(joins)).length === joins.length, 'the joins again');
            // One more push from each node, which every client must get.
            nodes.forEach((node, p) => node.app.publish('r', { event: 'tick', data: { p, k: perNode + 1 } }));
            const last = (s: Seen[], p: number): number => (s.filter((x) => x !== 'reset' && x.p === p).at(-1) as { k: number } | undefined)?.k ?? 0;
            await eventually(() => seen.every((s) => [0, 1, 2].every((p) => last(s, p) === perNode + 1)), 'every client has the last pushes', 8000);
            for (const s of seen)
              for (const p of [0, 1, 2]) {
                let previous = 0;
                let reset = false;
                for (const x of s) {
                  if (x === 'reset') {
                    reset = true;
                    continue;
                  }
                  if (x.p !== p) continue;
                  if (reset) expect(x.k).toBeGreaterThan(previous);
                  else expect(x.k).toBe(previous + 1);
                  previous = x.k;
                  reset = false;
                }
              }
          } finally {
            for (const c of clients) c.close();
            await closeAll();
          }
        },
      ),
      {
        numRuns: 6,
        examples: [
          [
            8,
            [
              [[100, 120, 1]],
              [
                [50, 10, 2],
                [300, 0, 0],
              ],
              [],
            ],
          ],
        ],
      },
    );
  }, 120_000);
});
