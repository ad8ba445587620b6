/**
 * A client that never reads while the server pushes SOAK_PUSH_MB (default 100) MiB: the server's RSS stays
 * bounded by maxBackpressure (1 MiB here), and with closeOnBackpressureLimit the reader is closed.
 */
import { ServerProcess } from '../child/control';
import { rawUpgrade } from '../raw';
import { count, MiB, report } from '../scenarios';

const BYTES = count('SOAK_PUSH_MB', 100) * MiB;
let server: ServerProcess | null = null;

afterEach(async () => {
  await server?.kill();
  server = null;
});

async function pushToStalledReader(closeOnLimit: boolean) {
  server = await ServerProcess.start(closeOnLimit ? { CLOSE_ON_LIMIT: '1' } : {});
  const raw = await rawUpgrade(server.port, '/push');
  expect((await raw.next()).payload.toString()).toBe('ready');
  raw.socket.pause();
  const before = await server.stats();
  const push = await server.push(BYTES);
  const after = await server.stats();
  raw.destroy();
  return { before, push, after };
}

test(`maxBackpressure: ${BYTES / MiB} MiB pushed to a reader that never reads, server RSS bounded`, async () => {
  const { before, push } = await pushToStalledReader(false);
  const growth = push.maxRss - before.rss;
  report(
    `slow consumer: pushed ${BYTES / MiB} MiB (${(push.sent / MiB).toFixed(1)} MiB taken, ${(push.dropped / MiB).toFixed(1)} MiB dropped), ` +
      `server RSS ${(before.rss / MiB).toFixed(1)} MiB before, peak ${(push.maxRss / MiB).toFixed(1)} MiB (+${(growth / MiB).toFixed(1)} MiB)`,
  );
  expect(push.open).toBe(true);
  expect(push.sent + push.dropped).toBe(BYTES);
  expect(push.dropped).toBeGreaterThan(BYTES / 2);
  expect(growth).toBeLessThan(48 * MiB);
});

test('closeOnBackpressureLimit: the stalled reader is closed', async () => {
  const { before, push, after } = await pushToStalledReader(true);
  report(
    `slow consumer, closeOnBackpressureLimit: ${(push.sent / MiB).toFixed(1)} MiB taken before the close, ` +
      `server RSS ${(before.rss / MiB).toFixed(1)} MiB before, peak ${(push.maxRss / MiB).toFixed(1)} MiB`,
  );
  expect(push.open).toBe(false);
  expect(after.connections).toBe(0);
});
