/**
 * Presence with recovery: a member that drops and resumes within the window stays in the room (no
 * leave and join for the others); one whose session ends leaves. And a connection can observe a room's
 * presence without being tracked.
 */
import { Connector, OnMessage, WebSocketRoute } from '../../lib';
import { closeAll, connect, start, type Client } from '../helpers';

afterEach(closeAll);

@WebSocketRoute('/p/:name')
class Board {
  @OnMessage('join')
  join(ws: Connector, room: string) {
    return ws.join(room, { presence: { key: ws.params.name! } });
  }
  @OnMessage('observe')
  observe(ws: Connector, room: string) {
    return ws.join(room, { presence: 'observe' });
  }
}

const state = (room: string, data: object): string => JSON.stringify({ event: 'presence_state', room, data });
const diff = (room: string, joins: object, leaves: object): string => JSON.stringify({ event: 'presence_diff', room, data: { joins, leaves } });

/** A subprotocol client (session frame read) that has joined `room` with presence. */
async function member(url: string, room: string, query = ''): Promise<{ c: Client; token: string }> {
  const c = await connect(url + query, {}, ['switchboard']);
  const { session } = (await c.nextJson()) as { session: string };
  c.send(JSON.stringify({ event: 'join', data: room }));
  expect(await c.next()).toBe('{"event":"join","data":true}');
  return { c, token: session };
}

const resume = (token: string): string => `?swb_resume=${encodeURIComponent(JSON.stringify({ session: token, positions: {} }))}`;

describe('presence with recovery', () => {
  test('a resume within the window does not flap the member; the resumed connection gets the state again', async () => {
    const { app, url } = await start({ routes: [Board], recovery: { window: 5000 } });
    const alice = await member(url('/p/alice'), 'board');
    const aliceState = await alice.c.next();
    const bob = await member(url('/p/bob'), 'board');
    await bob.c.next();
    expect(await alice.c.next()).toMatch(/"presence_diff".*"bob"/);
    const before = await app.presence('board');
    alice.c.ws.terminate();
    await alice.c.closed;
    expect(await bob.c.silentFor(200)).toBe(true);
    expect(await app.presence('board')).toEqual(before);
    const back = await connect(url('/p/alice') + resume(alice.token), {}, ['switchboard']);
    expect(await back.nextJson()).toMatchObject({ recovered: true });
    expect(await back.next()).toBe(state('board', before));
    expect(aliceState).toBe(state('board', { alice: before.alice! }));
    expect(await bob.c.silentFor(200)).toBe(true);
    // Still the same member: a close on purpose (1000) ends the session, and its leave reaches bob once.
    await back.close();
    expect(await bob.c.next()).toBe(diff('board', {}, { alice: before.alice! }));
    expect(await bob.c.silentFor(120)).toBe(true);
  });

  test('a session that ends without resuming: the member leaves then', async () => {
    const { app, url } = await start({ routes: [Board], recovery: { window: 300 } });
    const alice = await member(url('/p/alice'), 'board');
    await alice.c.next();
    const bob = await member(url('/p/bob'), 'board');
    await bob.c.next();
    await alice.c.next();
    const entry = (await app.presence('board')).alice!;
    alice.c.ws.terminate();
    expect(await bob.c.silentFor(200)).toBe(true);
    expect(await bob.c.next(15_000)).toBe(diff('board', {}, { alice: entry }));
    expect(Object.keys(await app.presence('board'))).toEqual(['bob']);
  });

  test("presence: 'observe' gets the state and diffs without an entry of its own", async () => {
    const { app, url } = await start({ routes: [Board], recovery: true });
    const alice = await member(url('/p/alice'), 'board');
    await alice.c.next();
    const watcher = await connect(url('/p/watcher'));
    watcher.send('{"event":"observe","data":"board"}');
    expect(await watcher.next()).toBe('{"event":"observe","data":true}');
    const aliceOnly = await app.presence('board');
    expect(await watcher.next()).toBe(state('board', aliceOnly));
    expect(Object.keys(aliceOnly)).toEqual(['alice']);
    const bob = await member(url('/p/bob'), 'board');
    await bob.c.next();
    const bobEntry = (await app.presence('board')).bob!;
    expect(await watcher.next()).toBe(diff('board', { bob: bobEntry }, {}));
    expect(await alice.c.next()).toBe(diff('board', { bob: bobEntry }, {}));
    await watcher.close();
    await bob.c.close();
    expect(await alice.c.next()).toBe(diff('board', {}, { bob: bobEntry }));
    expect(await alice.c.silentFor(120)).toBe(true);
  });
});
