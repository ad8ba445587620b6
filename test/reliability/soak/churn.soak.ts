/**
 * SOAK_CYCLES (default 1,000) connect/disconnect cycles against a server in its own process: its
 * registry and rooms return to empty, its RSS to near the baseline, and it still answers.
 */
import { ServerProcess } from '../child/control';
import { rawUpgrade, frame } from '../raw';
import { bounded, count, cycle, MiB, report } from '../scenarios';

const CYCLES = count('SOAK_CYCLES', 1000);
let server: ServerProcess;

beforeAll(async () => {
  server = await ServerProcess.start();
});
afterAll(() => server.kill());

test(`${CYCLES} connect/disconnect cycles leave nothing behind`, async () => {
  // Warm-up: JIT, uWS's and Node's pools reach their working size before the baseline is taken.
  await bounded(100, 10, () => cycle(server.port, '/echo'));
  const baseline = await server.stats();
  await bounded(CYCLES, 10, () => cycle(server.port, '/echo'));
  const after = await server.stats();
  expect([after.connections, after.lobby, after.closes]).toEqual([0, 0, 100 + CYCLES]);
  const growth = after.rss - baseline.rss;
  report(
    `churn: ${CYCLES} cycles, server RSS ${(baseline.rss / MiB).toFixed(1)} → ${(after.rss / MiB).toFixed(1)} MiB (${(growth / MiB).toFixed(1)} MiB), ` +
      `heap ${(baseline.heapUsed / MiB).toFixed(1)} → ${(after.heapUsed / MiB).toFixed(1)} MiB`,
  );
  expect(growth).toBeLessThan(16 * MiB);
  const raw = await rawUpgrade(server.port, '/echo');
  raw.write(frame(0x1, 'alive'));
  expect((await raw.next()).payload.toString()).toBe('alive');
  raw.destroy();
});
