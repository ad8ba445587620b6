import { Connector, HttpError, OnClose, OnConnect, OnUpgrade, Query, WebSocketRoute, type UpgradeRequest } from '../../lib';
import { closeAll, connect, delay, eventually, recordingLogger, start, upgradeStatus, within } from '../helpers';

afterEach(closeAll);

@WebSocketRoute('/secure/:room')
class Secure {
  @OnUpgrade()
  async upgrade(req: UpgradeRequest, @Query('token') token: string | null) {
    await delay(5);
    if (token === 'crash') throw new Error('database down');
    if (token === 'teapot') throw new HttpError(418, 'I am a teapot');
    if (token !== 'wst') return false;
    return { user: req.headers['x-user'], room: req.params.room, path: req.url, query: req.queryParams.get('token') };
  }
  @OnConnect()
  connect(ws: Connector<{ user: string }>) {
    return ws.state;
  }
}

describe('@OnUpgrade', () => {
  test('its returned object seeds ws.state; the request is copied and valid after await', async () => {
    const { url } = await start({ routes: [Secure] });
    const c = await connect(url('/secure/lobby?token=wst'), { headers: { 'x-user': 'alice' } });
    expect(await c.nextJson()).toEqual({ user: 'alice', room: 'lobby', path: '/secure/lobby', query: 'wst' });
  });

  test('false → 403, HttpError → its status and message, other errors → 500 and logged', async () => {
    const logger = recordingLogger();
    const { app, url } = await start({ routes: [Secure], logger });
    expect(await upgradeStatus(url('/secure/x?token=nope'))).toEqual({ status: 403, body: 'Forbidden' });
    expect(await upgradeStatus(url('/secure/x?token=teapot'))).toEqual({ status: 418, body: 'I am a teapot' });
    expect(await upgradeStatus(url('/secure/x?token=crash'))).toEqual({ status: 500, body: 'Internal Server Error' });
    expect(logger.errors.map((e) => [e.message, (e.error as Error).message])).toEqual([
      ['switchboard: @OnUpgrade of Secure threw; the upgrade was rejected with 500', 'database down'],
    ]);
    expect(app.connectionCount).toBe(0);
  });

  test('a synchronous @OnUpgrade rejecting with 401', async () => {
    @WebSocketRoute('/sync')
    class Sync {
      @OnUpgrade()
      upgrade(req: UpgradeRequest) {
        if (req.queryParams.get('token') !== 'wst') throw new HttpError(401, 'Bad token');
      }
      @OnConnect()
      connect() {
        return 'in';
      }
    }
    const { url } = await start({ routes: [Sync] });
    expect(await upgradeStatus(url('/sync'))).toEqual({ status: 401, body: 'Bad token' });
    const c = await connect(url('/sync?token=wst'));
    expect(await c.next()).toBe('in');
  });

  test('a client that leaves while @OnUpgrade awaits leaves nothing behind', async () => {
    let entered: () => void = () => undefined;
    let release: () => void = () => undefined;
    let connects = 0;
    let closes = 0;
    const inUpgrade = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    @WebSocketRoute('/slow')
    class Slow {
      @OnUpgrade()
      async upgrade(@Query('wait') wait: string | null) {
        if (wait === null) return {};
        entered();
        await gate;
        return {};
      }
      @OnConnect()
      connect() {
        connects++;
      }
      @OnClose()
      close() {
        closes++;
      }
    }
    const { app, url } = await start({ routes: [Slow] });
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(url('/slow?wait=1'));
    ws.on('error', () => undefined);
    const gone = new Promise((resolve) => ws.once('close', resolve));
    await within(inUpgrade, '@OnUpgrade to start');
    ws.terminate();
    await within(gone, 'the client to be gone');
    release();
    const again = await upgradeStatus(url('/slow'));
    expect(again.status).toBe(101);
    // The server may learn of the first client's departure only after @OnUpgrade has settled and the
    // upgrade has gone ahead (the kernel tells it later); either way every connection made is closed.
    await eventually(() => app.connectionCount === 0 && closes === connects, 'every connection to be closed');
    expect(connects === 1 || connects === 2).toBe(true);
  });
});

describe('origin policy', () => {
  @WebSocketRoute('/default')
  class Default {}
  @WebSocketRoute('/listed', { origins: ['https://app.example.com'] })
  class Listed {}
  @WebSocketRoute('/any', { origins: '*' })
  class Any {}

  test('same-origin and no-origin pass; cross-origin gets 403 unless listed or "*"', async () => {
    const { port, url } = await start({ routes: [Default, Listed, Any] });
    const host = `127.0.0.1:${port}`;
    expect((await upgradeStatus(url('/default'))).status).toBe(101);
    expect((await upgradeStatus(url('/default'), { origin: `http://${host}` })).status).toBe(101);
    expect(await upgradeStatus(url('/default'), { origin: 'https://evil.example.com' })).toEqual({ status: 403, body: 'Origin not allowed' });
    expect((await upgradeStatus(url('/listed'), { origin: 'https://app.example.com' })).status).toBe(101);
    expect((await upgradeStatus(url('/listed'), { origin: 'https://other.example.com' })).status).toBe(403);
    expect((await upgradeStatus(url('/any'), { origin: 'https://anything.example.com' })).status).toBe(101);
  });
});
