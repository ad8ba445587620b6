/**
 * Which transport an App runs on: the `transport` option, SWITCHBOARD_TRANSPORT, and the automatic choice
 * (uWS when a native build loads, else the portable transport with one warning). "No build" is the real
 * thing, not a simulation: Node.js 26 (ABI 147), for which no uWebSockets.js build exists, runs an App in
 * a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { App, Connector, OnMessage, SwitchboardError, uwsBuild, WebSocketRoute } from '../../lib';
import { describeNeeding, NODE26 } from '../external';
import { closeAll, connect, recordingLogger, start, within } from '../helpers';

const ROOT = join(__dirname, '..', '..');

// Children transpile the sources before they listen: seconds, more on a loaded machine.
jest.setTimeout(60_000);

@WebSocketRoute('/echo')
class Echo {
  @OnMessage()
  message(_ws: Connector, text: string) {
    return `echo:${text}`;
  }
}

const ENV = 'SWITCHBOARD_TRANSPORT';
const saved = process.env[ENV];
afterEach(async () => {
  await closeAll();
  if (saved === undefined) delete process.env[ENV];
  else process.env[ENV] = saved;
});

async function echoes(app: App): Promise<string> {
  const { url } = await start(app);
  const client = await connect(url('/echo'));
  client.send('hi');
  const reply = String(await client.next());
  await client.close();
  return reply;
}

/** The builds this package can load, as uwsBuild() names them. */
const BUILDS = /^(uWebSockets\.js@20\.57\.0 \(@btc-vision\/uwebsockets\.js\)|uws-js-v20\.30@20\.30\.0-unofficial\.0 \(@trufflesuite\/uws-js-unofficial\))$/;

test("transport: 'node' runs on node:http and ws, whatever the environment says, and logs nothing", async () => {
  process.env[ENV] = 'uws';
  const logger = recordingLogger();
  const app = new App({ routes: [Echo], transport: 'node', logger });
  expect(app.transport).toBe('node');
  expect(await echoes(app)).toBe('echo:hi');
  expect(logger.warnings).toEqual([]);
});

test("transport: 'uws' runs on the native build this Node.js loads (or refuses without one)", async () => {
  process.env[ENV] = 'node';
  const build = uwsBuild();
  if (build === null) {
    // The suite running on a Node.js without a build (26): the refusal is covered below, in a child process.
    expect(() => new App({ transport: 'uws' })).toThrow(/\[SWB_ERR_UWS_UNAVAILABLE\]$/);
    return;
  }
  expect(build).toMatch(BUILDS);
  const logger = recordingLogger();
  const app = new App({ routes: [Echo], transport: 'uws', logger });
  expect(app.transport).toBe('uws');
  expect(await echoes(app)).toBe('echo:hi');
  expect(logger.warnings).toEqual([]);
});

test('SWITCHBOARD_TRANSPORT sets the default; unset, a native build wins', () => {
  process.env[ENV] = 'node';
  expect(new App().transport).toBe('node');
  process.env[ENV] = '';
  expect(new App({ logger: recordingLogger() }).transport).toBe(uwsBuild() === null ? 'node' : 'uws');
  delete process.env[ENV];
  expect(new App({ logger: recordingLogger() }).transport).toBe(uwsBuild() === null ? 'node' : 'uws');
});

test("uWS's own JS fallback is never what loads: UWS_USE_FALLBACK (which v20.30's entry point obeys) changes nothing", () => {
  process.env.UWS_USE_FALLBACK = '1';
  try {
    let build: string | null = null;
    jest.isolateModules(() => {
      build = jest.requireActual<typeof import('../../lib/transport/uws-loader')>('../../lib/transport/uws-loader').uwsBuild();
    });
    expect(build).toBe(uwsBuild());
  } finally {
    delete process.env.UWS_USE_FALLBACK;
  }
});

