import { eventually, start, within } from '../helpers';
import { chat, ChatRoute, cleanUp, gate, nextPush, open, openUrl, rejection, seen, untilStatus } from './fixture';

afterEach(cleanUp);

async function chatServer(): Promise<string> {
  const { port } = await start({ routes: [ChatRoute] });
  return `ws://127.0.0.1:${port}`;
}

describe('switchboard/client requests', () => {
  test('request/reply against a real server: typed data out, the reply data back; no reply schema answers null', async () => {
    const client = open(chat, await chatServer(), { params: { room: 'lobby' } });
    expect(await within(client.request('say', { text: 'hello' }), 'the reply')).toEqual({ at: 5 });
    expect(await within(client.request('join', { name: 'ann' }), 'the reply')).toBeNull();
    expect(client.status).toBe('open');
    client.close();
  });

  test('path parameters are percent-encoded into the URL, the query is added, and a query function runs at each connect', async () => {
    const base = await chatServer();
    const client = open(chat, `${base}/`, { params: { room: 'a b/c' }, query: { token: 't 1&2' } });
    expect(await within(client.request('whoami', null), 'the reply')).toEqual({ room: 'a b/c', token: 't 1&2' });
    client.close();
    let calls = 0;
    const again = open(chat, base, { params: { room: 'x' }, query: () => ({ token: `call-${++calls}` }) });
    expect(await within(again.request('whoami', null), 'the reply')).toEqual({ room: 'x', token: 'call-1' });
    again.close();
  });

  test("the server's error codes: validation_failed with issues, an app WsError, internal_error; the connection stays usable", async () => {
    const client = open(chat, await chatServer(), { params: { room: 'lobby' } });
    const invalid = await rejection(client.request('say', { text: '' }));
    expect(invalid).toMatchObject({
      name: 'RequestError',
      code: 'validation_failed',
      message: 'Too small: expected string to have >=1 characters',
      issues: [{ message: 'Too small: expected string to have >=1 characters', path: ['text'] }],
    });
    expect(await rejection(client.request('fail', null))).toMatchObject({ code: 'nope', message: 'Not today', issues: undefined });
    expect(await rejection(client.request('crash', null))).toMatchObject({ code: 'internal_error', message: 'Internal server error' });
    expect(await within(client.request('say', { text: 'still here' }), 'the reply')).toEqual({ at: 10 });
    client.close();
  });

  test('pushes reach on() listeners with their data; the unsubscribe function stops them', async () => {
    const base = await chatServer();
    const ann = open(chat, base, { params: { room: 'lobby' } });
    const bob = open(chat, base, { params: { room: 'lobby' } });
    await within(Promise.all([ann.request('join', { name: 'ann' }), bob.request('join', { name: 'bob' })]), 'both joins');
    const pushed = nextPush(bob, 'said');
    await within(ann.request('say', { text: 'hi bob' }), 'the reply');
    expect(await pushed).toEqual({ from: 'ann', text: 'hi bob' });

    const received: unknown[] = [];
    const off = bob.on('said', (m) => received.push(m));
    await within(ann.request('say', { text: 'one' }), 'the reply');
    // Bob's own request is answered after the push that was published before it on his connection.
    await within(bob.request('whoami', null), 'the reply');
    off();
    await within(ann.request('say', { text: 'two' }), 'the reply');
    await within(bob.request('whoami', null), 'the reply');
    expect(received).toEqual([{ from: 'ann', text: 'one' }]);
    ann.close();
    bob.close();
  });

  test('connect(url) without a channel: untyped requests, the unknown_event code, raw send() whose reply arrives as a push', async () => {
    const base = await chatServer();
    const client = openUrl(`${base}/chat/lobby`);
    expect(client.send('too early')).toBe(false);
    expect(await within(client.request('say', { text: 'abc' }), 'the reply')).toEqual({ at: 3 });
    expect(await rejection(client.request('nobody', 1))).toMatchObject({ code: 'unknown_event', message: 'No handler for event "nobody"' });
    const pushed = nextPush(client, 'say');
    expect(client.send('{"event":"say","data":{"text":"raw!"}}')).toBe(true);
    expect(await pushed).toEqual({ at: 4 });
    client.close();
    expect(client.send('late')).toBe(false);
  });

  test('close() rejects requests in flight and waiting with closed, and every later one; it sends 1000 and never reconnects', async () => {
    const client = open(chat, await chatServer(), { params: { room: 'lobby' } });
    const waiting = client.request('say', { text: 'queued before open' });
    await untilStatus(client, 'open');
    await within(waiting, 'the queued request');
    const inFlight = client.request('hold', null);
    await gate.entered();
    seen.closes = [];
    const statuses: string[] = [];
    client.onStatus((s) => statuses.push(s));
    client.close();
    expect(await rejection(inFlight)).toMatchObject({ code: 'closed', message: 'The client closed before "hold" was answered' });
    expect(await rejection(client.request('say', { text: 'after' }))).toMatchObject({ code: 'closed', message: 'The client is closed' });
    expect(client.status).toBe('closed');
    expect(client.lastClose).toEqual({ code: 1000, reason: '' });
    expect(statuses).toEqual(['closed']);
    client.close(4000, 'again');
    expect(client.lastClose).toEqual({ code: 1000, reason: '' });
    gate.open();
    await eventually(() => seen.closes.length > 0, "the server's @OnClose");
    expect(seen.closes).toEqual([1000]);
  });

  test('close() while still connecting: requests made so far reject with closed, and nothing throws later', async () => {
    const client = open(chat, await chatServer(), { params: { room: 'lobby' } });
    const early = client.request('say', { text: 'never sent' });
    client.close(4000, 'changed my mind');
    expect(await rejection(early)).toMatchObject({ code: 'closed', message: 'The client closed before "say" was answered' });
    expect(client.lastClose).toEqual({ code: 4000, reason: 'changed my mind' });
    // `ws` reports the aborted handshake on the next tick; the client must not be listening for it in a way that throws.
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.status).toBe('closed');
  });

  test('a value JSON cannot encode rejects that request only', async () => {
    const client = open(chat, await chatServer(), { params: { room: 'lobby' } });
    await expect(client.request('say', { text: 1n } as never)).rejects.toThrow(TypeError);
    expect(await within(client.request('say', { text: 'ok' }), 'the reply')).toEqual({ at: 2 });
    client.close();
  });
});
