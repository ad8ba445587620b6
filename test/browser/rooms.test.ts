import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createApp } from '../../examples/rooms/app';
import { rooms } from '../../examples/rooms/rooms.api';
import { RedisBus } from '../../lib/redis';
import { killChild, startChildNode } from '../child-node';
import { closeAll, eventually, recordingLogger, start } from '../helpers';
import { describeNeeding } from '../external';
import { freePort, RedisServer } from '../redis-server';
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

/**
 * Node A serves the page; node B, another process of the app on the same Redis, talks to the room while A
 * is down. A comes back on its port as a new App: the page resumes there by itself.
 */
describeNeeding('chromium', 'examples/rooms across a restart, on RedisBus in a real browser', () => {
  const browser = chromiumForSuite();
  let redis: RedisServer | null = null;
  let child: ChildProcess | null = null;
  beforeAll(async () => {
    redis = await RedisServer.start();
  }, 15_000);
  afterEach(async () => {
    if (child !== null) await killChild(child);
    child = null;
    await closeAll();
  });
  afterAll(() => redis?.stop());

  const node = (port = 0) => start(createApp({ logger: recordingLogger(), bus: new RedisBus({ url: redis!.url }) }), port);
  /**
   * Node A, and how it stops: a deploy closes it with 1012; a crash SIGKILLs its process. On a port asked
   * for, as a deployed node's: an App that listened on port 0 on uWS leaves its closed connections in
   * TIME_WAIT, which keeps the next App off that port (SWB_ERR_PORT_IN_USE) until they expire.
   */
  const nodeA = async (how: 'deploy' | 'crash'): Promise<{ port: number; stop: () => Promise<void> }> => {
    const port = await freePort();
    if (how === 'deploy') {
      const { app } = await node(port);
      return { port, stop: () => app.close({ code: 1012, reconnectWindow: 500 }) };
    }
    const started = await startChildNode('rooms-node.ts', { REDIS_URL: redis!.url, PORT: String(port) });
    child = started.child;
    return { port, stop: () => killChild(started.child) };
  };

  test.each(['deploy', 'crash'] as const)(
    'a page survives a %s of its node: resumed, every message sent meanwhile shown once and in order, then live ones',
    async (how) => {
      const a = await nodeA(how);
      const b = await node();
      const room = `after a ${how}`;
      const say = (text: string) => b.app.publish(room, rooms.event('said', { name: 'bob', text }));
      say('before 1');
      say('before 2');
      const context = await browser().newContext();
      const page = await context.newPage();
      const texts = () => page.locator('#messages li').allTextContents();
      const shown = (text: string) => page.locator('#messages li', { hasText: text }).waitFor({ timeout: 15_000 });
      await page.goto(`http://127.0.0.1:${a.port}/`);
      await page.locator('#status', { hasText: 'connected' }).waitFor({ timeout: 5000 });
      await page.fill('#name', 'ann');
      await page.fill('#room', room);
      await page.click('#join');
      await page.locator('#online li[data-key="ann"]').waitFor({ timeout: 5000 });
      expect(await page.locator('#messages li.earlier').allTextContents()).toEqual(['bob: before 1', 'bob: before 2']);

      await a.stop();
      await page.locator('#status', { hasText: 'reconnecting' }).waitFor({ timeout: 5000 });
      const missed = Array.from({ length: 10 }, (_, i) => `while away ${i + 1}`);
      for (const text of missed) say(text);
      const again = await node(a.port);
      await shown(`bob: ${missed.at(-1)!}`);
      say('live');
      await shown('bob: live');
      expect(await texts()).toEqual(['bob: before 1', 'bob: before 2', 'back: nothing missed', ...missed.map((text) => `bob: ${text}`), 'bob: live']);
      expect(await page.locator('#status').textContent()).toBe('connected');
      // The page still talks in its room: the server knows its name and room again.
      await page.fill('#messageText', 'back again');
      await page.click('#send');
      const said = async () => (await b.app.history(room)).map((item) => (item.data as { data: unknown }).data);
      await eventually(async () => (await said()).length === 14, 'the page’s message in the room’s history', 5000);
      expect((await said()).at(-1)).toEqual({ name: 'ann', text: 'back again' });
      expect(await texts()).toEqual(expect.not.arrayContaining(['Join a room first']));
      expect(Object.keys(await again.app.presence(room))).toEqual(['ann']);
      // The other node lists the page too: the entry is the restarted node's, though the id is the old one's.
      await eventually(async () => Object.keys(await b.app.presence(room)).join() === 'ann', 'ann in the presence on node B', 5000);
      await context.close();
    },
    60_000,
  );
});
