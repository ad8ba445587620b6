/**
 * Runs the cluster example on WORKERS processes (default 2) sharing REDIS_URL:
 *
 *   redis-server --port 6379 &
 *   npm run build && PORT=8000 WORKERS=2 REDIS_URL=redis://127.0.0.1:6379 node dist/examples/cluster/main.js
 *
 * Each worker is a full switchboard app with its own RedisBus. With uWS.js v20.30 on Linux the workers
 * cannot share a port, so they listen on PORT, PORT+1, …; connect a client to each and watch a
 * message sent on one reach the others. Several machines: run this on each, pointing at one Redis.
 */
import { serve } from 'switchboard';
import { createApp } from './app';

async function main(): Promise<void> {
  const served = await serve({
    workers: Number(process.env.WORKERS ?? 2),
    port: Number(process.env.PORT ?? 8000),
    host: process.env.HOST,
    app: () => createApp(),
  });
  if (served.role === 'worker') return;
  console.log(`listening on ports ${served.ports.join(', ')} (${served.pids.length} workers)`);
  const stop = (): void => void served.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
