import { join } from 'node:path';
import { createApp } from '../../examples/notifications/app';
import { closeAll, recordingLogger, start } from '../helpers';
import { describeNeeding } from '../external';
import { ARTIFACTS, chromiumForSuite } from './browser';

describeNeeding('chromium', 'examples/notifications in a real browser', () => {
  const browser = chromiumForSuite();
  afterEach(closeAll);

  test('POST /orders shows a notification on every open page', async () => {
    const { port } = await start(createApp({ logger: recordingLogger() }));
    const context = await browser().newContext({ viewport: { width: 390, height: 700 } });
    const pages = [await context.newPage(), await context.newPage()];
    for (const page of pages) {
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.locator('#status[data-state="open"]').waitFor({ timeout: 5000 });
    }
    const res = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'New order', message: 'Order #7: one tea' }),
    });
    expect(res.status).toBe(200);
    for (const page of pages) {
      const toast = page.locator('#notifications .toast', { hasText: 'Order #7: one tea' });
      await toast.waitFor({ timeout: 5000 });
      expect(await toast.locator('strong').textContent()).toBe('New order');
    }
    await pages[0]!.click('#order-send');
    await pages[1]!.locator('#notifications .toast', { hasText: 'Order #42: two coffees' }).waitFor({ timeout: 5000 });
    await pages[0]!.screenshot({ path: join(ARTIFACTS, 'notifications.png'), fullPage: true });
    await context.close();
  }, 30000);
});
