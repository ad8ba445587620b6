import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../examples/rooms/app';
import { closeAll, recordingLogger, start } from '../helpers';
import { describeNeeding } from '../external';
import { ARTIFACTS, launch } from './browser';

describeNeeding('chromium', 'examples/rooms in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 30000);
  afterAll(() => browser?.close());
  afterEach(closeAll);

  /** Fills the join form and waits for the room count the join answers with. */
  async function joinAs(page: Page, name: string, count: number): Promise<void> {
    await page.fill('#name', name);
    await page.fill('#room', 'lobby');
    await page.click('#join');
    await page.locator('#here', { hasText: `${count} here in lobby` }).waitFor({ timeout: 5000 });
  }

  test('two pages join a room, talk, and see each other come and go; a bad name is answered in the page', async () => {
    const { port } = await start(createApp({ logger: recordingLogger() }));
    const context = await browser.newContext({ viewport: { width: 390, height: 700 } });
    const ann = await context.newPage();
    await ann.goto(`http://127.0.0.1:${port}/`);
    await ann.locator('#status', { hasText: 'connected' }).waitFor({ timeout: 5000 });
    await ann.fill('#name', 'ann?');
    await ann.click('#join');
    await ann.locator('#messages li.notice', { hasText: 'room and name must be 1–32 letters, digits, spaces or dashes' }).waitFor({ timeout: 5000 });
    await joinAs(ann, 'ann', 1);

    const bob = await context.newPage();
    await bob.goto(`http://127.0.0.1:${port}/`);
    await joinAs(bob, 'bob', 2);
    await ann.locator('#messages li.notice', { hasText: 'bob joined' }).waitFor({ timeout: 5000 });
    await ann.locator('#here', { hasText: '2 here in lobby' }).waitFor({ timeout: 5000 });

    await bob.fill('#messageText', 'hello lobby');
    await bob.click('#send');
    await ann.locator('#messages li', { hasText: 'bob: hello lobby' }).waitFor({ timeout: 5000 });
    await bob.close();
    await ann.locator('#messages li.notice', { hasText: 'bob left' }).waitFor({ timeout: 5000 });
    await ann.locator('#here', { hasText: '1 here in lobby' }).waitFor({ timeout: 5000 });
    expect(await ann.locator('#messages li').allTextContents()).toEqual(['bob joined', 'bob: hello lobby', 'bob left']);
    await ann.screenshot({ path: join(ARTIFACTS, 'rooms.png'), fullPage: true });
    await context.close();
  }, 30000);
});
