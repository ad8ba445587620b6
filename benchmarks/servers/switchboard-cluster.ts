/**
 * The fan-out benchmark's server: serve() with WORKERS worker processes, each serving /broadcast
 * (ws.broadcast of every message, the sender included) with a RedisBus on REDIS_URL, or with the
 * in-process bus when REDIS_URL is unset (the baseline). Every worker listens on one port, the kernel
 * spreading connections over them. Prints `PIDS`, then `LISTENING <port>`.
 */
import 'reflect-metadata';
import { App, LocalBus, serve } from '../../lib';
import { RedisBus } from '../../lib/redis';
import { Broadcast } from './switchboard';

async function main(): Promise<void> {
  const url = process.env.REDIS_URL;
  const served = await serve({
    workers: Number(process.env.WORKERS ?? 1),
    port: 0,
    host: '127.0.0.1',
    app: () => new App({ routes: [Broadcast], bus: url === undefined ? new LocalBus() : new RedisBus({ url }) }),
  });
  if (served.role === 'worker') return;
  console.log(`PIDS ${served.pids.join(',')}`);
  console.log(`LISTENING ${served.port}`);
  process.on('SIGTERM', () => void served.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
