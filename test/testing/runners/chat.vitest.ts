/**
 * examples/chat tested with switchboard/testing under vitest: the same kit as under jest and node:test.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { testApp, type TestApp } from 'switchboard/testing';
import type { App } from 'switchboard';
import { createApp } from '../../../examples/chat/app';

let t: TestApp<App>;
beforeEach(async () => {
  t = await testApp(createApp());
});
afterEach(() => t.close());

test('the sender reads "You wrote: …", the others a "said" push from its id', async () => {
  const alice = await t.connect('/ws/1');
  const bob = await t.connect('/ws/2');
  expect(await alice.request('say', { text: 'hi' })).toBe('You wrote: hi');
  expect(await bob.nextJson()).toEqual({ event: 'said', data: { from: '1', text: 'hi' } });
  await alice.expectSilence();
});

test('the others get a "left" push', async () => {
  const alice = await t.connect('/ws/1');
  const bob = await t.connect('/ws/2');
  await bob.close();
  expect(await alice.nextJson()).toEqual({ event: 'left', data: { from: '2' } });
});
