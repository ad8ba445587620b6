/**
 * The checks switchboard makes before upgrading (uWS v20.30 makes none of these when the request arrives
 * in one read): handshake headers, request-size caps, origins, and @OnUpgrade failures.
 */
import { App, HttpError, OnConnect, OnMessage, OnUpgrade, SwitchboardError, WebSocketRoute } from '../../lib';
import { closeAll, connect, recordingLogger, start, uwsRelease, within } from '../helpers';
import { HOST, rawRequest, upgradeRequest, wsKey } from './raw';

afterEach(closeAll);

let upgrades = 0;

@WebSocketRoute('/ws')
class Guarded {
  @OnUpgrade()
  upgrade() {
    upgrades++;
    return {};
  }

  @OnMessage()
  message(): string {
    return 'pong';
  }
}

beforeEach(() => (upgrades = 0));

async function served(port: number): Promise<void> {
  const c = await connect(`ws://${HOST}:${port}/ws`);
  c.send('ping');
  expect(await c.next()).toBe('pong');
  await c.close();
}

/** Sends a raw request head and returns the status, a header and the body text. */
async function ask(port: number, request: string): Promise<{ status: number; version: string | undefined; body: string }> {
  const raw = await rawRequest(port, request);
  const head = await raw.response();
  const body = head.status === 101 ? '' : await raw.body();
  raw.destroy();
  return { status: head.status, version: head.headers['sec-websocket-version'], body };
}

describe('handshake headers', () => {
  test.each([
    ['missing', null],
    ['empty', ''],
    ['too short (15 bytes)', Buffer.alloc(15, 7).toString('base64')],
    ['too long (17 bytes)', Buffer.alloc(17, 7).toString('base64')],
    ['24 characters but not base64', '!!!!!!!!!!!!!!!!!!!!!!!!'],
    ['non-canonical base64 padding bits', 'AAAAAAAAAAAAAAAAAAAAAB=='],
  ])('Sec-WebSocket-Key %s → 400, no app code runs', async (_name, key) => {
    const { port } = await start({ routes: [Guarded] });
    expect(await ask(port, upgradeRequest(port, '/ws', { 'Sec-WebSocket-Key': key }))).toEqual({
      status: 400,
      version: undefined,
      body: 'Sec-WebSocket-Key must be 16 bytes of base64',
    });
    expect(upgrades).toBe(0);
    await served(port);
  });

  test.each([
    ['8', '8'],
    ['missing', null],
    ['13, 8', '13, 8'],
  ])('Sec-WebSocket-Version %s → 426 naming version 13', async (_name, version) => {
    const { port } = await start({ routes: [Guarded] });
    expect(await ask(port, upgradeRequest(port, '/ws', { 'Sec-WebSocket-Version': version }))).toEqual({
      status: 426,
      version: '13',
      body: 'Sec-WebSocket-Version must be 13',
    });
    expect(upgrades).toBe(0);
  });

  test('a valid key and version 13 upgrade', async () => {
    const { port } = await start({ routes: [Guarded] });
    expect((await ask(port, upgradeRequest(port, '/ws', { 'Sec-WebSocket-Key': wsKey() }))).status).toBe(101);
    expect(upgrades).toBe(1);
  });

  test('a plain GET of a WebSocket path still reaches the HTTP routes: 404, or an app handler on the same path', async () => {
    const { port } = await start({ routes: [Guarded] });
    expect((await ask(port, `GET /ws HTTP/1.1\r\nHost: ${HOST}:${port}\r\n\r\n`)).status).toBe(404);
    const app = new App({ routes: [Guarded], logger: recordingLogger() });
    app.get('/ws', () => 'a page');
    const other = await start(app);
    expect(await ask(other.port, `GET /ws HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`)).toEqual({ status: 200, version: undefined, body: 'a page' });
    expect((await ask(other.port, upgradeRequest(other.port, '/ws', { 'Sec-WebSocket-Key': 'short' }))).status).toBe(400);
    await served(other.port);
  });
});

