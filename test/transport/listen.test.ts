/**
 * app.listen(port) owns its port. uWS v20.30 sets SO_REUSEPORT on every listen unless asked not to, so
 * a second server on a port given by number used to succeed, and the kernel split the connections
 * between the two. The ports here are given by number (picked free first), as `app.listen(8000)` does
 * in production: Linux never lets a second socket join a port it assigned to a bind on port 0, so a
 * port-0 test cannot show the defect.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Connector, OnMessage, SwitchboardError, WebSocketRoute } from '../../lib';
import { NET_REUSE_PORT } from '../../lib/transport/node';
import { connect, recordingLogger, within } from '../helpers';
import { freePort } from '../redis-server';

const ROOT = join(__dirname, '..', '..');

// A child process transpiles the sources before it listens: seconds, more on a loaded machine.
jest.setTimeout(60_000);

function whoRoute(name: string) {
  @WebSocketRoute('/who')
  class Who {
    @OnMessage()
    message(_ws: Connector, text: string) {
      return `${text} from ${name}`;
    }
  }
  return Who;
}

const apps: App[] = [];
let child: ChildProcess | null = null;

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close({ timeout: 2000 })));
  // Only the process this test started, by its PID.
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  child = null;
});

function app(name: string, options: { reusePort?: boolean } = {}): App {
  const made = new App({ routes: [whoRoute(name)], logger: recordingLogger(), ...options });
  apps.push(made);
  return made;
}

/** Opens a connection to the port, sends `text`, returns the reply. */
async function ask(port: number, text: string): Promise<string> {
  const client = await connect(`ws://127.0.0.1:${port}/who`);
  client.send(text);
  const reply = String(await client.next());
  await client.close();
  return reply;
}

async function replies(port: number, count: number): Promise<string[]> {
  const all: string[] = [];
  for (let i = 0; i < count; i++) all.push(await ask(port, 'hi'));
  return all;
}

const inUse = (host: string, port: number): string =>
  `app.listen(): cannot listen on ${host}:${port}: the port is already in use (another process, or another App in this one, listens there). ` +
  'Stop that server or choose another port (0 picks a free one). To share a port between processes on purpose, use serve({ workers }) ' +
  'or give every App new App({ reusePort: true }). [SWB_ERR_PORT_IN_USE]';

/** Runs test/fixtures/listen-app.ts in a node process; resolves with the line it prints. */
function listenInChild(env: Record<string, string>, launcher: readonly string[] = []): Promise<string> {
  const argv = [...launcher, process.execPath, '-r', join(ROOT, 'test/fixtures/register-ts.js'), join(ROOT, 'test/fixtures/listen-app.ts')];
  const started = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  let output = '';
  const line = new Promise<string>((resolve, reject) => {
    started.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const m = /^(LISTENING|FAILED) .*$/m.exec(output);
      if (m !== null) resolve(m[0]);
    });
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    started.once('exit', () => reject(new Error(`the child exited without a result:\n${output}`)));
  });
  return within(line, 'the child to listen or fail', 45_000);
}

test('a second App on the same port rejects with SWB_ERR_PORT_IN_USE, and the first keeps every connection', async () => {
  const port = await freePort();
  expect(await app('the first').listen(port, '127.0.0.1')).toEqual({ port });
  const second = app('the second');
  const error = (await second.listen(port, '127.0.0.1').catch((e: unknown) => e)) as SwitchboardError;
  expect(error).toBeInstanceOf(SwitchboardError);
  expect(error.code).toBe('SWB_ERR_PORT_IN_USE');
  expect(error.message).toBe(inUse('127.0.0.1', port));
  expect(new Set(await replies(port, 20))).toEqual(new Set(['hi from the first']));
});

test('a second App on the same port, without a host (all interfaces), is refused the same way', async () => {
  const port = await freePort();
  await app('the first').listen(port);
  await expect(app('the second').listen(port)).rejects.toThrow(
    `app.listen(): cannot listen on port ${port} (all interfaces): the port is already in use (another process`,
  );
  expect(new Set(await replies(port, 10))).toEqual(new Set(['hi from the first']));
});

test('an App in another process on the same port rejects with SWB_ERR_PORT_IN_USE, and the first keeps every connection', async () => {
  const port = await freePort();
  await app('the first').listen(port, '127.0.0.1');
  expect(await listenInChild({ PORT: String(port), HOST: '127.0.0.1' })).toBe(`FAILED SWB_ERR_PORT_IN_USE ${inUse('127.0.0.1', port)}`);
  expect(new Set(await replies(port, 20))).toEqual(new Set(['hi from the first']));
});

