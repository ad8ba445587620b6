/**
 * serve(): real worker processes (test/fixtures/serve-worker.ts run by node), this jest process as the primary.
 */
import { join } from 'node:path';
import { App, serve, SwitchboardError, type ServePrimary } from '../lib';
import { canSharePort } from '../lib/transport/uws';
import { connect, recordingLogger, within } from './helpers';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..');
const options = {
  workers: 2,
  port: 0,
  host: '127.0.0.1',
  script: join(ROOT, 'test/fixtures/serve-worker.ts'),
  execArgv: ['-r', join(ROOT, 'test/fixtures/register-ts.js')],
  app: () => new App(),
};

let served: ServePrimary | null = null;
afterEach(async () => {
  await served?.close();
  served = null;
});

test('uWS.js here cannot share a port (no SO_REUSEPORT), and serve() says which mode it used', async () => {
  const shared = await canSharePort();
  const logger = recordingLogger();
  const result = await serve({ ...options, logger });
  if (result.role !== 'primary') throw new Error('jest is the primary');
  served = result;
  expect(result.sharedPort).toBe(shared);
  expect(result.pids).toHaveLength(2);
  if (shared) {
    expect(result.ports[0]).toBe(result.ports[1]);
  } else {
    expect(result.ports[0]).not.toBe(result.ports[1]);
    expect(logger.warnings).toEqual([
      `switchboard: serve(): this uWebSockets.js build cannot share a port between processes (no SO_REUSEPORT), so the 2 workers listen on ports ${result.ports.join(', ')}: put a load balancer in front of them (docs/scale-out.md).`,
    ]);
    for (const [i, port] of result.ports.entries()) {
      const client = await connect(`ws://127.0.0.1:${port}/who`);
      client.send('hi');
      expect(await client.next()).toBe(`hi from worker ${i}`);
      await client.close();
    }
  }
});

test('a worker that dies is restarted on its port, and close() stops every worker', async () => {
  const logger = recordingLogger();
  let restarted: (message: string) => void = () => undefined;
  const logged = new Promise<string>((resolve) => (restarted = resolve));
  const result = await serve({ ...options, logger: { ...logger, error: (message: string) => restarted(message) } });
  if (result.role !== 'primary') throw new Error('jest is the primary');
  served = result;
  const [first, second] = result.pids;
  process.kill(second!, 'SIGKILL');
  expect(await within(logged, 'the restart to be logged', 15_000)).toBe(
    `switchboard: serve(): worker 1 exited (SIGKILL); restarting it on port ${result.ports[1]!}.`,
  );
  // The restart is under way: its new worker answers once listening (bounded wait, no event to await).
  let reply = '';
  for (let i = 0; i < 100 && reply === ''; i++) {
    try {
      const client = await connect(`ws://127.0.0.1:${result.ports[1]!}/who`);
      client.send('again');
      reply = String(await client.next());
      await client.close();
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  expect(reply).toBe('again from worker 1');
  expect(result.pids[0]).toBe(first);
  expect(result.pids[1]).not.toBe(second);
  const pids = result.pids;
  await result.close();
  served = null;
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
});

test('options are validated before anything is forked', () => {
  expect(() => serve({ ...options, workers: 0 })).toThrow(
    new SwitchboardError('SWB_ERR_INVALID_OPTION', 'serve(options): option "workers" must be an integer from 1 to 1024, got 0.'),
  );
  expect(() => serve({ ...options, app: undefined as never })).toThrow('option "app" must be a function () => App');
  expect(() => serve({ ...options, port: -1 })).toThrow('option "port" must be an integer from 0 to 65535, got -1.');
  expect(() => serve({ ...options, execArgv: [1] as never })).toThrow('option "execArgv" must be an array of strings');
  expect(() => serve({ ...options, cores: 2 } as never)).toThrow(
    'option "cores" must be one of app, workers, port, host, script, execArgv, startTimeout, logger',
  );
});
