import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createApp } from '../../examples/rooms/app';
import { closeAll, recordingLogger, start } from '../helpers';
import { describeNeeding } from '../external';
import { ARTIFACTS, chromiumForSuite } from './browser';

describeNeeding('chromium', 'examples/rooms in a real browser', () => {
  const browser = chromiumForSuite();
  afterEach(closeAll);

  test('each page lists who is online, a second tab of a name is one person, members talk, a closed page leaves; a bad name is answered in the page', async () => {
    const { port } = await start(createApp({ logger: recordingLogger() }));
    const context = await browser().newContext({ viewport: { width: 390, height: 700 } });
    const open = async (): Promise<Page> => {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.locator('#status', { hasText: 'connected' }).waitFor({ timeout: 5000 });
      return page;
    };
    const enter = async (name: string, page?: Page): Promise<Page> => {
      const p = page ?? (await open());
      await p.fill('#name', name);
      await p.click('#join');
      return p;
    };
    const online = (page: Page) => page.locator('#online li').allTextContents();

    const ann = await enter('ann?');
    await ann.locator('#messages li.notice', { hasText: 'room and name must be 1–32 letters, digits, spaces or dashes' }).waitFor({ timeout: 5000 });
    await enter('ann', ann);
    await ann.locator('#online li[data-key="ann"]').waitFor({ timeout: 5000 });
    const bob = await enter('bob');
    await bob.locator('#here', { hasText: '2 here in lobby' }).waitFor({ timeout: 5000 });
    expect(await online(bob)).toEqual(['ann', 'bob']);
    await ann.locator('#messages li.notice', { hasText: 'bob joined' }).waitFor({ timeout: 5000 });
    expect(await online(ann)).toEqual(['ann', 'bob']);

    await bob.fill('#messageText', 'hello lobby');
    await bob.click('#send');
    await ann.locator('#messages li', { hasText: 'bob: hello lobby' }).waitFor({ timeout: 5000 });

    const bobAgain = await enter('bob');
    await ann.locator('#online li[data-key="bob"]', { hasText: 'bob (2 tabs)' }).waitFor({ timeout: 5000 });
    expect(await online(bobAgain)).toEqual(['ann', 'bob (2 tabs)']);
    await ann.screenshot({ path: join(ARTIFACTS, 'rooms.png'), fullPage: true });

    await bobAgain.close();
    await ann.locator('#online li[data-key="bob"]', { hasText: /^bob$/ }).waitFor({ timeout: 5000 });
    await bob.close();
    await ann.locator('#messages li.notice', { hasText: 'bob left' }).waitFor({ timeout: 5000 });
    expect(await online(ann)).toEqual(['ann']);
    expect(await ann.locator('#here').textContent()).toBe('1 here in lobby');
    expect(await ann.locator('#messages li').allTextContents()).toEqual(['bob joined', 'bob: hello lobby', 'bob left']);
    await context.close();
  }, 30000);
});
