import { join } from 'node:path';
import { createApp } from '../../examples/chat/app';
import { closeAll, recordingLogger, start } from '../helpers';
import { describeNeeding } from '../external';
import { ARTIFACTS, chromiumForSuite } from './browser';

describeNeeding('chromium', 'examples/chat in a real browser', () => {
  const browser = chromiumForSuite();
  afterEach(closeAll);

  test('two pages chat, and one sees the other leave', async () => {
    const { port } = await start(createApp({ logger: recordingLogger() }));
    const context = await browser().newContext({ viewport: { width: 390, height: 700 } });
    const alice = await context.newPage();
    await alice.goto(`http://127.0.0.1:${port}/`);
    await alice.locator('#status[data-state="open"]').waitFor({ timeout: 5000 });
    const bob = await context.newPage();
    await bob.goto(`http://127.0.0.1:${port}/`);
    await bob.locator('#status[data-state="open"]').waitFor({ timeout: 5000 });
    const aliceId = await alice.locator('#ws-id').textContent();
    const bobId = await bob.locator('#ws-id').textContent();
    expect(aliceId).not.toBe(bobId);

    await alice.fill('#messageText', 'Hello from Alice');
    await alice.click('#send');
    await alice.locator('#messages li.mine', { hasText: 'You wrote: Hello from Alice' }).waitFor({ timeout: 5000 });
    await bob.locator('#messages li', { hasText: `Client #${aliceId} says: Hello from Alice` }).waitFor({ timeout: 5000 });

    await bob.fill('#messageText', 'Hi Alice');
    await bob.press('#messageText', 'Enter');
    await alice.locator('#messages li', { hasText: `Client #${bobId} says: Hi Alice` }).waitFor({ timeout: 5000 });
    await alice.screenshot({ path: join(ARTIFACTS, 'chat-alice.png'), fullPage: true });

    await bob.close();
    await alice.locator('#messages li.notice', { hasText: `Client #${bobId} left the chat` }).waitFor({ timeout: 5000 });
    expect(await alice.locator('#messages li').allTextContents()).toEqual([
      'You wrote: Hello from Alice',
      `Client #${bobId} says: Hi Alice`,
      `Client #${bobId} left the chat`,
    ]);
    await alice.screenshot({ path: join(ARTIFACTS, 'chat.png'), fullPage: true });
    await context.close();
  }, 30000);
});
