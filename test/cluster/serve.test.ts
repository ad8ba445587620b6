/**
 * serve(): real worker processes (test/fixtures/serve-worker.ts run by node), this jest process as the primary.
 */
import { join } from 'node:path';
import { App, serve, SwitchboardError, type ServePrimary } from '../../lib';
import { NET_REUSE_PORT } from '../../lib/transport/node';
import { connect, recordingLogger, within } from '../helpers';
import { freePort } from '../redis-server';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..');
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

/** Opens a connection to the port, sends `text`, returns which worker answered. */
async function ask(port: number, text: string): Promise<{ index: number; pid: number }> {
  const client = await connect(`ws://127.0.0.1:${port}/who`);
  client.send(text);
  const reply = String(await client.next());
  await client.close();
  const m = new RegExp(`^${text} from worker (\\d+) pid (\\d+)$`).exec(reply);
  if (m === null) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  return { index: Number(m[1]), pid: Number(m[2]) };
}

test('every worker listens on the one port, and the kernel spreads connections over them', async () => {
  const logger = recordingLogger();
  const result = await serve({ ...options, logger });
  if (result.role !== 'primary') throw new Error('jest is the primary');
  served = result;
  expect(result.port).toBeGreaterThan(0);
  expect(result.pids).toHaveLength(2);
  const seen = new Map<number, number>();
  // Each new connection goes to one worker by a hash of its addresses: bounded, not timed.
  for (let i = 0; i < 100 && seen.size < 2; i++) {
    const { index, pid } = await ask(result.port, 'hi');
    seen.set(index, pid);
  }
  expect(seen).toEqual(
    new Map([
      [0, result.pids[0]],
      [1, result.pids[1]],
    ]),
  );
  expect(logger.warnings).toEqual([]);
  expect(logger.errors).toEqual([]);
});

test('a worker that dies is restarted on the same port, which stays served throughout; close() stops every worker', async () => {
  const logger = recordingLogger();
  let restarted: (message: string) => void = () => undefined;
  const logged = new Promise<string>((resolve) => (restarted = resolve));
  const result = await serve({ ...options, logger: { ...logger, error: (message: string) => restarted(message) } });
  if (result.role !== 'primary') throw new Error('jest is the primary');
  served = result;
  const [first, second] = result.pids;
  process.kill(second!, 'SIGKILL');
  expect(await within(logged, 'the restart to be logged', 15_000)).toBe('switchboard: serve(): worker 1 exited (SIGKILL); restarting it.');
  // Worker 1 is gone (its exit was seen); until its successor listens, worker 0 alone serves the port.
  // Every connection must succeed meanwhile (ask() throws otherwise), until the successor answers.
  let successor = 0;
  let byFirst = 0;
  const deadline = Date.now() + 30_000;
  for (let i = 0; successor === 0 && Date.now() < deadline; i++) {
    const { index, pid } = await ask(result.port, `try${i}`);
    if (index === 1) successor = pid;
    else {
      expect(pid).toBe(first);
      byFirst++;
    }
    await new Promise((r) => setTimeout(r, 20)); // paces the probes; nothing waits on it
  }
  expect(byFirst).toBeGreaterThan(0);
  expect(successor).not.toBe(0);
  expect(successor).not.toBe(second);
  expect(result.pids).toEqual([first, successor]);
  const pids = result.pids;
  await result.close();
  served = null;
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
});

test('a port another server holds fails serve() in the primary, before anything is forked, whether that server shares it or not', async () => {
  // The portable transport shares a port alone only from Node.js 22.12 (node:net's SO_REUSEPORT): before, the sharing holder runs on uWS.
  const sharing = new App({ logger: recordingLogger() }).transport === 'node' && !NET_REUSE_PORT ? { transport: 'uws' as const } : {};
  for (const reusePort of [false, true]) {
    const holder = new App({ logger: recordingLogger(), reusePort, ...(reusePort ? sharing : {}) });
    const port = await freePort();
    await holder.listen(port, '127.0.0.1');
    try {
      await expect(serve({ ...options, port })).rejects.toThrow(
        new SwitchboardError(
          'SWB_ERR_PORT_IN_USE',
          `serve(): cannot listen on 127.0.0.1:${port}: the port is already in use (another process, or another App in this one, listens there). ` +
            "Stop that server or choose another port (0 picks a free one): serve()'s workers never join a port another server holds, even one that shares it.",
        ),
      );
    } finally {
      await holder.close();
    }
  }
});

test('options are validated before anything is forked', () => {
  expect(() => serve({ ...options, workers: 0 })).toThrow(
    new SwitchboardError('SWB_ERR_INVALID_OPTION', 'serve(options): option "workers" must be an integer from 1 to 1024, got 0.'),
  );
  expect(() => serve({ ...options, app: undefined as never })).toThrow('option "app" must be a function () => App');
  expect(() => serve({ ...options, port: -1 })).toThrow('option "port" must be an integer from 0 to 65535, got -1.');
  expect(() => serve({ ...options, execArgv: [1] as never })).toThrow('option "execArgv" must be an array of strings');
  expect(() => serve({ ...options, cores: 2 } as never)).toThrow(
    'option "cores" must be one of app, workers, port, host, script, execArgv, startTimeout, drainTimeout, logger',
  );
});
