import WebSocket from 'ws';
import { chat } from '../../examples/chat/chat.api';
import { createApp } from '../../examples/chat/app';
import { connect as connectClient } from '../../lib/client';
import { closeAll, connect, recordingLogger, start, upgradeStatus, within } from '../helpers';

afterEach(closeAll);

async function serve() {
  const logger = recordingLogger();
  const started = await start(createApp({ logger }));
  return { ...started, logger, base: `http://127.0.0.1:${started.port}` };
}

const say = (text: string, id: number): string => JSON.stringify({ event: 'say', data: { text }, id });

describe('examples/chat (seed 001)', () => {
  test('the sender reads "You wrote: …", everyone else a "said" push from the sender\'s id', async () => {
    const { url, logger } = await serve();
    const alice = await connect(url('/ws/1'));
    const bob = await connect(url('/ws/2'));
    const carol = await connect(url('/ws/3'));
    alice.send(say('hi', 1));
    expect(await alice.next()).toBe('{"event":"say","id":1,"data":"You wrote: hi"}');
    expect(await bob.next()).toBe('{"event":"said","data":{"from":"1","text":"hi"}}');
    expect(await carol.next()).toBe('{"event":"said","data":{"from":"1","text":"hi"}}');
    bob.send(say('hello, alice', 7));
    expect(await bob.next()).toBe('{"event":"say","id":7,"data":"You wrote: hello, alice"}');
    expect(await alice.next()).toBe('{"event":"said","data":{"from":"2","text":"hello, alice"}}');
    expect(await carol.next()).toBe('{"event":"said","data":{"from":"2","text":"hello, alice"}}');
    expect(await alice.silentFor(100)).toBe(true);
    expect(await bob.silentFor(0)).toBe(true);
    expect(logger.errors).toEqual([]);
  });

  test('everyone else gets a "left" push when a client disconnects', async () => {
    const { url } = await serve();
    const alice = await connect(url('/ws/1700000000000'));
    const bob = await connect(url('/ws/1700000000001'));
    const carol = await connect(url('/ws/1700000000002'));
    expect(await bob.close()).toEqual({ code: 1005, reason: '' });
    expect(await alice.next()).toBe('{"event":"left","data":{"from":"1700000000001"}}');
    expect(await carol.next()).toBe('{"event":"left","data":{"from":"1700000000001"}}');
    carol.send(say('still here', 2));
    expect(await alice.next()).toBe('{"event":"said","data":{"from":"1700000000002","text":"still here"}}');
    expect(await carol.next()).toBe('{"event":"say","id":2,"data":"You wrote: still here"}');
  });

  test("an empty or missing text is refused by the channel's schema; the connection stays open", async () => {
    const { url } = await serve();
    const alice = await connect(url('/ws/1'));
    alice.send(say('', 1));
    expect(await alice.nextJson()).toEqual({
      event: 'say',
      id: 1,
      error: {
        code: 'validation_failed',
        message: 'Too small: expected string to have >=1 characters',
        issues: [{ message: 'Too small: expected string to have >=1 characters', path: ['text'] }],
      },
    });
    alice.send('{"event":"say","id":2}');
    expect(await alice.nextJson()).toMatchObject({ event: 'say', id: 2, error: { code: 'validation_failed' } });
    alice.send(say('ok', 3));
    expect(await alice.next()).toBe('{"event":"say","id":3,"data":"You wrote: ok"}');
  });

  test('a typed client on the channel, from Node.js: the reply and the pushes as the channel declares them', async () => {
    const { port } = await serve();
    const base = `ws://127.0.0.1:${port}`;
    const alice = connectClient(chat, base, { params: { client_id: 'alice' }, WebSocket });
    const bob = connectClient(chat, base, { params: { client_id: 'bob' }, WebSocket });
    try {
      const heard = new Promise((resolve) => bob.on('said', resolve));
      const left = new Promise((resolve) => bob.on('left', resolve));
      await within(bob.request('say', { text: 'first' }), 'bob to be connected');
      expect(await within(alice.request('say', { text: 'hi bob' }), 'the reply')).toBe('You wrote: hi bob');
      expect(await within(heard, 'the push')).toEqual({ from: 'alice', text: 'hi bob' });
      alice.close();
      expect(await within(left, 'the left push')).toEqual({ from: 'alice' });
    } finally {
      alice.close();
      bob.close();
    }
  });

  test('GET / serves the chat page, which imports the client from GET /switchboard/client.js and connects to its own host', async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />');
    for (const id of ['messages', 'messageText', 'send', 'ws-id', 'status']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain("import { connect } from '/switchboard/client.js';");
    expect(html).toContain('const client = connect(`${scheme}://${location.host}/ws/${clientId}`);');
    expect(html).not.toContain('localhost:8000');
    const client = await fetch(`${base}/switchboard/client.js`);
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  test('other paths are 404 over HTTP and are not upgraded', async () => {
    const { base, url } = await serve();
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect(await upgradeStatus(url('/ws'))).toMatchObject({ status: 404 });
  });
});
