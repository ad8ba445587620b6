import { ChatRoom, createApp, Echo, EchoWithId } from '../../examples/echo/app';
import { closeAll, connect, recordingLogger, start } from '../helpers';

afterEach(closeAll);

async function serve() {
  const logger = recordingLogger();
  const started = await start(createApp({ logger }));
  return { ...started, logger, base: `http://127.0.0.1:${started.port}` };
}

describe('examples/echo (seeds 002, 004)', () => {
  test('is compiled with standard decorators (jest.config.js), and each handler says what its message is', async () => {
    // Standard decorators give each decorated class a Symbol.metadata of its own; experimentalDecorators never do.
    const metadata = (Symbol as { metadata?: symbol }).metadata!;
    for (const route of [Echo, EchoWithId, ChatRoom]) expect(Object.hasOwn(route, metadata)).toBe(true);
    const { logger } = await serve();
    expect(logger.warnings).toEqual([]); // no handler takes its message by position without saying so
  });

  test('/ws echoes "Message text was: <text>", one frame per message, in order', async () => {
    const { url, logger } = await serve();
    const c = await connect(url('/ws'));
    c.send('NBA');
    c.send('NBA again');
    expect(await c.next()).toBe('Message text was: NBA');
    expect(await c.next()).toBe('Message text was: NBA again');
    expect(await c.silentFor(100)).toBe(true);
    expect(logger.errors).toEqual([]);
  });

  test('/ws/{client_id} echoes, then sends "Client ID: <id>" as a second frame', async () => {
    const { url } = await serve();
    const c = await connect(url('/ws/123'));
    c.send('hello');
    expect(await c.next()).toBe('Message text was: hello');
    expect(await c.next()).toBe('Client ID: 123');
    c.send('again');
    expect(await c.next()).toBe('Message text was: again');
    expect(await c.next()).toBe('Client ID: 123');
    expect(await c.silentFor(100)).toBe(true);
  });

  test('/chat/ broadcasts "Someone said: …" to every member, the sender included', async () => {
    const { url } = await serve();
    const alice = await connect(url('/chat/'));
    const bob = await connect(url('/chat/'));
    const echo = await connect(url('/ws'));
    alice.send('hi all');
    expect(await alice.next()).toBe('Someone said: hi all');
    expect(await bob.next()).toBe('Someone said: hi all');
    expect(await echo.silentFor(100)).toBe(true);
  });

  test('/chat/ tells the others "A user left the chat"', async () => {
    const { url } = await serve();
    const alice = await connect(url('/chat/'));
    const bob = await connect(url('/chat/'));
    const carol = await connect(url('/chat/'));
    await bob.close(1000);
    expect(await alice.next()).toBe('A user left the chat');
    expect(await carol.next()).toBe('A user left the chat');
    expect(await alice.silentFor(100)).toBe(true);
  });

  test('GET / serves the echo page, which connects back to its own host', async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/`);
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
