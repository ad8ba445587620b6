/**
 * switchboard/client in Chromium, loaded the way a page without a bundler loads it: the ES module
 * app.serveClient() serves, imported from a URL of the app. A browser cannot read the HTTP status of a
 * refused upgrade; the client offers the switchboard subprotocol, so the server refuses it with a close
 * code instead, which the page can read.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type * as ClientModule from '../../lib/client';
import { App } from '../../lib';
import { describeNeeding } from '../external';
import { ARTIFACTS, chromiumForSuite } from '../browser/browser';
import { delay, recordingLogger, start, within } from '../helpers';
import { chat, ChatRoute, cleanUp, DenyRoute, open, seen } from './fixture';
import { Relay } from './relay';

/** What the page puts on its global object. */
interface PageGlobals {
  sb: typeof ClientModule;
  client: ClientModule.Client;
  pushes: unknown[];
  /** Each status, with the close code when it is 'reconnecting'. */
  statuses: string[];
  location: { host: string };
  document: { getElementById(id: 'status'): { textContent: string } };
}

/** The page: the client module imported from the app, and the client's status shown in #status. */
const PAGE = `<!doctype html><title>switchboard/client</title><output id="status">loading</output>
<script type="module">import * as sb from '/switchboard/client.js'; globalThis.sb = sb;</script>`;

describeNeeding('chromium', 'switchboard/client in a real browser, as one ES module', () => {
  const browser = chromiumForSuite();
  let relay: Relay | null = null;
  afterEach(async () => {
    relay?.close();
    relay = null;
    await cleanUp();
  });

  /** An app with the test routes that also serves the page and the client module. */
  function app(): App {
    return new App({ routes: [ChatRoute, DenyRoute], logger: recordingLogger() }).get('/', () => PAGE).serveClient('/switchboard/client.js');
  }

  /** Resolves once the page's #status reads `status`. */
  const shows = (tab: Page, status: string): Promise<void> => tab.locator(`#status:text-is("${status}")`).waitFor({ timeout: 5000 });

  /** Opens the page at `origin` and a client on the chat channel, declared in the page with pass-through schemas. */
  async function page(origin: string, options: Record<string, unknown> = {}): Promise<Page> {
    const tab = await browser().newPage();
    await tab.goto(`${origin}/`);
    await tab.waitForFunction(() => 'sb' in globalThis, undefined, { timeout: 5000 });
    await tab.evaluate((options) => {
      const g = globalThis as unknown as PageGlobals;
      const any = { '~standard': { version: 1 as const, vendor: 'page', validate: (value: unknown) => ({ value }) } };
      const channel = g.sb.defineChannel('/chat/{room}', { requests: { say: { data: any, reply: any }, join: { data: any } }, events: { said: any } });
      g.pushes = [];
      g.statuses = [];
      g.client = g.sb.connect(channel, `ws://${g.location.host}`, {
        params: { room: 'lobby' },
        reconnect: { minDelay: 10, maxDelay: 50 },
        ...options,
      }) as never;
      g.client.on('said', (data) => g.pushes.push(data));
      g.client.onStatus((status) => {
        g.statuses.push(status === 'reconnecting' ? `${status} ${g.client.lastClose?.code}` : status);
        g.document.getElementById('status').textContent = status;
      });
    }, options);
    return tab;
  }

  const request = (tab: Page, name: string, data: unknown): Promise<unknown> =>
    tab.evaluate(
      ([name, data]) =>
        (globalThis as unknown as PageGlobals).client.request(name, data).then(
          (value) => ({ value }),
          (e: ClientModule.RequestError) => ({ error: { name: e.name, code: e.code, message: e.message, issues: e.issues } }),
        ),
      [name, data] as const,
    );

  test('request/reply, a server error code with issues, and a push, with the browser WebSocket', async () => {
    const { port } = await start(app());
    const tab = await page(`http://127.0.0.1:${port}`);
    await shows(tab, 'open');
    expect(await request(tab, 'join', { name: 'page' })).toEqual({ value: null });
    expect(await request(tab, 'say', { text: 'from the page' })).toEqual({ value: { at: 13 } });
    expect(await request(tab, 'say', { text: '' })).toEqual({
      error: {
        name: 'RequestError',
        code: 'validation_failed',
        message: 'Too small: expected string to have >=1 characters',
        issues: [{ message: 'Too small: expected string to have >=1 characters', path: ['text'] }],
      },
    });
    const node = open(chat, `ws://127.0.0.1:${port}`, { params: { room: 'lobby' } });
    await within(node.request('join', { name: 'node' }), 'the join');
    await within(node.request('say', { text: 'to the page' }), 'the reply');
    await tab.waitForFunction(() => (globalThis as unknown as PageGlobals).pushes.length > 0, undefined, { timeout: 5000 });
    expect(await tab.evaluate(() => (globalThis as unknown as PageGlobals).pushes)).toEqual([{ from: 'node', text: 'to the page' }]);
    await tab.screenshot({ path: join(ARTIFACTS, 'client-page.png') });
    await tab.close();
  }, 30000);

  test('a server restart: the page reconnects by itself and a request made in the gap succeeds', async () => {
    const first = await start(app());
    relay = new Relay();
    await relay.listen(first.port);
    const tab = await page(`http://127.0.0.1:${relay.port}`);
    expect(await request(tab, 'say', { text: 'before' })).toEqual({ value: { at: 6 } });
    relay.close();
    await within(first.app.close({ timeout: 2000 }), 'the first server to close');
    await shows(tab, 'reconnecting');
    const inTheGap = request(tab, 'say', { text: 'in the gap' });
    const second = await start(app());
    await relay.listen(second.port);
    expect(await inTheGap).toEqual({ value: { at: 10 } });
    await shows(tab, 'open');
    expect(await tab.evaluate(() => (globalThis as unknown as PageGlobals).statuses)).toEqual(['open', 'reconnecting 1001', 'open']);
    await tab.close();
  }, 30000);

  test('an upgrade refused with 401 reaches the browser as close code 4401: status closed at once, no retry', async () => {
    seen.upgrades = 0;
    const { port } = await start(app());
    const tab = await browser().newPage();
    await tab.goto(`http://127.0.0.1:${port}/`);
    await tab.waitForFunction(() => 'sb' in globalThis, undefined, { timeout: 5000 });
    const close = await tab.evaluate(
      () =>
        new Promise<unknown>((resolve) => {
          const g = globalThis as unknown as PageGlobals;
          g.statuses = [];
          const client = g.sb.connect(`ws://${g.location.host}/deny/401`, { reconnect: { minDelay: 10, maxDelay: 50, maxRetries: 5 } });
          client.onStatus((status) => {
            g.statuses.push(status);
            g.document.getElementById('status').textContent = status;
            if (status === 'closed') resolve(client.lastClose);
          });
        }),
    );
    expect(close).toEqual({ code: 4401, reason: 'Bad token' });
    await shows(tab, 'closed');
    // Nothing to wait for but time: several times the largest retry window (50 ms), for attempts that must not come.
    await delay(300);
    expect(seen.upgrades).toBe(1);
    // The refused socket opened for an instant (the server accepts in order to say no with a close code).
    expect(await tab.evaluate(() => (globalThis as unknown as PageGlobals).statuses)).toEqual(['open', 'closed']);
    await tab.close();
  }, 30000);
});
