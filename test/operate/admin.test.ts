/**
 * app.admin(): a real app on port 0, real WebSocket clients making traffic, and the admin routes read over
 * real HTTP with and without the token.
 */
import { timingSafeEqual } from 'node:crypto';
import { App, Connector, OnConnect, OnMessage, WebSocketRoute } from '../../lib';
import { closeAll, connect, eventually, recordingLogger, start, type Client } from '../helpers';

// The real timingSafeEqual, watched: the test proves the admin routes compare tokens with it.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const TOKEN = 'a-token-of-sixteen-chars-or-more';
const OTHER = 'another-secret-token-for-bob-0001';

@WebSocketRoute('/chat/:room')
class Chat {
  @OnConnect()
  connect(ws: Connector<{ user: string; visits: number }>) {
    ws.state.user = ws.params.room === 'big' ? 'ann' : 'bob';
    ws.state.visits = 1;
    ws.join(ws.params.room!);
    return ws.id;
  }

  @OnMessage('say')
  say(ws: Connector, text: string) {
    ws.publish(ws.params.room!, { said: text });
    return 'ok';
  }

  @OnMessage('leave')
  leave(ws: Connector) {
    return ws.leave(ws.params.room!);
  }
}

afterEach(closeAll);

interface Admin {
  base: string;
  logger: ReturnType<typeof recordingLogger>;
  app: App;
  url: (path: string) => string;
  get(path: string, token?: string): Promise<{ status: number; json: Record<string, unknown> }>;
  post(path: string, body: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }>;
}

async function admin(options: object = { token: TOKEN }): Promise<Admin> {
  const logger = recordingLogger();
  const app = new App({ routes: [Chat], logger }).admin('/admin', options);
  const { port, url } = await start(app);
  const base = `http://127.0.0.1:${port}/admin`;
  const read = async (response: Response) => ({ status: response.status, json: (await response.json()) as Record<string, unknown> });
  const auth = (token: string | undefined): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` });
  return {
    base,
    logger,
    app,
    url,
    get: async (path, token = TOKEN) => read(await fetch(`${base}/${path}`, { headers: auth(token) })),
    post: async (path, body, token = TOKEN) =>
      read(await fetch(`${base}/${path}`, { method: 'POST', headers: { ...auth(token), 'content-type': 'application/json' }, body: JSON.stringify(body) })),
  };
}

async function join(a: Admin, room: string): Promise<{ c: Client; id: string }> {
  const c = await connect(a.url(`/chat/${room}`));
  return { c, id: (await c.next()) as string };
}

describe('app.admin(): auth', () => {
  test('the data answers 401 without a token or with a wrong one, 200 with it; the page and script need none', async () => {
    const a = await admin();
    for (const token of [undefined, 'wrong', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
      const r = await fetch(`${a.base}/stats.json`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="switchboard admin"');
    }
    expect((await fetch(`${a.base}/stats.json`, { headers: { authorization: TOKEN } })).status).toBe(401); // no "Bearer"
    expect((await a.get('stats.json')).status).toBe(200);
    expect((await fetch(`${a.base}/connection.json?id=x`)).status).toBe(401);
    expect((await a.post('disconnect', { id: 'x' }, 'wrong')).status).toBe(401);
    const page = await fetch(a.base);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/admin/admin.js"></script>');
    const script = await fetch(`${a.base}/admin.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('stats.json');
  });

  test('the token is compared with crypto.timingSafeEqual, against every token', async () => {
    const a = await admin({ tokens: { alice: TOKEN, bob: OTHER } });
    const spy = jest.mocked(timingSafeEqual);
    spy.mockClear();
    expect((await a.get('stats.json', 'a-wrong-guess-of-any-length')).status).toBe(401);
    expect(spy).toHaveBeenCalledTimes(2);
    // alice's token matches first; bob's is compared all the same.
    expect((await a.get('stats.json', TOKEN)).json.operator).toBe('alice');
    expect(spy).toHaveBeenCalledTimes(4);
    expect((await a.get('stats.json', OTHER)).json.operator).toBe('bob');
    expect(spy).toHaveBeenCalledTimes(6);
  });

  test('options are checked', () => {
    const make = (options: unknown) => () => new App().admin('/admin', options as { token: string });
    expect(make(undefined)).toThrow(/SWB_ERR_INVALID_OPTION/);
    expect(make({})).toThrow(/exactly one of the two/);
    expect(make({ token: 'short' })).toThrow(/at least 16 characters/);
    expect(make({ token: 'short' })).not.toThrow(/short/); // the secret is not echoed
    expect(make({ token: TOKEN, tokens: { a: OTHER } })).toThrow(/exactly one/);
    expect(make({ tokens: { 'bad name': TOKEN } })).toThrow(/names of 1–64/);
    expect(make({ tokens: {} })).toThrow(/at least one/);
    expect(make({ token: TOKEN, readonly: 'yes' })).toThrow(/"readonly" must be true or false/);
    expect(make({ token: TOKEN, reportInterval: 5 })).toThrow(/"reportInterval" must be an integer from 100 to 60000/);
    expect(make({ token: TOKEN, colour: 'red' })).toThrow(/unknown option/);
    expect(() => new App().admin('/a/:x', { token: TOKEN })).toThrow(/a path without parameters/);
    const app = new App().admin('/admin', { token: TOKEN });
    expect(() => app.admin('/other', { token: TOKEN })).toThrow(/called twice/);
  });
});

