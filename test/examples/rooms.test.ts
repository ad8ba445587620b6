import type { App } from 'switchboard';
import { testApp, type TestApp, type TestClient } from 'switchboard/testing';
import { createApp } from '../../examples/rooms/app';
import { recordingLogger } from '../helpers';

let t: TestApp<App>;
afterEach(() => t.close());

async function member(name: string, room: string): Promise<TestClient> {
  const c = await t.connect('/rooms');
  c.send(JSON.stringify({ event: 'join', data: { name, room }, id: 1 }));
  return c;
}

describe('examples/rooms', () => {
  test('join answers with the room size; members hear each other, other rooms do not', async () => {
    const logger = recordingLogger();
    t = await testApp(createApp({ logger }));
    const ann = await member('ann', 'lobby');
    expect(await ann.next()).toBe('{"event":"join","id":1,"data":{"room":"lobby","here":1}}');
    const bob = await member('bob', 'lobby');
    expect(await bob.next()).toBe('{"event":"join","id":1,"data":{"room":"lobby","here":2}}');
    expect(await ann.next()).toBe('{"event":"presence","data":{"name":"bob","joined":true}}');
    const cat = await member('cat', 'kitchen');
    expect(await cat.next()).toBe('{"event":"join","id":1,"data":{"room":"kitchen","here":1}}');

    ann.send('{"event":"say","data":"hello lobby"}');
    expect(await bob.next()).toBe('{"event":"said","data":{"name":"ann","text":"hello lobby"}}');
    await cat.expectSilence(50);
    await ann.expectSilence(0);

    cat.send('{"event":"who","id":5}');
    expect(await cat.next()).toBe('{"event":"who","id":5,"data":{"room":"kitchen","here":1}}');
    expect(logger.errors).toEqual([]);
  });

  test('switching rooms and leaving are announced, and "who" follows', async () => {
    t = await testApp(createApp({ logger: recordingLogger() }));
    const ann = await member('ann', 'lobby');
    await ann.next();
    const bob = await member('bob', 'lobby');
    await bob.next();
    await ann.next();
    bob.send(JSON.stringify({ event: 'join', data: { name: 'bob', room: 'garden' }, id: 2 }));
    expect(await ann.next()).toBe('{"event":"presence","data":{"name":"bob","joined":false}}');
    expect(await bob.next()).toBe('{"event":"join","id":2,"data":{"room":"garden","here":1}}');
    ann.send('{"event":"who","id":3}');
    expect(await ann.next()).toBe('{"event":"who","id":3,"data":{"room":"lobby","here":1}}');
    const cat = await member('cat', 'garden');
    await cat.next();
    expect(await bob.next()).toBe('{"event":"presence","data":{"name":"cat","joined":true}}');
    await cat.close();
    expect(await bob.next()).toBe('{"event":"presence","data":{"name":"cat","joined":false}}');
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
    expect(await c.next()).toBe('{"event":"join","id":3,"data":{"room":"lobby","here":1}}');
  });

  test('the page is served at /', async () => {
    t = await testApp(createApp({ logger: recordingLogger() }));
    const res = await t.fetch('/');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<title>Rooms</title>');
  });
});
