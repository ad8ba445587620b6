import type { App } from 'switchboard';
import { testApp, type TestApp, type TestClient } from 'switchboard/testing';
import { createApp } from '../../examples/rooms/app';
import { recordingLogger } from '../helpers';

let t: TestApp<App>;
afterEach(() => t.close());

interface Member extends TestClient {
  /** The connection id, read from the member's own meta in its first presence_state. */
  readonly id: string;
}

/** Joins `room` as `name`: the reply, then the room's state (the member itself in it). */
async function member(name: string, room: string): Promise<Member> {
  const c = await t.connect('/rooms');
  c.send(JSON.stringify({ event: 'join', data: { name, room }, id: 1 }));
  expect(await c.nextJson()).toEqual({ event: 'join', id: 1, data: { room, recent: expect.any(Array) as unknown } });
  const state = await c.nextJson<{ event: string; room: string; data: Record<string, { metas: { id: string; name: string }[] }> }>();
  expect(state.event).toBe('presence_state');
  expect(state.room).toBe(room);
  const own = state.data[name]!.metas.at(-1)!;
  expect(own.name).toBe(name);
  return Object.assign(c, { id: own.id });
}

const joined = (room: string, name: string, id: string): string =>
  `{"event":"presence_diff","room":"${room}","data":{"joins":{"${name}":{"metas":[{"id":"${id}","name":"${name}"}]}},"leaves":{}}}`;
const left = (room: string, name: string, id: string): string =>
  `{"event":"presence_diff","room":"${room}","data":{"joins":{},"leaves":{"${name}":{"metas":[{"id":"${id}","name":"${name}"}]}}}}`;

describe('examples/rooms', () => {
  test('join answers with the room and its presence; members hear each other, other rooms do not', async () => {
    const logger = recordingLogger();
    t = await testApp(createApp({ logger }));
    const ann = await member('ann', 'lobby');
    const bob = await member('bob', 'lobby');
    expect(await ann.next()).toBe(joined('lobby', 'bob', bob.id));
    const cat = await member('cat', 'kitchen');

    ann.send('{"event":"say","data":"hello lobby"}');
    expect(await bob.nextJson()).toEqual({
      event: 'said',
      data: { name: 'ann', text: 'hello lobby' },
      pos: { topic: 'room:lobby', epoch: expect.any(String) as unknown, offset: 1 },
    });
    await cat.expectSilence(80);
    await ann.expectSilence(0);

    cat.send('{"event":"who","id":5}');
    expect(await cat.next()).toBe('{"event":"who","id":5,"data":{"room":"kitchen","here":["cat"]}}');
    ann.send('{"event":"who","id":6}');
    expect(await ann.next()).toBe('{"event":"who","id":6,"data":{"room":"lobby","here":["ann","bob"]}}');
    expect(logger.errors).toEqual([]);
  });

  test('a join answers with the last messages; a page that drops and comes back gets what it missed, in its room', async () => {
    t = await testApp(createApp({ logger: recordingLogger() }));
    const ann = await member('ann', 'lobby');
    ann.send('{"event":"say","data":"first"}');
    ann.send('{"event":"say","data":"second"}');
    const page = await t.connect('/rooms', { protocols: 'switchboard' });
    const { session } = await page.nextJson<{ session: string }>();
    page.send(JSON.stringify({ event: 'join', data: { name: 'bob', room: 'lobby' }, id: 1 }));
    expect(await page.nextJson()).toEqual({
      event: 'join',
      id: 1,
      data: {
        room: 'lobby',
        recent: [
          { name: 'ann', text: 'first' },
          { name: 'ann', text: 'second' },
        ],
      },
    });
    await page.nextJson(); // its presence_state
    page.drop();
    await page.closed();
    ann.send('{"event":"say","data":"while bob was away"}');
    const back = await t.connect('/rooms', { protocols: 'switchboard', query: { swb_resume: JSON.stringify({ session, positions: {} }) } });
    expect(await back.nextJson()).toMatchObject({ recovered: true });
    expect(await back.nextJson()).toMatchObject({ event: 'said', data: { name: 'ann', text: 'while bob was away' }, pos: { offset: 3 } });
    back.send('{"event":"who","id":2}');
    expect(await back.nextJson()).toMatchObject({ event: 'who', id: 2, data: { room: 'lobby', here: ['ann', 'bob'] } });
  });

  test('switching rooms and leaving are presence diffs; two tabs of one name are one key', async () => {
    t = await testApp(createApp({ logger: recordingLogger() }));
    const ann = await member('ann', 'lobby');
    const bob = await member('bob', 'lobby');
    expect(await ann.next()).toBe(joined('lobby', 'bob', bob.id));
    bob.send(JSON.stringify({ event: 'join', data: { name: 'bob', room: 'garden' }, id: 2 }));
    expect(await bob.next()).toBe('{"event":"join","id":2,"data":{"room":"garden","recent":[]}}');
    expect(await bob.nextJson()).toEqual({ event: 'presence_state', room: 'garden', data: { bob: { metas: [{ id: bob.id, name: 'bob' }] } } });
    expect(await ann.next()).toBe(left('lobby', 'bob', bob.id));
    const tab = await member('bob', 'garden');
    expect(await bob.next()).toBe(joined('garden', 'bob', tab.id));
    await tab.close();
    expect(await bob.next()).toBe(left('garden', 'bob', tab.id));
    bob.send('{"event":"who","id":3}');
    expect(await bob.next()).toBe('{"event":"who","id":3,"data":{"room":"garden","here":["bob"]}}');
  });

  test('bad input gets error frames and the connection stays usable', async () => {
    t = await testApp(createApp({ logger: recordingLogger() }));
    const c = await t.connect('/rooms');
    c.send('{"event":"say","data":"too early","id":1}');
    expect(await c.next()).toBe('{"event":"say","id":1,"error":{"code":"not_in_room","message":"Join a room first"}}');
    c.send('{"event":"join","data":{"name":"","room":"lobby"},"id":2}');
    expect(await c.nextJson()).toEqual({
      event: 'join',
      id: 2,
      error: {
        code: 'validation_failed',
        message: 'room and name must be 1–32 letters, digits, spaces or dashes',
        issues: [{ message: 'room and name must be 1–32 letters, digits, spaces or dashes', path: ['name'] }],
      },
    });
    c.send('{"event":"dance"}');
    expect(await c.next()).toBe('{"event":"dance","error":{"code":"unknown_event","message":"No handler for event \\"dance\\""}}');
    c.send('{"event":"join","data":{"name":"ok","room":"lobby"},"id":3}');
    expect(await c.next()).toBe('{"event":"join","id":3,"data":{"room":"lobby","recent":[]}}');
  });

  test('the page is served at /, and the client it imports at /switchboard/client.js', async () => {
    t = await testApp(createApp({ logger: recordingLogger() }));
    const res = await t.fetch('/');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('<title>Rooms</title>');
    expect(html).toContain("import { connect, presence } from '/switchboard/client.js';");
    expect((await t.fetch('/switchboard/client.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });
});