describe('app.admin(): stats.json', () => {
  test('connections, rooms largest first (bounded), rates and totals from real traffic', async () => {
    const a = await admin({ token: TOKEN, reportInterval: 100, topRooms: 2 });
    const big = await Promise.all([1, 2, 3].map(() => join(a, 'big')));
    const small = await Promise.all([1, 2].map(() => join(a, 'small')));
    await join(a, 'tiny');
    for (let i = 0; i < 5; i++) big[0]!.c.send(JSON.stringify({ event: 'say', data: `hi ${i}` }));
    for (const { c } of big) for (let i = 0; i < 5; i++) expect(await c.next()).toMatch(/said|ok/);
    small[0]!.c.send('not json'); // an error frame: invalid_event
    await small[0]!.c.next();
    let stats: Record<string, unknown> = {};
    await eventually(
      async () => {
        stats = (await a.get('stats.json')).json;
        return (stats.totals as { delivered: number }).delivered >= 3 * 5 + 5 + 6 + 1;
      },
      'a report with the traffic',
      5000,
    );
    expect(stats.connections).toBe(6);
    expect(stats.rooms).toEqual([
      { name: 'big', members: 3 },
      { name: 'small', members: 2 },
    ]);
    // Frames in: 5 says and 1 bad frame. Delivered: 6 welcomes, 5 "ok" replies, 15 fan-out deliveries, 1 error frame.
    expect(stats.totals).toEqual({ received: 6, delivered: 6 + 5 + 15 + 1, errors: 0, dropped: 0 });
    const nodes = stats.nodes as { id: string; alive: boolean; connections: number; rooms: number; rss: number; uptime: number }[];
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ id: stats.node, alive: true, connections: 6, rooms: 3 });
    expect(nodes[0]!.rss).toBeGreaterThan(1_000_000);
    const rates = stats.rates as { at: number; received: number; delivered: number }[];
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.reduce((sum, p) => sum + p.received, 0)).toBeGreaterThan(0);
    expect(stats.presence).toEqual({ rooms: 0, entries: 0, local: 0 });
    // A room left and a connection closed are counted out.
    big[1]!.c.send(JSON.stringify({ event: 'leave' }));
    await big[1]!.c.next();
    await big[2]!.c.close();
    await eventually(
      async () =>
        JSON.stringify((await a.get('stats.json')).json.rooms) ===
        JSON.stringify([
          { name: 'small', members: 2 },
          { name: 'big', members: 1 },
        ]),
      'the rooms after leaving',
      5000,
    );
  });
});

