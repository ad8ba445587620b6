import { App, Connector, OnConnect, OnMessage, OnUpgrade, SwitchboardError, UpgradeRequest, WebSocketRoute } from '../../lib';
import { closeAll, connect, delay, start, type Client } from '../helpers';

afterEach(closeAll);

const connects: { id: string; recovered: boolean; rooms: string[]; user: unknown }[] = [];

@WebSocketRoute('/feed')
class Feed {
  @OnUpgrade()
  upgrade(req: UpgradeRequest) {
    if (req.queryParams.get('token') === 'bad') return false;
    return { user: req.queryParams.get('token') };
  }
  @OnConnect()
  connect(ws: Connector<{ user: string | null }>) {
    connects.push({ id: ws.id, recovered: ws.recovered, rooms: [...ws.rooms], user: ws.state.user });
  }
  @OnMessage('join')
  join(ws: Connector, room: string) {
    return { joined: ws.join(room), id: ws.id };
  }
  @OnMessage('say')
  say(ws: Connector, msg: { room: string; n: number }) {
    ws.publish(msg.room, { event: 'said', data: msg.n }, { exceptSelf: true });
    return null;
  }
}

@WebSocketRoute('/plain', { recovery: false })
class Plain {
  @OnMessage('join')
  join(ws: Connector, room: string) {
    return ws.join(room);
  }
}

interface Session {
  session: string;
  recovered: boolean;
  reason?: string;
}
interface Pushed {
  event?: string;
  data?: unknown;
  pos?: { topic: string; epoch: string; offset: number };
}

/** A subprotocol client, the session frame read. */
async function open(url: string, query = ''): Promise<{ c: Client; s: Session }> {
  const c = await connect(url + query, {}, ['switchboard']);
  const s = (await c.nextJson()) as Session;
  return { c, s };
}

function resumeQuery(token: string, positions: Record<string, [string, number]>, extra = ''): string {
  return `?swb_resume=${encodeURIComponent(JSON.stringify({ session: token, positions }))}${extra}`;
}

/** Drops the TCP connection without a close frame, as a lost network does. */
async function drop(c: Client): Promise<void> {
  c.ws.terminate();
  await c.closed;
  await delay(50);
}

