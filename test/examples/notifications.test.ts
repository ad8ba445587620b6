import type { App } from 'switchboard';
import { testApp, TestClient, type TestApp } from 'switchboard/testing';
import { createApp } from '../../examples/notifications/app';
import { recordingLogger } from '../helpers';

let t: TestApp<App>;
afterEach(() => t.close());

const connected = { title: '连接成功', message: 'ws创建成功' };
const stillOnline = (text: string) => ({ title: '连接成功', message: `Still online Message text was: ${text}` });

async function serve() {
  const logger = recordingLogger();
  t = await testApp(createApp({ logger }));
  /** A /legacy client that has sent the token and read its own greeting. */
  const legacy = async (id: string): Promise<TestClient> => {
    const c = await t.connect(`/legacy/${id}`);
    c.send('wst');
    expect(await c.nextJson()).toEqual(connected);
    return c;
  };
  const postOrder = async (body?: string, type = 'application/json') => {
    const res = await t.fetch('/orders', { method: 'POST', headers: body === undefined ? {} : { 'content-type': type }, body });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  };
  return { app: t.app, logger, legacy, postOrder };
}

describe('examples/notifications (seed 000)', () => {
  test('/ws/{id} rejects a missing or wrong token with 401 at the upgrade', async () => {
    const { app } = await serve();
    await expect(t.connect('/ws/1')).rejects.toMatchObject({ status: 401, body: 'Missing or invalid token' });
    await expect(t.connect('/ws/1', { query: { token: 'nope' } })).rejects.toMatchObject({ status: 401, body: 'Missing or invalid token' });
    expect(app.connectionCount).toBe(0);
    await expect(t.connect('/ws/1', { query: { token: 'wst' } })).resolves.toBeInstanceOf(TestClient);
  });

  test('/ws/{id}?token=wst: each connect broadcasts the greeting; messages get "Still online" JSON', async () => {
    const { logger } = await serve();
    const a = await t.connect('/ws/1?token=wst');
    expect(await a.next()).toBe('{"title":"连接成功","message":"ws创建成功"}');
    const b = await t.connect('/ws/2?token=wst');
    expect(await a.nextJson()).toEqual(connected);
    expect(await b.nextJson()).toEqual(connected);
    a.send('ping');
    expect(await a.nextJson()).toEqual(stillOnline('ping'));
    await b.expectSilence(100);
    expect(logger.errors).toEqual([]);
  });

  test('/legacy/{id}: a wrong first message gets "ws鉴权失败", then the close frame with 1008', async () => {
    const { app } = await serve();
    const c = await t.connect('/legacy/1');
    c.send('letmein');
    expect(await c.next()).toBe('ws鉴权失败');
    expect(await c.closed()).toEqual({ code: 1008, reason: 'Authentication failed' });
    // The reply came before the close frame, and nothing after it.
    await expect(c.next()).rejects.toThrow('the connection had closed (code 1008, "Authentication failed"); received instead: nothing.');
    expect(app.connectionCount).toBe(0);
  });

  test('/legacy/{id}: the token as first message; the greeting goes to authenticated clients only', async () => {
    const { legacy } = await serve();
    const first = await legacy('1');
    const pending = await t.connect('/legacy/2');
    const second = await legacy('3');
    expect(await first.nextJson()).toEqual(connected);
    await pending.expectSilence(100);
    first.send('hi');
    expect(await first.nextJson()).toEqual(stillOnline('hi'));
    first.send('wst');
    expect(await first.nextJson()).toEqual(stillOnline('wst'));
    await second.expectSilence(100);
  });

  test('POST /orders and greetings reach authenticated clients of both routes, not unauthenticated legacy ones', async () => {
    const { legacy, postOrder } = await serve();
    const browser = await t.connect('/ws/1?token=wst');
    expect(await browser.nextJson()).toEqual(connected);
    const old = await legacy('2');
    expect(await browser.nextJson()).toEqual(connected);
    const pending = await t.connect('/legacy/3');
    const order = { title: 'New order', message: 'Order #42: two coffees' };
    expect(await postOrder(JSON.stringify(order))).toEqual({ status: 200, type: 'application/json', body: { delivered: 2 } });
    expect(await browser.nextJson()).toEqual(order);
    expect(await old.nextJson()).toEqual(order);
    await pending.expectSilence(100);
    pending.send('wst');
    for (const c of [browser, old, pending]) expect(await c.nextJson()).toEqual(connected);
    expect((await postOrder('{"message":"#43"}')).body).toEqual({ delivered: 3 });
    for (const c of [browser, old, pending]) expect(await c.nextJson()).toEqual({ title: '新订单 New order', message: '#43' });
  });

  test('POST /orders: defaults without a body, 400 for a bad one, closed clients are not counted', async () => {
    const { legacy, postOrder } = await serve();
    const c = await legacy('1');
    expect(await postOrder()).toEqual({ status: 200, type: 'application/json', body: { delivered: 1 } });
    expect(await c.nextJson()).toEqual({ title: '新订单 New order', message: 'You have a new order.' });
    const bad = {
      status: 400,
      type: 'application/json',
      body: { error: { status: 400, message: 'Expected a JSON body { "title": string, "message": string }' } },
    };
    expect(await postOrder('{"title":42}')).toEqual(bad);
    expect(await postOrder('[]')).toEqual(bad);
    expect(await postOrder('an order', 'text/plain')).toEqual(bad);
    await c.expectSilence(50);
    await c.close(1000);
    expect((await postOrder('{}')).body).toEqual({ delivered: 0 });
  });

  test('GET / serves the page, which connects with the token to its own host', async () => {
    await serve();
    const res = await t.fetch('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    for (const id of ['status', 'notifications', 'order', 'order-title', 'order-message', 'order-send', 'order-result']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('new WebSocket(`${scheme}://${location.host}/ws/${Date.now()}?token=wst`)');
    expect(html).toContain("if (title === '连接成功')");
    expect(html).toContain("fetch('/orders', { method: 'POST'");
  });
});
