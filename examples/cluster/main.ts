/**
 * Runs the cluster example on WORKERS processes (default 2) sharing REDIS_URL:
 *
 *   redis-server --port 6379 &
 *   npm run build && PORT=8000 WORKERS=2 REDIS_URL=redis://127.0.0.1:6379 node dist/examples/cluster/main.js
 *
 * Each worker is a full switchboard app with its own RedisBus. All of them listen on PORT and the
 * kernel hands each new connection to one of them (SO_REUSEPORT); connect a few clients and watch a
 * message sent on one worker reach the clients of the others (the id in the welcome starts with the
 * worker's node id). Several machines: run this on each, pointing at one Redis. With SWITCHBOARD_ADMIN_TOKEN
 * set, http://localhost:8000/admin shows every worker (served by whichever worker takes the request).
 */
import { serve } from 'switchboard';
import { withAdmin } from '../run-example';
import { createApp } from './app';

async function main(): Promise<void> {
  const served = await serve({
    workers: Number(process.env.WORKERS ?? 2),
    port: Number(process.env.PORT ?? 8000),
    host: process.env.HOST,
    // With SWITCHBOARD_ADMIN_TOKEN, each worker serves /admin; on RedisBus each shows every worker (docs/admin.md).
    app: () => withAdmin(createApp()),
  });
  if (served.role === 'worker') return;
  console.log(`listening on port ${served.port} (${served.pids.length} workers)`);
  const stop = (): void => void served.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