test('a bad choice is refused with the accepted values; allowJsFallback is gone and says what replaces it', () => {
  expect(() => new App({ transport: 'deno' as never })).toThrow(
    new SwitchboardError('SWB_ERR_INVALID_OPTION', `new App(options): option "transport" must be 'uws' or 'node', got "deno".`),
  );
  process.env[ENV] = 'bun';
  expect(() => new App()).toThrow(
    new SwitchboardError(
      'SWB_ERR_INVALID_OPTION',
      `new App(options): option "transport (from the environment variable SWITCHBOARD_TRANSPORT)" must be 'uws' or 'node', got "bun".`,
    ),
  );
  delete process.env[ENV];
  expect(() => new App({ allowJsFallback: true } as never)).toThrow(
    new SwitchboardError(
      'SWB_ERR_INVALID_OPTION',
      `new App(options): option "allowJsFallback" must be absent: it was removed with uWS's JS fallback; use transport: 'node' (or leave it unset to fall back automatically), got true.`,
    ),
  );
});

describeNeeding('node26', 'on Node.js 26, which no uWebSockets.js build supports', () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    // Only the process this test started, by its PID.
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    child = null;
  });

  /** Runs test/fixtures/transport-app.ts on Node.js 26 until it listens or fails; resolves with its lines. */
  function run(transport: string | undefined): Promise<string[]> {
    const env: NodeJS.ProcessEnv = { ...process.env, TRANSPORT: transport };
    delete env[ENV];
    if (transport === undefined) delete env.TRANSPORT;
    const started = spawn(NODE26, ['-r', join(ROOT, 'test/fixtures/register-ts.js'), join(ROOT, 'test/fixtures/transport-app.ts')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let output = '';
    const done = new Promise<string[]>((resolve, reject) => {
      started.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (/^(TRANSPORT|FAILED) .*$/m.test(output)) resolve(output.trim().split('\n'));
      });
      started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      started.once('exit', () => reject(new Error(`the child exited without a result:\n${output}`)));
    });
    return within(done, 'the Node.js 26 child to listen or fail', 45_000);
  }

  /** What the loader reports there: the ABI, the libc and each build's own reason. */
  const report =
    /^no native uWebSockets\.js build loads on Node\.js v26\.\d+\.\d+ \(ABI 147\) on linux-x64 with (glibc \d+\.\d+|musl or another libc \(no glibc\))\. Tried uWebSockets\.js: @btc-vision\/uwebsockets\.js@20\.57\.0 has no binary for this Node\.js ABI \(it has 115, 127, 137, 141\); uws-js-v20\.30: @trufflesuite\/uws-js-unofficial@20\.30\.0-unofficial\.0 has no binary for this Node\.js ABI \(it has 93, 108, 115\)\./;

  test('unset: the portable transport, with one warning that names what failed and what it costs; the app serves', async () => {
    const lines = await run(undefined);
    expect(lines[0]).toBe('BUILD none');
    const warnings = lines.filter((l) => l.startsWith('WARN '));
    expect(warnings).toHaveLength(1);
    const warning = warnings[0]!.slice('WARN switchboard: '.length);
    expect(warning).toMatch(report);
    expect(warning).toMatch(
      / Using the portable transport \(node:http and ws\): it serves the same API, at about \S+ the CPU per message of uWS; see docs\/configuration\.md\. /,
    );
    const port = Number(/^TRANSPORT node LISTENING (\d+)$/m.exec(lines.join('\n'))?.[1]);
    const client = await connect(`ws://127.0.0.1:${port}/echo`);
    client.send('from 26');
    expect(await client.next()).toBe('echo:from 26');
    await client.close();
  });

  test("transport: 'uws' refuses with SWB_ERR_UWS_UNAVAILABLE and the loader's report", async () => {
    const lines = await run('uws');
    const failed = lines.find((l) => l.startsWith('FAILED '));
    expect(failed).toMatch(/^FAILED SWB_ERR_UWS_UNAVAILABLE new App\(\{ transport: 'uws' \}\): no native uWebSockets\.js build loads on Node\.js v26/);
    expect(failed!.slice("FAILED SWB_ERR_UWS_UNAVAILABLE new App({ transport: 'uws' }): ".length)).toMatch(report);
    expect(failed).toMatch(/or use the portable transport: transport: 'node' \(or SWITCHBOARD_TRANSPORT=node\)\. \[SWB_ERR_UWS_UNAVAILABLE\]$/);
  });
});
