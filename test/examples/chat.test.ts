import { createApp } from '../../examples/chat/app';
import { closeAll, connect, recordingLogger, start, upgradeStatus } from '../helpers';

afterEach(closeAll);

async function serve() {
  const logger = recordingLogger();
  const started = await start(createApp({ logger }));
  return { ...started, logger, base: `http://127.0.0.1:${started.port}` };
}

describe('examples/chat (seed 001)', () => {
  test('the sender reads "You wrote: …", everyone else "Client #<id> says: …"', async () => {
    const { url, logger } = await serve();
    const alice = await connect(url('/ws/1'));
    const bob = await connect(url('/ws/2'));
    const carol = await connect(url('/ws/3'));
    alice.send('hi');
    expect(await alice.next()).toBe('You wrote: hi');
    expect(await bob.next()).toBe('Client #1 says: hi');
    expect(await carol.next()).toBe('Client #1 says: hi');
    bob.send('hello, alice');
    expect(await bob.next()).toBe('You wrote: hello, alice');
    expect(await alice.next()).toBe('Client #2 says: hello, alice');
    expect(await carol.next()).toBe('Client #2 says: hello, alice');
    expect(await alice.silentFor(100)).toBe(true);
    expect(await bob.silentFor(0)).toBe(true);
    expect(logger.errors).toEqual([]);
  });

  test('everyone else reads "Client #<id> left the chat" when a client disconnects', async () => {
    const { url } = await serve();
    const alice = await connect(url('/ws/1700000000000'));
    const bob = await connect(url('/ws/1700000000001'));
    const carol = await connect(url('/ws/1700000000002'));
    expect(await bob.close()).toEqual({ code: 1005, reason: '' });
    expect(await alice.next()).toBe('Client #1700000000001 left the chat');
    expect(await carol.next()).toBe('Client #1700000000001 left the chat');
    carol.send('still here');
    expect(await alice.next()).toBe('Client #1700000000002 says: still here');
    expect(await carol.next()).toBe('You wrote: still here');
  });

  test('GET / serves the chat page, which connects back to its own host', async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/`);
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
    const { base, url } = await serve();
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect(await upgradeStatus(url('/ws'))).toMatchObject({ status: 404 });
  });
});
