import type { App } from 'switchboard';
import { testApp, type TestApp } from 'switchboard/testing';
import { createApp } from '../../examples/chat/app';
import { recordingLogger } from '../helpers';

let t: TestApp<App>;
afterEach(() => t.close());

async function serve() {
  const logger = recordingLogger();
  t = await testApp(createApp({ logger }));
  return { logger };
}

describe('examples/chat (seed 001)', () => {
  test('the sender reads "You wrote: …", everyone else "Client #<id> says: …"', async () => {
    const { logger } = await serve();
    const alice = await t.connect('/ws/1');
    const bob = await t.connect('/ws/2');
    const carol = await t.connect('/ws/3');
    alice.send('hi');
    expect(await alice.next()).toBe('You wrote: hi');
    expect(await bob.next()).toBe('Client #1 says: hi');
    expect(await carol.next()).toBe('Client #1 says: hi');
    bob.send('hello, alice');
    expect(await bob.next()).toBe('You wrote: hello, alice');
    expect(await alice.next()).toBe('Client #2 says: hello, alice');
    expect(await carol.next()).toBe('Client #2 says: hello, alice');
    await alice.expectSilence(100);
    await bob.expectSilence(0);
    expect(logger.errors).toEqual([]);
  });

  test('everyone else reads "Client #<id> left the chat" when a client disconnects', async () => {
    await serve();
    const alice = await t.connect('/ws/1700000000000');
    const bob = await t.connect('/ws/1700000000001');
    const carol = await t.connect('/ws/1700000000002');
    expect(await bob.close()).toEqual({ code: 1005, reason: '' });
    expect(await alice.next()).toBe('Client #1700000000001 left the chat');
    expect(await carol.next()).toBe('Client #1700000000001 left the chat');
    carol.send('still here');
    expect(await alice.next()).toBe('Client #1700000000002 says: still here');
    expect(await carol.next()).toBe('You wrote: still here');
  });

  test('GET / serves the chat page, which connects back to its own host', async () => {
    await serve();
    const res = await t.fetch('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />');
    for (const id of ['messages', 'messageText', 'send', 'ws-id', 'status']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('const clientId = Date.now();');
    expect(html).toContain('new WebSocket(`${scheme}://${location.host}/ws/${clientId}`)');
    expect(html).not.toContain('localhost:8000');
  });

  test('other paths are 404 over HTTP and are not upgraded', async () => {
    await serve();
    expect((await t.fetch('/nope')).status).toBe(404);
    await expect(t.connect('/ws')).rejects.toMatchObject({ status: 404 });
  });
});
