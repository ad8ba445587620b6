/**
 * app.admin() in a real browser: the page asks for the token and keeps it for the tab, shows the numbers
 * of real traffic (connections, rooms, rates drawn as SVG), opens one connection's detail and disconnects
 * it. Screenshots land in test-artifacts/admin-*.png (docs/admin.png is one of them).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { App, Connector, OnConnect, OnMessage, WebSocketRoute } from '../../lib';
import { describeNeeding } from '../external';
import { closeAll, connect, delay, recordingLogger, start, type Client } from '../helpers';
import { ARTIFACTS, chromiumForSuite } from './browser';

const TOKEN = 'browser-admin-token-0123456789ab';
const WAIT = { timeout: 8000 };

@WebSocketRoute('/chat/:room')
class Chat {
  @OnConnect()
  connect(ws: Connector<{ user: string }>) {
    ws.state.user = `user-${ws.params.room}`;
    ws.join(ws.params.room!);
    return ws.id;
  }

  @OnMessage()
  message(ws: Connector, text: string) {
    if (text === 'boom') throw new Error('a bug, for the errors chart');
    ws.publish(ws.params.room!, text, { exceptSelf: true });
    return `echo ${text}`;
  }
}

describeNeeding('chromium', 'app.admin() in a real browser', () => {
  const browser = chromiumForSuite();
  afterEach(closeAll);

  async function setUp(readonly: boolean): Promise<{ base: string; clients: { c: Client; id: string }[]; page: Page; failures: string[] }> {
    const app = new App({ routes: [Chat], logger: recordingLogger() }).admin('/admin', { token: TOKEN, readonly, reportInterval: 250 });
    const { port, url } = await start(app);
    const clients: { c: Client; id: string }[] = [];
    for (const [room, n] of [
      ['lobby', 5],
      ['support', 3],
      ['random', 2],
      ['ops', 1],
    ] as const)
      for (let i = 0; i < n; i++) {
        const c = await connect(url(`/chat/${room}`));
        clients.push({ c, id: (await c.next()) as string });
      }
    // Traffic that rises and falls over a dozen reports, with a failing handler now and then, so the
    // charts have a shape.
    for (let round = 0; round < 24; round++) {
      const senders = Math.round(6 + 5 * Math.sin(round / 4));
      for (const { c } of clients.slice(0, senders)) c.send(`hello ${round}`);
      if (round % 6 === 3) clients[10]!.c.send('boom');
      await delay(120);
    }
    const page = await browser().newPage({ viewport: { width: 1440, height: 1000 } });
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('requestfailed', (request) => failures.push(`request failed: ${request.url()}`));
    return { base: `http://127.0.0.1:${port}/admin`, clients, page, failures };
  }

  test('signs in once per tab, shows the numbers, opens a connection and disconnects it', async () => {
    const { base, clients, page, failures } = await setUp(false);
    await page.goto(base);
    await page.locator('#login').waitFor({ state: 'visible', ...WAIT });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-login.png') });
    await page.fill('#token', 'a wrong token');
    await page.click('#sign-in');
    await page.locator('#login-error', { hasText: 'That token was refused.' }).waitFor(WAIT);
    await page.fill('#token', TOKEN);
    await page.click('#sign-in');
    await page.locator('#total-connections', { hasText: '11' }).waitFor(WAIT);
    await page.locator('#login').waitFor({ state: 'hidden', ...WAIT });
    expect(await page.locator('#rooms tr td:first-child').allTextContents()).toEqual(['lobby', 'support', 'random', 'ops']);
    expect(await page.locator('#rooms tr td:last-child').allTextContents()).toEqual(['5', '3', '2', '1']);
    expect(await page.locator('#nodes tr .status').allTextContents()).toEqual(['alive']);
    expect(await page.locator('#chart-received path').count()).toBe(2); // the area and the line
    // Reloading keeps the token (session storage): no second prompt.
    await page.reload();
    await page.locator('#total-connections', { hasText: '11' }).waitFor(WAIT);
    expect(await page.locator('#login').isHidden()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-overview.png'), fullPage: true });

    const target = clients[5]!; // in "support"
    await page.fill('#conn-id', target.id);
    await page.click('#inspect');
    await page.locator('#detail dl').waitFor(WAIT);
    const detail = await page.locator('#detail').innerText();
    expect(detail).toContain('/chat/:room');
    expect(detail).toContain('support');
    expect(detail).toContain('"user": "user-support"');
    await page.locator('#detail').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'admin-connection.png'), fullPage: true });
    await page.fill('#close-code', '4002');
    await page.click('#disconnect');
    expect(await target.c.waitClosed()).toEqual({ code: 4002, reason: 'Closed by an operator' });
    await page.locator('#actions li', { hasText: `admin disconnected ${target.id} with 4002` }).waitFor(WAIT);
    await page.locator('#total-connections', { hasText: '10' }).waitFor(WAIT);
    expect(failures).toEqual([]);
  });

  test('readonly: no actions on the page, state keys without values', async () => {
    const { base, clients, page, failures } = await setUp(true);
    await page.goto(base);
    await page.fill('#token', TOKEN);
    await page.click('#sign-in');
    await page.locator('#total-connections', { hasText: '11' }).waitFor(WAIT);
    await page.fill('#conn-id', clients[0]!.id);
    await page.click('#inspect');
    await page.locator('#detail dl').waitFor(WAIT);
    expect(await page.locator('#disconnect').count()).toBe(0);
    expect(await page.locator('#push-room').isHidden()).toBe(true);
    expect(await page.locator('#detail').innerText()).toContain('values hidden: readonly');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-readonly.png'), fullPage: true });
    expect(failures).toEqual([]);
  });
});
