import WebSocket from 'ws';
import type { App } from 'switchboard';
import { connect } from 'switchboard/client';
import { testApp, type TestApp } from 'switchboard/testing';
import { createApp } from '../../examples/chat/app';
import { chat } from '../../examples/chat/chat.api';
import { recordingLogger, within } from '../helpers';

let t: TestApp<App>;
afterEach(() => t.close());

async function serve() {
  const logger = recordingLogger();
  t = await testApp(createApp({ logger }));
  return { logger };
}

/** The frame of the channel's `say` request, as a client sends it. */
const say = (text: string, id: number): string => JSON.stringify({ event: 'say', data: { text }, id });

describe('examples/chat (seed 001)', () => {
  test('the sender reads "You wrote: …", everyone else a "said" push from the sender\'s id', async () => {
    const { logger } = await serve();
    const alice = await t.connect('/ws/1');
    const bob = await t.connect('/ws/2');
    const carol = await t.connect('/ws/3');
    alice.send(say('hi', 1));
    expect(await alice.next()).toBe('{"event":"say","id":1,"data":"You wrote: hi"}');
    expect(await bob.next()).toBe('{"event":"said","data":{"from":"1","text":"hi"}}');
    expect(await carol.next()).toBe('{"event":"said","data":{"from":"1","text":"hi"}}');
    bob.send(say('hello, alice', 7));
    expect(await bob.next()).toBe('{"event":"say","id":7,"data":"You wrote: hello, alice"}');
    expect(await alice.next()).toBe('{"event":"said","data":{"from":"2","text":"hello, alice"}}');
    expect(await carol.next()).toBe('{"event":"said","data":{"from":"2","text":"hello, alice"}}');
    await alice.expectSilence(100);
    await bob.expectSilence(0);
    expect(logger.errors).toEqual([]);
  });

  test('everyone else gets a "left" push when a client disconnects', async () => {
    await serve();
    const alice = await t.connect('/ws/1700000000000');
    const bob = await t.connect('/ws/1700000000001');
    const carol = await t.connect('/ws/1700000000002');
    expect(await bob.close()).toEqual({ code: 1005, reason: '' });
    expect(await alice.next()).toBe('{"event":"left","data":{"from":"1700000000001"}}');
    expect(await carol.next()).toBe('{"event":"left","data":{"from":"1700000000001"}}');
    carol.send(say('still here', 2));
    expect(await alice.next()).toBe('{"event":"said","data":{"from":"1700000000002","text":"still here"}}');
    expect(await carol.next()).toBe('{"event":"say","id":2,"data":"You wrote: still here"}');
  });

  test("an empty or missing text is refused by the channel's schema; the connection stays open", async () => {
    await serve();
    const alice = await t.connect('/ws/1');
    await expect(alice.request('say', { text: '' })).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'Too small: expected string to have >=1 characters',
      issues: [{ message: 'Too small: expected string to have >=1 characters', path: ['text'] }],
    });
    await expect(alice.request('say')).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await alice.request('say', { text: 'ok' })).toBe('You wrote: ok');
  });

  test('a typed client on the channel, from Node.js: the reply and the pushes as the channel declares them', async () => {
    await serve();
    const base = `ws://127.0.0.1:${t.port}`;
    const alice = connect(chat, base, { params: { client_id: 'alice' }, WebSocket });
    const bob = connect(chat, base, { params: { client_id: 'bob' }, WebSocket });
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
    await serve();
    const res = await t.fetch('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />');
    for (const id of ['messages', 'messageText', 'send', 'ws-id', 'status']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain("import { connect } from '/switchboard/client.js';");
    expect(html).toContain('const clientId = Date.now();');
    expect(html).toContain('const client = connect(`${scheme}://${location.host}/ws/${clientId}`);');
    expect(html).not.toContain('localhost:8000');
    const client = await t.fetch('/switchboard/client.js');
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  test('other paths are 404 over HTTP and are not upgraded', async () => {
    await serve();
    expect((await t.fetch('/nope')).status).toBe(404);
    await expect(t.connect('/ws')).rejects.toMatchObject({ status: 404 });
  });
});
