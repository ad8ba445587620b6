/**
 * SOAK_CONNECTIONS (default 10,000) idle connections held at once against a server in its own process,
 * each answering a ping; reports the server's memory per connection.
 */
import { execSync } from 'node:child_process';
import { ServerProcess } from '../child/control';
import { count, MiB, openIdle, pingAll, report } from '../scenarios';
import type { RawSocket } from '../raw';
import { within } from '../../helpers';

const N = count('SOAK_CONNECTIONS', 10_000);
let server: ServerProcess;
let sockets: RawSocket[] = [];

beforeAll(async () => {
  // This process holds one descriptor per client connection: fail clearly rather than with EMFILE.
  const limit = Number(execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim());
  if (limit < N + 500) throw new Error(`SOAK_CONNECTIONS=${N} needs \`ulimit -n\` of at least ${N + 500} in the shell that runs Jest (it is ${limit})`);
  server = await ServerProcess.start();
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await server.kill();
});

test(`${N} concurrent idle connections each answer a ping and an echo; memory per connection is reported`, async () => {
  // Warm-up, so the baseline already has uWS's and Node's pools at working size.
  for (const s of await openIdle(server.port, '/echo', 200, 100)) s.destroy();
  await within(
    (async () => {
      while ((await server.stats()).connections > 0) await new Promise((resolve) => setImmediate(resolve));
    })(),
    'the warm-up connections to close',
    30_000,
  );
  const before = await server.stats();
  sockets = await openIdle(server.port, '/echo', N, 200);
  const held = await server.stats();
  expect(held.connections).toBe(N);
  expect(held.lobby).toBe(N);
  expect(await pingAll(sockets, 60_000)).toBe(N);
  const perConnection = (held.rss - before.rss) / N;
  report(
    `idle: ${N} connections, server RSS ${(before.rss / MiB).toFixed(1)} → ${(held.rss / MiB).toFixed(1)} MiB, ` +
      `${(perConnection / 1024).toFixed(2)} KiB RSS and ${((held.heapUsed - before.heapUsed) / N / 1024).toFixed(2)} KiB JS heap per connection`,
  );
  // A generous bound: the Connector, uWS's socket and its buffers come to a few KiB.
  expect(perConnection).toBeLessThan(64 * 1024);
  for (const s of sockets) s.destroy();
  sockets = [];
});
