import type { App } from 'switchboard';
import { testApp, type TestApp } from 'switchboard/testing';
import { createApp } from '../../examples/echo/app';
import { recordingLogger } from '../helpers';

let t: TestApp<App>;
afterEach(() => t.close());

async function serve() {
  const logger = recordingLogger();
  t = await testApp(createApp({ logger }));
  return { logger };
}

describe('examples/echo (seeds 002, 004)', () => {
  test('/ws echoes "Message text was: <text>", one frame per message, in order', async () => {
    const { logger } = await serve();
    const c = await t.connect('/ws');
    c.send('NBA');
    c.send('NBA again');
    expect(await c.next()).toBe('Message text was: NBA');
    expect(await c.next()).toBe('Message text was: NBA again');
    await c.expectSilence(100);
    expect(logger.errors).toEqual([]);
  });

  test('/ws/{client_id} echoes, then sends "Client ID: <id>" as a second frame', async () => {
    await serve();
    const c = await t.connect('/ws/123');
    c.send('hello');
    expect(await c.next()).toBe('Message text was: hello');
    expect(await c.next()).toBe('Client ID: 123');
    c.send('again');
    expect(await c.next()).toBe('Message text was: again');
    expect(await c.next()).toBe('Client ID: 123');
    await c.expectSilence(100);
  });

  test('/chat/ broadcasts "Someone said: …" to every member, the sender included', async () => {
    await serve();
    const alice = await t.connect('/chat/');
    const bob = await t.connect('/chat/');
    const echo = await t.connect('/ws');
    alice.send('hi all');
    expect(await alice.next()).toBe('Someone said: hi all');
    expect(await bob.next()).toBe('Someone said: hi all');
    await echo.expectSilence(100);
  });

  test('/chat/ tells the others "A user left the chat"', async () => {
    await serve();
    const alice = await t.connect('/chat/');
    const bob = await t.connect('/chat/');
    const carol = await t.connect('/chat/');
    await bob.close(1000);
    expect(await alice.next()).toBe('A user left the chat');
    expect(await carol.next()).toBe('A user left the chat');
    await alice.expectSilence(100);
  });

  test('GET / serves the echo page, which connects back to its own host', async () => {
    await serve();
    const res = await t.fetch('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    for (const id of ['endpoint', 'status', 'messages', 'messageText', 'send']) expect(html).toContain(`id="${id}"`);
    for (const path of ['/ws', '/ws/123', '/chat/']) expect(html).toContain(`<option value="${path}">`);
    expect(html).toContain('new WebSocket(`${scheme}://${location.host}${endpoint.value}`)');
    expect(html).not.toMatch(/localhost:|127\.0\.0\.1/);
  });
});