describe('request-size caps (431 / 414) before any app code', () => {
  const big = 'a'.repeat(100 * 1024);

  test.each([
    ['a 100 KB header line', { 'X-Big': big }, '', 431, 'A header is longer than 8192 bytes'],
    [
      '20 KB of headers in 4 lines',
      { A: 'a'.repeat(5000), B: 'b'.repeat(5000), C: 'c'.repeat(5000), D: 'd'.repeat(5000) },
      '',
      431,
      'Headers longer than 16384 bytes in total',
    ],
    ['a 100 KB query string', {}, `?q=${big}`, 414, 'URL longer than 8192 characters'],
    ['300 query parameters', {}, `?${Array.from({ length: 300 }, (_, i) => `p${i}=1`).join('&')}`, 414, 'More than 256 query parameters'],
  ])('%s', async (_name, headers: Record<string, string>, query, status, body) => {
    const { app, port } = await start({ routes: [Guarded] });
    // uWS v20.57 caps the size of a request's header section itself and answers a bare 431
    // before switchboard sees it; v20.30 and node:http leave the caps to switchboard.
    const upstream = uwsRelease(app) >= 57 && body !== 'More than 256 query parameters';
    expect(await ask(port, upgradeRequest(port, `/ws${query}`, headers))).toEqual(
      upstream ? { status: 431, version: undefined, body: '' } : { status, version: undefined, body },
    );
    expect(upgrades).toBe(0);
    await served(port);
  });

  test('maxHeaderCount: one header past it → 431; within it → 101', async () => {
    const { port } = await start({ routes: [Guarded], maxHeaderCount: 8 });
    const headers = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-H${i}`, 'v']));
    // upgradeRequest sends 5 headers of its own.
    expect(await ask(port, upgradeRequest(port, '/ws', headers(4)))).toEqual({ status: 431, version: undefined, body: 'More than 8 headers' });
    expect((await ask(port, upgradeRequest(port, '/ws', headers(3)))).status).toBe(101);
  });

  test('10,000 headers in one read are refused, and nothing upgrades', async () => {
    const { app, port } = await start({ routes: [Guarded] });
    const many = Array.from({ length: 10_000 }, (_, i) => `X-H${i}: v\r\n`).join('');
    const raw = await rawRequest(port, upgradeRequest(port, '/ws', {}, many));
    const { frames } = await raw.end();
    // An upstream limit of uWS: v20.30 drops the TCP connection without a response, v20.57 answers a bare
    // 431. Node.js 20's node:http parses the request and the header cap answers it, as it does any request
    // over maxHeaderCount; Node.js 26's parser refuses it itself first, with a bare 431 as well.
    const bare = uwsRelease(app) >= 57 || (app.transport === 'node' && Number(process.versions.node.split('.')[0]) >= 26);
    if (bare) expect([raw.head, frames]).toEqual([{ status: 431, headers: { connection: 'close' } }, []]);
    else if (app.transport === 'uws') expect([raw.head, frames]).toEqual([null, []]);
    else
      expect([raw.head, frames]).toEqual([
        { status: 431, headers: { connection: 'close', 'content-length': '20', 'content-type': 'text/plain; charset=utf-8' } },
        [],
      ]);
    expect(upgrades).toBe(0);
    await served(port);
  });

  test('the caps apply to HTTP routes too, before the handler', async () => {
    let calls = 0;
    const app = new App({ logger: recordingLogger(), maxUrlLength: 64 });
    app.get('/h', () => {
      calls++;
      return 'ok';
    });
    const { port } = await start(app);
    const long = await ask(port, `GET /h?q=${'a'.repeat(100)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(long).toEqual({ status: 414, version: undefined, body: '{"error":{"status":414,"message":"URI Too Long"}}' });
    expect(calls).toBe(0);
    expect((await ask(port, `GET /h?q=1 HTTP/1.1\r\nHost: x\r\n\r\n`)).status).toBe(200);
  });

  test.each([
    ['maxHeaderCount', 49, 'an integer from 1 to 48'],
    ['maxHeaderLineBytes', 0, 'an integer from 1 to 2147483647'],
    ['maxUrlLength', 1.5, 'an integer from 1 to 2147483647'],
  ])('option %s = %p is refused at new App()', (name, value, expected) => {
    expect(() => new App({ [name]: value })).toThrow(SwitchboardError);
    expect(() => new App({ [name]: value })).toThrow(`new App(options): option "${name}" must be ${expected}, got ${value}. [SWB_ERR_INVALID_OPTION]`);
  });
});

describe('origins, beyond the basic cases in upgrade.test.ts', () => {
  test.each([
    ['the same host, other scheme (host is what counts, as gorilla/websocket)', (p: number) => `https://${HOST}:${p}`, 101],
    ['the same host in upper case', (p: number) => `http://LOCALHOST.:${p}`.replace('LOCALHOST.', HOST.toUpperCase()), 101],
    ['the same host, another port', (p: number) => `http://${HOST}:${p + 1}`, 403],
    ['a look-alike host', (p: number) => `http://${HOST}:${p}.evil.example`, 403],
    ['"null" (sandboxed frames, file: pages)', () => 'null', 403],
  ])('%s', async (_name, origin, status) => {
    const { port } = await start({ routes: [Guarded] });
    expect((await ask(port, upgradeRequest(port, '/ws', { Origin: origin(port) }))).status).toBe(status);
  });
});

describe('@OnUpgrade failures leave nothing behind', () => {
  function deferred(): { promise: Promise<void>; resolve: () => void } {
    let resolve: () => void = () => undefined;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  }

  test('throws, rejects, or resolves/rejects after the client vanished: no crash, no connection, still serving', async () => {
    const gate = deferred();
    const entered = { count: 0, wake: deferred() };
    let connects = 0;
    @WebSocketRoute('/auth')
    class Auth {
      @OnUpgrade()
      async upgrade(req: { queryParams: URLSearchParams }) {
        const mode = req.queryParams.get('mode');
        if (mode === 'throw-sync') throw new Error('sync failure');
        entered.count++;
        entered.wake.resolve();
        await gate.promise;
        if (mode === 'reject') throw new HttpError(401, 'no');
        if (mode === 'crash') throw new Error('async failure');
        return { ok: true };
      }

      @OnConnect()
      connect() {
        connects++;
        return 'welcome';
      }
    }
    const logger = recordingLogger();
    const { app, port } = await start({ routes: [Auth, Guarded], logger });
    const vanished = [];
    for (const mode of ['accept', 'reject', 'crash']) {
      entered.wake = deferred();
      const raw = await rawRequest(port, upgradeRequest(port, `/auth?mode=${mode}`));
      await within(entered.wake.promise, '@OnUpgrade to start');
      raw.destroy();
      vanished.push(raw.ended);
    }
    await within(Promise.all(vanished), 'the clients to vanish');
    // A full round trip on another connection: uWS has read the FINs queued before it.
    await served(port);
    gate.resolve();
    const sync = await ask(port, upgradeRequest(port, '/auth?mode=throw-sync'));
    expect(sync).toEqual({ status: 500, version: undefined, body: 'Internal Server Error' });
    const c = await connect(`ws://${HOST}:${port}/auth?mode=accept`);
    expect(await c.next()).toBe('welcome');
    expect(entered.count).toBe(4);
    expect(connects).toBe(1);
    expect(app.connectionCount).toBe(1);
    expect(logger.errors.map((e) => (e.error as Error).message).sort()).toEqual(['async failure', 'sync failure']);
  });
});
