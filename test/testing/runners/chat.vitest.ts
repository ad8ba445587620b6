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

test('the sender reads "You wrote: …", the others "Client #<id> says: …"', async () => {
  const alice = await t.connect('/ws/1');
  const bob = await t.connect('/ws/2');
  alice.send('hi');
  expect(await alice.next()).toBe('You wrote: hi');
  expect(await bob.next()).toBe('Client #1 says: hi');
  await alice.expectSilence();
});

test('the others read "Client #<id> left the chat"', async () => {
  const alice = await t.connect('/ws/1');
  const bob = await t.connect('/ws/2');
  await bob.close();
  expect(await alice.next()).toBe('Client #2 left the chat');
});
