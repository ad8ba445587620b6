/**
 * What the inspection page costs the server per refresh, at 1,000, 5,000 and 15,000 idle connections
 * (SOAK_ADMIN_COUNTS overrides, comma-separated), each connection alone in its own room (as many rooms as
 * connections: the worst case for the top-N list). The server runs in its own process (child/server.ts
 * with ADMIN_TOKEN); its CPU time is read over IPC around a bounded run of stats.json requests, less what
 * it spends idle over the same time. The report each node makes every reportInterval (one per refresh at
 * the defaults) is timed too, here in the test process over as many rooms: its one walk is over the rooms
 * (RoomCounts.top(20)); the rest reads counters and the process's CPU and memory figures.
 *
 *   ulimit -n 20000; npx jest -c jest.soak.config.js test/reliability/soak/admin.soak.ts
 */
import { execSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Reporter } from '../../../lib/operate/admin-report';
import { RoomCounts } from '../../../lib/runtime/room-counts';
import { delay } from '../../helpers';
import { ServerProcess } from '../child/control';
import { rawUpgrade, type RawSocket } from '../raw';
import { bounded, report } from '../scenarios';

const counts = (process.env.SOAK_ADMIN_COUNTS ?? '1000,5000,15000').split(',').map(Number);
const TOKEN = 'soak-admin-token-0123456789abcdef';
const REQUESTS = 50;
/** The page's default refresh and reportInterval: one report per refresh. */
const REFRESH_MS = 2000;
const BUDGET_MS = 5;

let server: ServerProcess;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  const limit = Number(execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim());
  const most = Math.max(...counts);
  if (limit < most + 500) throw new Error(`This test needs \`ulimit -n\` of at least ${most + 500} in the shell that runs Jest (it is ${limit})`);
  server = await ServerProcess.start({ ADMIN_TOKEN: TOKEN });
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await server.kill();
});

const cpuMs = async (): Promise<number> => {
  const { user, system } = await server.cpu();
  return (user + system) / 1000;
};

/** Server CPU (ms) over a run of `run`, and its wall time. */
async function measure(run: () => Promise<void>): Promise<{ cpu: number; wall: number }> {
  const cpu = await cpuMs();
  const wall = performance.now();
  await run();
  return { cpu: (await cpuMs()) - cpu, wall: performance.now() - wall };
}

/** The median time (ms) of one node report over `n` connections' worth of rooms of one member each. */
function reportCost(n: number): number {
  const rooms = new RoomCounts();
  for (let i = 0; i < n; i++) rooms.joined(`r${i}`);
  const presence = { rooms: 0, entries: 0, local: 0 };
  const reporter = new Reporter({ nodeId: 'soak', routes: [], connections: () => n, deliveries: () => 0, presence: () => presence, rooms }, REFRESH_MS, 20);
  const times: number[] = [];
  for (let k = 0; k < 21; k++) {
    const t = performance.now();
    reporter.report();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[10]!;
}

test.each(counts)('stats.json at %i idle connections, each in its own room, costs the server at most 5 ms per refresh', async (n) => {
  await bounded(n - sockets.length, 200, async () => {
    sockets.push(await rawUpgrade(server.port, `/room/r${sockets.length}`));
  });
  expect((await server.stats()).connections).toBe(n);
  // Wait for a report that counts them.
  const url = `http://127.0.0.1:${server.port}/admin/stats.json`;
  const headers = { authorization: `Bearer ${TOKEN}` };
  const read = async (): Promise<{ connections: number; rooms: { members: number }[] }> => (await fetch(url, { headers })).json() as never;
  for (let i = 0; i < 100 && (await read()).connections !== n; i++) await delay(100);
  const stats = await read();
  expect(stats.connections).toBe(n);
  expect(stats.rooms).toHaveLength(20);

  const busy = await measure(async () => {
    for (let i = 0; i < REQUESTS; i++) await (await fetch(url, { headers })).arrayBuffer();
  });
  const idle = await measure(() => delay(busy.wall));
  const perRequest = Math.max(0, busy.cpu - idle.cpu) / REQUESTS;
  const perReport = reportCost(n);
  report(
    `admin: ${n} idle connections in ${n} rooms: stats.json ${perRequest.toFixed(3)} ms server CPU per request ` +
      `(${busy.cpu.toFixed(1)} ms over ${REQUESTS} requests in ${busy.wall.toFixed(0)} ms, ${idle.cpu.toFixed(1)} ms idle over as long); ` +
      `a node report over ${n} rooms ${perReport.toFixed(3)} ms; per ${REFRESH_MS / 1000} s refresh ${(perRequest + perReport).toFixed(3)} ms`,
  );
  expect(perRequest + perReport).toBeLessThan(BUDGET_MS);
});
