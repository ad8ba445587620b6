/**
 * examples/notifications tested with switchboard/testing under node:test, Node's built-in runner:
 * `node -r ./test/fixtures/register-ts.js test/testing/runners/notifications.node-test.ts`.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { testApp, type TestApp } from 'switchboard/testing';
import type { App } from 'switchboard';
import { createApp } from '../../../examples/notifications/app';

let t: TestApp<App>;
beforeEach(async () => {
  t = await testApp(createApp());
});
afterEach(() => t.close());

void test('the @OnUpgrade guard refuses a missing token with 401', async () => {
  await assert.rejects(t.connect('/ws/1'), { name: 'UpgradeRefused', status: 401, body: 'Missing or invalid token' });
});

void test('with the token, the client is greeted, and POST /orders reaches it', async () => {
  const c = await t.connect('/ws/1', { query: { token: 'wst' } });
  assert.deepEqual(await c.nextJson(), { title: '连接成功', message: 'ws创建成功' });
  const res = await t.fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"#42"}' });
  assert.deepEqual(await res.json(), { delivered: 1 });
  assert.deepEqual(await c.nextJson(), { title: '新订单 New order', message: '#42' });
});