test('this App is refused a port that an App in another process holds', async () => {
  const port = await freePort();
  expect(await listenInChild({ PORT: String(port), HOST: '127.0.0.1' })).toBe(`LISTENING ${port}`);
  await expect(app('this process').listen(port, '127.0.0.1')).rejects.toThrow(inUse('127.0.0.1', port));
  expect(new Set(await replies(port, 10))).toEqual(new Set(['hi from the child']));
});

/**
 * The portable transport shares a port through node:net's SO_REUSEPORT, which Node.js has from 22.12:
 * before that an App alone cannot share (serve() still can, through node:cluster; test/cluster/serve.test.ts).
 */
const cannotShare = new App({ logger: recordingLogger() }).transport === 'node' && !NET_REUSE_PORT;

(cannotShare ? test : test.skip)('reusePort: true on the portable transport before Node.js 22.12: refused, saying what works instead', async () => {
  const port = await freePort();
  await expect(app('A', { reusePort: true }).listen(port, '127.0.0.1')).rejects.toThrow(
    new SwitchboardError(
      'SWB_ERR_REUSEPORT_UNSUPPORTED',
      `app.listen(): reusePort: true needs SO_REUSEPORT, which node:net offers from Node.js 22.12 (this is ${process.version}), ` +
        'and the portable transport listens with node:net. Share the port with serve({ workers }) (its workers share it on any Node.js), or use Node.js 22.12 or later.',
    ),
  );
});

(cannotShare ? test.skip : test)('reusePort: true: two Apps share one port and the kernel gives connections to both', async () => {
  const port = await freePort();
  await app('A', { reusePort: true }).listen(port, '127.0.0.1');
  await app('B', { reusePort: true }).listen(port, '127.0.0.1');
  const seen = new Set<string>();
  // Each new connection goes to either listener (a hash of its addresses): bounded, not timed.
  for (let i = 0; i < 200 && seen.size < 2; i++) seen.add(await ask(port, 'hi'));
  expect(seen).toEqual(new Set(['hi from A', 'hi from B']));
  // Sharing takes both sides: an App without reusePort cannot join them.
  await expect(app('C').listen(port, '127.0.0.1')).rejects.toThrow(inUse('127.0.0.1', port));
});

(cannotShare ? test.skip : test)('reusePort: true cannot join a port whose holder does not share it', async () => {
  const port = await freePort();
  await app('the first').listen(port, '127.0.0.1');
  await expect(app('the second', { reusePort: true }).listen(port, '127.0.0.1')).rejects.toThrow(
    new SwitchboardError(
      'SWB_ERR_PORT_IN_USE',
      `app.listen(): cannot listen on 127.0.0.1:${port}: the port is already in use by a server that does not share it. ` +
        'Every server on a shared port must listen with reusePort: true (serve() workers do) and run as the same user; ' +
        'otherwise stop that server or choose another port.',
    ),
  );
  expect(new Set(await replies(port, 10))).toEqual(new Set(['hi from the first']));
});

test('other failures keep SWB_ERR_LISTEN_FAILED and say why: a host that is not an address of this machine', async () => {
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
  await expect(app('nowhere').listen(0, '192.0.2.1')).rejects.toThrow(
    new SwitchboardError(
      'SWB_ERR_LISTEN_FAILED',
      'app.listen(): cannot listen on 192.0.2.1:0: the host is not an address of this machine (EADDRNOTAVAIL). ' +
        'Use one of its interface addresses, 127.0.0.1, or no host for all interfaces.',
    ),
  );
});

// A port below ip_unprivileged_port_start, in a process without the privilege to bind it. As root, the child
// keeps its user but loses CAP_NET_BIND_SERVICE (setpriv, from util-linux): running it as nobody instead
// would also need the checkout to be readable by nobody, which a clone in a private temp dir is not.
const unprivilegedFrom = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
const withoutBindPrivilege = process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-net_bind_service', '--inh-caps=-net_bind_service'] : [];
(unprivilegedFrom > 1 ? test : test.skip)('other failures keep SWB_ERR_LISTEN_FAILED and say why: a privileged port', async () => {
  const line = await listenInChild({ PORT: '1', HOST: '127.0.0.1' }, withoutBindPrivilege);
  expect(line).toBe(
    'FAILED SWB_ERR_LISTEN_FAILED app.listen(): cannot listen on 127.0.0.1:1: permission denied (EACCES): ports below 1024 need root ' +
      'or the CAP_NET_BIND_SERVICE capability. Use a port from 1024 up. [SWB_ERR_LISTEN_FAILED]',
  );
});