describe('recovery in process', () => {
  beforeEach(() => (connects.length = 0));

  test('a client away while 100 pushes go to its room gets exactly those, in order, then live ones; same id and rooms', async () => {
    const { app, url } = await start({ routes: [Feed], recovery: { window: 10_000, historySize: 200 } });
    const { c, s } = await open(url('/feed'), '?token=alice');
    expect(s).toEqual({ session: expect.stringMatching(/^[\w-]{22}$/), recovered: false });
    c.send('{"event":"join","data":"lobby"}');
    const joined = (await c.nextJson()) as { data: { id: string } };
    app.publish('lobby', { event: 'tick', data: 0 });
    const first = (await c.nextJson()) as Pushed;
    expect(first).toEqual({ event: 'tick', data: 0, pos: { topic: 'room:lobby', epoch: expect.any(String), offset: 1 } });
    await drop(c);
    for (let i = 1; i <= 100; i++) app.publish('lobby', { event: 'tick', data: i });
    await delay(2000);
    const back = await open(url('/feed'), resumeQuery(s.session, { 'room:lobby': [first.pos!.epoch, 1] }, '&token=alice'));
    expect(back.s).toEqual({ session: expect.any(String), recovered: true });
    expect(back.s.session).not.toBe(s.session);
    for (let i = 1; i <= 100; i++) expect(((await back.c.nextJson()) as Pushed).data).toBe(i);
    app.publish('lobby', { event: 'tick', data: 101 });
    expect(await back.c.nextJson()).toEqual({ event: 'tick', data: 101, pos: { topic: 'room:lobby', epoch: first.pos!.epoch, offset: 102 } });
    expect(connects).toEqual([
      { id: joined.data.id, recovered: false, rooms: [], user: 'alice' },
      { id: joined.data.id, recovered: true, rooms: ['lobby'], user: 'alice' },
    ]);
    expect(app.metrics()).toMatch(/^switchboard_recoveries_succeeded_total 1$/m);
    expect(app.metrics()).toMatch(/^switchboard_history_entries 102$/m);
    expect(app.metrics()).toMatch(/^switchboard_history_topics 1$/m); // the room (the route has no broadcast, so no ring)
  });

  test('history overflow: a new connection (new id, no rooms), recovered false with the cause', async () => {
    const { app, url } = await start({ routes: [Feed], recovery: { historySize: 10 } });
    const { c, s } = await open(url('/feed'));
    c.send('{"event":"join","data":"lobby"}');
    await c.nextJson();
    await drop(c);
    for (let i = 1; i <= 11; i++) app.publish('lobby', { n: i });
    const back = await open(url('/feed'), resumeQuery(s.session, {}));
    expect(back.s).toEqual({ session: expect.any(String), recovered: false, reason: 'overflow' });
    expect(connects[1]!.recovered).toBe(false);
    expect(connects[1]!.id).not.toBe(connects[0]!.id);
    expect(connects[1]!.rooms).toEqual([]);
    app.publish('lobby', { n: 12 });
    expect(await back.c.silentFor(100)).toBe(true);
    expect(app.metrics()).toMatch(/^switchboard_recoveries_failed_total\{cause="overflow"\} 1$/m);
  });

  test('with 10 missed and historySize 10 it still resumes (the bound is exact)', async () => {
    const { app, url } = await start({ routes: [Feed], recovery: { historySize: 10 } });
    const { c, s } = await open(url('/feed'));
    c.send('{"event":"join","data":"lobby"}');
    await c.nextJson();
    await drop(c);
    for (let i = 1; i <= 10; i++) app.publish('lobby', { n: i });
    const back = await open(url('/feed'), resumeQuery(s.session, {}));
    expect(back.s.recovered).toBe(true);
    for (let i = 1; i <= 10; i++) expect(((await back.c.nextJson()) as { n: number }).n).toBe(i);
  });

  test('the guard refusing a resume: no resume, and the session can still be resumed by a later upgrade it passes', async () => {
    const { app, url } = await start({ routes: [Feed], recovery: true });
    const { c, s } = await open(url('/feed'));
    c.send('{"event":"join","data":"lobby"}');
    await c.nextJson();
    await drop(c);
    app.publish('lobby', { n: 1 });
    const refused = await connect(url('/feed') + resumeQuery(s.session, {}, '&token=bad'), {}, ['switchboard']);
    expect(await refused.waitClosed()).toEqual({ code: 4403, reason: 'Forbidden' });
    expect(connects).toHaveLength(1);
    expect(app.metrics()).toMatch(/^switchboard_recoveries_failed_total\{cause="refused"\} 1$/m);
    const back = await open(url('/feed'), resumeQuery(s.session, {}));
    expect(back.s.recovered).toBe(true);
    expect(await back.c.nextJson()).toMatchObject({ n: 1 });
  });

  test('sendTo(id) during the gap is delivered after the resume; exceptSelf pushes are not replayed to their publisher', async () => {
    const { app, url } = await start({ routes: [Feed], recovery: true });
    const { c, s } = await open(url('/feed'));
    c.send('{"event":"join","data":"lobby"}');
    const id = ((await c.nextJson()) as { data: { id: string } }).data.id;
    c.send('{"event":"say","data":{"room":"lobby","n":7}}');
    await delay(50);
    await drop(c);
    expect(app.sendTo(id, { event: 'dm', data: 'while away' })).toBe(true);
    expect(app.sendTo(id, 'text is not recoverable')).toBe(false);
    const back = await open(url('/feed'), resumeQuery(s.session, {}));
    expect(back.s.recovered).toBe(true);
    expect(await back.c.nextJson()).toEqual({ event: 'dm', data: 'while away', pos: { topic: 'direct', epoch: expect.any(String), offset: 1 } });
    expect(await back.c.silentFor(100)).toBe(true);
    expect(app.sendTo(id, { live: true })).toBe(true);
    expect(await back.c.nextJson()).toMatchObject({ live: true, pos: { topic: 'direct', offset: 2 } });
  });

  test('a resume that finds its old connection still open takes it over', async () => {
    const { app, url } = await start({ routes: [Feed], recovery: true });
    const { c, s } = await open(url('/feed'));
    c.send('{"event":"join","data":"lobby"}');
    await c.nextJson();
    const back = await open(url('/feed'), resumeQuery(s.session, {}));
    expect(await c.waitClosed()).toEqual({ code: 4409, reason: 'Session resumed by a new connection' });
    expect(back.s.recovered).toBe(true);
    expect(app.roomSize('lobby')).toBe(1);
  });

  test('after the window, or with an unknown session: recovered false', async () => {
    const { url } = await start({ routes: [Feed], recovery: { window: 1000 } });
    const { c, s } = await open(url('/feed'));
    await drop(c);
    await delay(1100);
    expect((await open(url('/feed'), resumeQuery(s.session, {}))).s).toMatchObject({ recovered: false, reason: 'expired' });
    expect((await open(url('/feed'), resumeQuery('nope', {}))).s).toMatchObject({ recovered: false, reason: 'unknown' });
  });

  test('the wire without recovery, for plain clients and on a route that turned it off, is unchanged', async () => {
    const { app, url } = await start({ routes: [Feed, Plain], recovery: true });
    const plain = await connect(url('/feed'));
    plain.send('{"event":"join","data":"lobby"}');
    await plain.nextJson();
    const off = await connect(url('/plain'), {}, ['switchboard']);
    off.send('{"event":"join","data":"lobby"}');
    expect(await off.next()).toBe('{"event":"join","data":true}');
    app.publish('lobby', 'text');
    app.publish('lobby', [1]);
    expect(await plain.next()).toBe('text');
    expect(await plain.next()).toBe('[1]');
    app.publish('lobby', {});
    expect(await plain.next()).toMatch(/^\{"pos":\{"topic":"room:lobby","epoch":"\w+","offset":1\}\}$/);
    const { app: without, url: url2 } = await start({ routes: [Feed] });
    const c = await connect(url2('/feed'), {}, ['switchboard']);
    c.send('{"event":"join","data":"lobby"}');
    expect(await c.nextJson()).toMatchObject({ event: 'join' });
    without.publish('lobby', { a: 1 });
    expect(await c.next()).toBe('{"a":1}');
  });

  test('app.history: stored pushes with positions, since and limit; errors', async () => {
    const { app } = await start({ routes: [Feed], recovery: true });
    for (let i = 1; i <= 5; i++) app.publish('lobby', { n: i });
    app.publish('lobby', 'not stored');
    const all = await app.history('lobby');
    expect(all.map((h) => h.data)).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
    expect(all[0]!.position).toEqual({ epoch: expect.any(String), offset: 1 });
    expect((await app.history('lobby', { since: 3 })).map((h) => h.position.offset)).toEqual([4, 5]);
    expect((await app.history('lobby', { limit: 2 })).map((h) => h.position.offset)).toEqual([4, 5]);
    expect(await app.history('empty')).toEqual([]);
    expect(() => app.history('lobby', { limit: 0 })).toThrow(/limit must be an integer ≥ 1/);
    const { app: off } = await start({ routes: [Feed] });
    expect(() => off.history('lobby')).toThrow(expect.objectContaining({ code: 'SWB_ERR_RECOVERY_OFF' }) as SwitchboardError);
  });

  test('options are checked', () => {
    expect(() => new App({ recovery: { window: 0 } })).toThrow(/recovery.window/);
    expect(() => new App({ recovery: { size: 3 } as never })).toThrow(/unknown option/);
    expect(() => new App({ recovery: 'yes' as never })).toThrow(/true, false or/);
    // History and sessions live in process: a bus spanning processes would resume nowhere else.
    const otherBus = { open: () => Promise.resolve(), publish: () => 0, sendTo: () => false, close: () => Promise.resolve() } as never;
    expect(() => new App({ bus: otherBus, recovery: true })).toThrow(expect.objectContaining({ code: 'SWB_ERR_INVALID_OPTION' }) as Error);
  });
});
