import type { App } from 'switchboard';
import { testApp, type TestApp, type TestClient } from 'switchboard/testing';
import { createApp } from '../../examples/robyn/app';
import { recordingLogger } from '../helpers';

let t: TestApp<App>;
afterEach(() => t.close());

async function serve() {
  const logger = recordingLogger();
  t = await testApp(createApp({ logger }));
  /** A connected client whose "Connected to ws" greeting has been checked. */
  const join = async (query = ''): Promise<TestClient> => {
    const c = await t.connect(`/web_socket${query}`);
    expect(await c.next()).toBe('Connected to ws');
    return c;
  };
  return { app: t.app, logger, join };
}

describe('examples/robyn (seed 003)', () => {
  test('connect replies "Connected to ws"; other messages "Message received"', async () => {
    const { join, logger } = await serve();
    const c = await join();
    c.send('hello');
    expect(await c.next()).toBe('Message received');
    c.send('');
    expect(await c.next()).toBe('Message received');
    expect(logger.errors).toEqual([]);
  });

  test('"disconnect": the client receives "Closing connection", then the close frame with 1000', async () => {
    const { join, app } = await serve();
    const c = await join();
    c.send('disconnect');
    expect(await c.next()).toBe('Closing connection');
    expect(await c.closed()).toEqual({ code: 1000, reason: '' });
    // The reply came before the close frame, and nothing after it.
    await expect(c.next()).rejects.toThrow('the connection had closed (code 1000); received instead: nothing.');
    expect(app.connectionCount).toBe(0);
  });

  test('"login" from Gordon (query name=gordon&desg=commissioner) is broadcast to every client', async () => {
    const { join } = await serve();
    const gordon = await join('?name=gordon&desg=commissioner');
    const other = await join();
    gordon.send('login');
    expect(await gordon.next()).toBe('Gordon authorized to login!');
    expect(await other.next()).toBe('Gordon authorized to login!');
    await gordon.expectSilence(100);
    await other.expectSilence(0);
  });

  test('"login" without both query values is an ordinary message', async () => {
    const { join } = await serve();
    const gordon = await join('?name=gordon&desg=commissioner');
    const impostor = await join('?name=gordon&desg=detective');
    const anonymous = await join();
    impostor.send('login');
    expect(await impostor.next()).toBe('Message received');
    anonymous.send('login');
    expect(await anonymous.next()).toBe('Message received');
    await gordon.expectSilence(100);
  });

  test('"self": sendTo(ws.id) reaches only this client, and the empty reply sends nothing', async () => {
    const { join } = await serve();
    const a = await join();
    const b = await join();
    a.send('self');
    expect(await a.next()).toBe('This is a message to self');
    await a.expectSilence(100);
    await b.expectSilence(0);
  });

  test('"broadcast" reaches every client, the sender included', async () => {
    const { join } = await serve();
    const a = await join();
    const b = await join();
    b.send('broadcast');
    expect(await a.next()).toBe('This is a broadcast');
    expect(await b.next()).toBe('This is a broadcast');
    await b.expectSilence(100);
  });

  test('GET / serves a page to try the commands, which connects back to its own host', async () => {
    await serve();
    const res = await t.fetch('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    for (const id of ['name', 'desg', 'connect', 'status', 'commands', 'messageText', 'send', 'messages']) expect(html).toContain(`id="${id}"`);
    for (const command of ['self', 'broadcast', 'login', 'disconnect']) expect(html).toContain(`data-command="${command}"`);
    expect(html).toContain('new WebSocket(`${scheme}://${location.host}/web_socket?${query}`)');
  });
});