describe('app.admin(): one connection', () => {
  test('its detail: route, address, age, rooms, state with values, frames in and out', async () => {
    const a = await admin();
    const { c, id } = await join(a, 'big');
    c.send(JSON.stringify({ event: 'say', data: 'hello' }));
    expect(await c.next()).toBe('{"said":"hello"}');
    expect(await c.next()).toBe('{"event":"say","data":"ok"}');
    const { status, json } = await a.get(`connection.json?id=${encodeURIComponent(id)}`);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      id,
      route: '/chat/:room',
      remoteAddress: '127.0.0.1',
      open: true,
      rooms: ['big'],
      roomCount: 1,
      state: { keys: ['user', 'visits'], values: { user: 'ann', visits: 1 } },
      messagesIn: 1,
      messagesOut: 2, // the welcome and the reply; the room's fan-out goes through uWS, not counted per connection
      bufferedAmount: 0,
    });
    expect(json.age).toBeGreaterThanOrEqual(0);
    expect((await a.get('connection.json?id=nope-1')).status).toBe(404);
    expect((await a.get('connection.json')).status).toBe(400);
  });

  test('disconnect with a close code, push to it and to a room; each action logged with the operator', async () => {
    const a = await admin({ tokens: { alice: TOKEN, bob: OTHER } });
    const one = await join(a, 'lobby');
    const two = await join(a, 'lobby');
    expect((await a.post('push', { id: one.id, event: 'notice', data: { text: 'hi' } })).json).toEqual({ sent: true });
    expect(await one.c.next()).toBe('{"event":"notice","data":{"text":"hi"}}');
    expect((await a.post('push', { room: 'lobby', data: 'plain text' }, OTHER)).json).toEqual({ delivered: 2 });
    expect(await one.c.next()).toBe('plain text');
    expect(await two.c.next()).toBe('plain text');
    expect((await a.post('push', { id: one.id, room: 'lobby', data: 1 })).status).toBe(400);
    expect((await a.post('push', { room: 'lobby' })).status).toBe(400);
    expect((await a.post('disconnect', { id: two.id, code: 999 })).status).toBe(400);
    expect((await a.post('disconnect', { id: two.id, code: 4001, reason: 'kicked' })).json).toEqual({ closed: two.id, code: 4001 });
    expect(await two.c.waitClosed()).toEqual({ code: 4001, reason: 'kicked' });
    expect((await a.post('disconnect', { id: two.id })).status).toBe(404);
    expect(a.logger.warnings).toEqual([
      `switchboard admin: alice pushed "notice" to connection ${one.id}`,
      'switchboard admin: bob pushed a frame to room "lobby"',
      `switchboard admin: alice disconnected ${two.id} with 4001 "kicked"`,
    ]);
    const actions = (await a.get('stats.json')).json.actions as { operator: string; action: string }[];
    expect(actions.map((x) => x.operator)).toEqual(['alice', 'bob', 'alice']);
  });

  test('readonly: actions answer 403 and do nothing; state shows keys without values', async () => {
    const a = await admin({ token: TOKEN, readonly: true });
    const { c, id } = await join(a, 'big');
    expect((await a.post('disconnect', { id })).status).toBe(403);
    expect((await a.post('push', { id, data: 'x' })).status).toBe(403);
    expect((await a.post('push', { room: 'big', data: 'x' })).status).toBe(403);
    expect(await c.silentFor(100)).toBe(true);
    const detail = (await a.get(`connection.json?id=${id}`)).json;
    expect(detail.state).toEqual({ keys: ['user', 'visits'] });
    expect((await a.get('stats.json')).json.readonly).toBe(true);
    expect(await (await fetch(a.base)).text()).toContain('<span class="pill ro">readonly</span>');
    expect(a.logger.warnings).toEqual([]);
  });
});
