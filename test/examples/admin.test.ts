/**
 * Every example serves the inspection page when SWITCHBOARD_ADMIN_TOKEN is set (examples/run-example.ts's
 * withAdmin, which each example's main runs), and none does without it.
 */
import { LocalBus, type App, type AppOptions } from 'switchboard';
import { testApp, type TestApp } from 'switchboard/testing';
import { createApp as chat } from '../../examples/chat/app';
import { createApp as cluster } from '../../examples/cluster/app';
import { createApp as echo } from '../../examples/echo/app';
import { createApp as notifications } from '../../examples/notifications/app';
import { createApp as robyn } from '../../examples/robyn/app';
import { createApp as rooms } from '../../examples/rooms/app';
import { withAdmin } from '../../examples/run-example';
import { recordingLogger } from '../helpers';

const TOKEN = 'example-admin-token-0123456789';
const examples: Record<string, (options: AppOptions) => App> = {
  chat,
  echo,
  robyn,
  rooms,
  notifications,
  cluster: (options) => cluster({ ...options, bus: new LocalBus() }),
};

let t: TestApp<App> | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

test.each(Object.keys(examples))('%s: /admin behind SWITCHBOARD_ADMIN_TOKEN, and not served without it', async (name) => {
  t = await testApp(withAdmin(examples[name]!({ logger: recordingLogger() }), { SWITCHBOARD_ADMIN_TOKEN: TOKEN }));
  const base = `http://127.0.0.1:${t.port}/admin`;
  expect((await fetch(`${base}/stats.json`)).status).toBe(401);
  const stats = (await (await fetch(`${base}/stats.json`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
    connections: number;
    readonly: boolean;
  };
  expect(stats).toMatchObject({ connections: 0, readonly: false });
  expect((await fetch(base)).status).toBe(200);
  await t.close();

  t = await testApp(withAdmin(examples[name]!({ logger: recordingLogger() }), {}));
  expect((await fetch(`http://127.0.0.1:${t.port}/admin/stats.json`)).status).toBe(404);
});

test('SWITCHBOARD_ADMIN_READONLY=1 serves it readonly', async () => {
  t = await testApp(withAdmin(echo({ logger: recordingLogger() }), { SWITCHBOARD_ADMIN_TOKEN: TOKEN, SWITCHBOARD_ADMIN_READONLY: '1' }));
  const r = await fetch(`http://127.0.0.1:${t.port}/admin/disconnect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: '{"id":"x"}',
  });
  expect(r.status).toBe(403);
});
