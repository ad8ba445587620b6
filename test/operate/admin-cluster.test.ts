/**
 * The cluster view of the inspection page, from reports as the bus carries them (JSON text).
 */
import { ClusterView, parseReport } from '../../lib/operate/admin-cluster';
import type { NodeReport } from '../../lib/operate/admin-report';

const T0 = 1_800_000_000_000;
const INTERVAL = 1000;

function report(node: string, at: number, counters: [number, number, number, number], extra: Partial<NodeReport> = {}): NodeReport {
  return {
    node,
    at,
    interval: INTERVAL,
    startedAt: T0 - 60_000,
    connections: 10,
    cpu: 1.5,
    rss: 100e6,
    heapUsed: 20e6,
    rooms: 2,
    top: [],
    presence: { rooms: 0, entries: 0, local: 0 },
    counters,
    ...extra,
  };
}

test('parseReport takes a well-formed report and refuses anything else', () => {
  const good = report('n1', T0, [1, 2, 3, 4], { top: [{ name: 'a', members: 1 }] });
  expect(parseReport(JSON.stringify(good))).toEqual(good);
  expect(parseReport('not json')).toBeNull();
  expect(parseReport('null')).toBeNull();
  expect(parseReport(JSON.stringify({ ...good, counters: [1, 2, 3] }))).toBeNull();
  expect(parseReport(JSON.stringify({ ...good, top: [{ name: 1, members: 1 }] }))).toBeNull();
  expect(parseReport(JSON.stringify({ ...good, at: 'now' }))).toBeNull();
});

test('rates per second summed over nodes; rooms summed and bounded; a silent node is gone, then forgotten', () => {
  const view = new ClusterView(INTERVAL, 2);
  view.add(
    report('n1', T0, [0, 0, 0, 0], {
      top: [
        { name: 'a', members: 5 },
        { name: 'b', members: 3 },
      ],
    }),
  );
  view.add(
    report('n2', T0 + 100, [100, 0, 0, 0], {
      top: [
        { name: 'b', members: 4 },
        { name: 'c', members: 1 },
      ],
    }),
  );
  view.add(
    report('n1', T0 + 1000, [10, 20, 1, 0], {
      top: [
        { name: 'a', members: 5 },
        { name: 'b', members: 3 },
      ],
    }),
  );
  view.add(
    report('n2', T0 + 1100, [130, 40, 0, 2], {
      top: [
        { name: 'b', members: 4 },
        { name: 'c', members: 1 },
      ],
    }),
  );
  let s = view.stats(T0 + 1200);
  expect(s.connections).toBe(20);
  expect(s.rooms).toEqual([
    { name: 'b', members: 7 },
    { name: 'a', members: 5 },
  ]);
  expect(s.totals).toEqual({ received: 140, delivered: 60, errors: 1, dropped: 2 });
  // One bucket (second T0+1s): n1 10/s received, n2 30/s.
  expect(s.rates).toEqual([{ at: T0 + 1000, received: 40, delivered: 60, errors: 1, dropped: 2 }]);
  expect(s.nodes.map((n) => [n.id, n.alive, n.uptime])).toEqual([
    ['n1', true, 61],
    ['n2', true, 61],
  ]);

  // n2 stops reporting: gone after three intervals, its connections and rooms no longer counted.
  view.add(report('n1', T0 + 5000, [10, 20, 1, 0], { top: [{ name: 'a', members: 5 }] }));
  s = view.stats(T0 + 5000);
  expect(s.nodes.map((n) => [n.id, n.alive])).toEqual([
    ['n1', true],
    ['n2', false],
  ]);
  expect(s.connections).toBe(10);
  expect(s.rooms).toEqual([{ name: 'a', members: 5 }]);
  expect(s.nodes[1]!.connections).toBe(0);
  // Forgotten after 15 minutes of silence.
  expect(view.stats(T0 + 1100 + 15 * 60_000 + 1).nodes.map((n) => n.id)).toEqual(['n1']);
});

test('a counter that goes down (a restart under the same id) gives no negative rate', () => {
  const view = new ClusterView(INTERVAL, 20);
  view.add(report('n1', T0, [100, 100, 0, 0]));
  view.add(report('n1', T0 + 1000, [5, 5, 0, 0]));
  expect(view.stats(T0 + 1000).rates).toEqual([{ at: T0 + 1000, received: 0, delivered: 0, errors: 0, dropped: 0 }]);
});
