/**
 * app.docs() in a real browser: every example app's page renders its routes, and the live console
 * connects and sends (JSON events with their reply, path parameters, a query token).
 * Screenshots land in test-artifacts/docs-<example>.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { LocalBus, type App, type AppOptions } from '../../lib';
import { testApp, type TestApp } from '../../lib/testing';
import { createApp as chat } from '../../examples/chat/app';
import { createApp as cluster } from '../../examples/cluster/app';
import { createApp as echo } from '../../examples/echo/app';
import { createApp as notifications } from '../../examples/notifications/app';
import { createApp as robyn } from '../../examples/robyn/app';
import { createApp as rooms } from '../../examples/rooms/app';
import { describeNeeding } from '../external';
import { recordingLogger } from '../helpers';
import { ARTIFACTS, chromiumForSuite } from './browser';

const examples: Record<string, { make: (options: AppOptions) => App; routes: string[] }> = {
  chat: { make: chat, routes: ['/ws/{client_id}'] },
  echo: { make: echo, routes: ['/ws', '/ws/{client_id}', '/chat/'] },
  robyn: { make: robyn, routes: ['/web_socket'] },
  rooms: { make: rooms, routes: ['/rooms'] },
  notifications: { make: notifications, routes: ['/ws/{id}', '/legacy/{id}'] },
  cluster: { make: (options) => cluster({ ...options, bus: new LocalBus() }), routes: ['/ws/{name}'] },
};

const WAIT = { timeout: 5000 };

describeNeeding('chromium', 'app.docs() in a real browser', () => {
  const browser = chromiumForSuite();
  let t: TestApp<App> | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  async function open(name: string): Promise<Page> {
    t = await testApp(examples[name]!.make({ logger: recordingLogger() }));
    const page = await browser().newPage({ viewport: { width: 1440, height: 900 } });
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('requestfailed', (request) => failures.push(`request failed: ${request.url()}`));
    await page.goto(`http://127.0.0.1:${t.port}/docs`);
    await page.locator('#routes section.route').first().waitFor(WAIT);
    expect(failures).toEqual([]);
    return page;
  }

  test.each(Object.keys(examples))(
    '%s: the page lists every route with its operations',
    async (name) => {
      const page = await open(name);
      expect(await page.locator('nav a code').allTextContents()).toEqual(examples[name]!.routes);
      expect(await page.locator('#routes section.route .address').allTextContents()).toEqual(examples[name]!.routes);
      expect(await page.locator('#console-route option').allTextContents()).toEqual(examples[name]!.routes);
      expect(await page.locator('#errors table.codes code').allTextContents()).toEqual([
        'validation_failed',
        'invalid_data',
        'invalid_json',
        'unknown_event',
        'invalid_event',
        'internal_error',
      ]);
      await page.screenshot({ path: join(ARTIFACTS, `docs-${name}.png`), fullPage: true });
      await page.close();
    },
    30000,
  );

  test('rooms: the schemas of "join" and of its reply (from the channel) are shown, with the example, and the console sends it and shows the reply', async () => {
    const page = await open('rooms');
    const joinOp = page.locator('.op', { hasText: 'Handles "join"' });
    const [data, reply] = [joinOp.locator('table.schema').first(), joinOp.locator('table.schema').nth(1)];
    expect(await data.locator('td.field code').allTextContents()).toEqual(['room', 'name']);
    expect(await data.locator('code.type').allTextContents()).toEqual(['string', 'string']);
    expect(await reply.locator('td.field code').allTextContents()).toEqual(['room', 'recent', 'name[]', 'text[]']);
    await page.selectOption('#console-message', { label: 'join' });
    expect(JSON.parse(await page.inputValue('#console-frame'))).toEqual({ event: 'join', data: { room: 'lobby', name: 'ann' }, id: 1 });
    await page.click('#console-connect');
    await page.locator('#console-status[data-state="open"]').waitFor(WAIT);
    await page.click('#console-send');
    await page.locator('#console-log li.in', { hasText: '{"event":"join","id":1,"data":{"room":"lobby","recent":[]}}' }).waitFor(WAIT);
    // The room's presence follows the reply, as a push.
    await page.locator('#console-log li.in', { hasText: '{"event":"presence_state","room":"lobby","data":{"ann":{"metas":[{"id":' }).waitFor(WAIT);
    expect(await page.locator('#console-log li.in .note').allTextContents()).toEqual(['reply to request #1', 'push']);
    await page.selectOption('#console-message', { label: 'say' });
    expect(JSON.parse(await page.inputValue('#console-frame'))).toEqual({ event: 'say', data: 'hello', id: 2 });
    await page.fill('#console-frame', '{"event":"dance","id":2}');
    await page.click('#console-send');
    await page.locator('#console-log li.in', { hasText: 'unknown_event' }).waitFor(WAIT);
    expect(await page.locator('#console-log li.in .note').allTextContents()).toEqual(['reply to request #1', 'push', 'error unknown_event · request #2']);
    await page.screenshot({ path: join(ARTIFACTS, 'docs-rooms-console.png'), fullPage: true });
    await page.close();
  }, 30000);

  test('chat: a path parameter filled in, the "say" request sent, the reply and a push from another client', async () => {
    const page = await open('chat');
    await page.fill('[data-param="client_id"]', '42');
    await page.click('#console-connect');
    await page.locator('#console-status[data-state="open"]').waitFor(WAIT);
    expect(JSON.parse(await page.inputValue('#console-frame'))).toEqual({ event: 'say', data: { text: 'hello' }, id: 1 });
    await page.click('#console-send');
    await page.locator('#console-log li.in', { hasText: '{"event":"say","id":1,"data":"You wrote: hello"}' }).waitFor(WAIT);
    const other = await t!.connect('/ws/7');
    await expect(other.request('say', { text: 'hi from 7' })).resolves.toBe('You wrote: hi from 7');
    await page.locator('#console-log li.in', { hasText: '{"event":"said","data":{"from":"7","text":"hi from 7"}}' }).waitFor(WAIT);
    await page.screenshot({ path: join(ARTIFACTS, 'docs-chat-console.png'), fullPage: true });
    await page.close();
  }, 30000);

  test('notifications: the query string carries the token; without it the upgrade is refused', async () => {
    const page = await open('notifications');
    await page.click('#console-connect');
    await page.locator('#console-status', { hasText: 'closed (1006)' }).waitFor(WAIT);
    await page.fill('#console-query', 'token=wst');
    await page.click('#console-connect');
    await page.locator('#console-log li.in', { hasText: '{"event":"notification","data":{"title":"连接成功","message":"ws创建成功"}}' }).waitFor(WAIT);
    await page.close();
  }, 30000);
});
