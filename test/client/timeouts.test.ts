import { performance } from 'node:perf_hooks';
import type { RequestError } from '../../lib/client';
import { start, within } from '../helpers';
import { chat, ChatRoute, cleanUp, gate, open, rejection } from './fixture';

afterEach(cleanUp);

/** The rejection of `promise` and how long after `since` it came. */
async function timedRejection(promise: Promise<unknown>, since: number): Promise<{ error: RequestError; ms: number }> {
  const error = await rejection(promise);
  return { error, ms: performance.now() - since };
}

/** A timer never fires early; on a busy shared machine it may fire late, so the upper bound is loose. */
const LATE_MS = 1500;

describe('switchboard/client timeouts', () => {
  test("the client's timeout rejects an unanswered request with 'timeout' after it, and the late answer is ignored", async () => {
    const { port } = await start({ routes: [ChatRoute] });
    const client = open(chat, `ws://127.0.0.1:${port}`, { params: { room: 'lobby' }, timeout: 100 });
    // Setting up is not under test: connecting and a first request can take over 100 ms on a loaded machine.
    await within(client.request('join', { name: 'ann' }, { timeout: 2000 }), 'the join');
    const since = performance.now();
    const { error, ms } = await timedRejection(client.request('hold', null), since);
    expect(error).toMatchObject({ code: 'timeout', message: 'No answer to "hold" within 100 ms' });
    expect(ms).toBeGreaterThanOrEqual(99);
    expect(ms).toBeLessThan(100 + LATE_MS);
    // The handler answers now; that answer comes before the next one on this connection and matches nothing.
    gate.open();
    expect(await within(client.request('say', { text: 'next' }), 'the reply')).toEqual({ at: 4 });
  });

  test("a call's timeout overrides the client's", async () => {
    const { port } = await start({ routes: [ChatRoute] });
    const client = open(chat, `ws://127.0.0.1:${port}`, { params: { room: 'lobby' } });
    await within(client.request('join', { name: 'ann' }), 'the join');
    const since = performance.now();
    const { error, ms } = await timedRejection(client.request('hold', null, { timeout: 50 }), since);
    expect(error).toMatchObject({ code: 'timeout', message: 'No answer to "hold" within 50 ms' });
    expect(ms).toBeGreaterThanOrEqual(49);
    expect(ms).toBeLessThan(50 + LATE_MS);
  });

  test('a request made while no server answers waits for a connection within its timeout, then rejects', async () => {
    const { app, port } = await start({ routes: [ChatRoute] });
    await app.close();
    const client = open(chat, `ws://127.0.0.1:${port}`, { params: { room: 'lobby' } });
    const since = performance.now();
    const { error, ms } = await timedRejection(client.request('say', { text: 'anyone?' }, { timeout: 150 }), since);
    expect(error).toMatchObject({ code: 'timeout', message: 'No answer to "say" within 150 ms' });
    expect(ms).toBeGreaterThanOrEqual(149);
    expect(ms).toBeLessThan(150 + LATE_MS);
    expect(client.status).toBe('connecting');
  });

  test('timeout Infinity waits as long as the connection lasts; a timeout that is not a positive number is an error', async () => {
    const { port } = await start({ routes: [ChatRoute] });
    const client = open(chat, `ws://127.0.0.1:${port}`, { params: { room: 'lobby' }, timeout: Infinity });
    const held = client.request('hold', null);
    await gate.entered();
    client.close();
    await expect(held).rejects.toMatchObject({ code: 'closed' });
    const other = open(chat, `ws://127.0.0.1:${port}`, { params: { room: 'lobby' } });
    await expect(other.request('say', { text: 'x' }, { timeout: 0 })).rejects.toThrow(
      new TypeError('request(): timeout must be a number of ms > 0, got 0 [SWB_ERR_INVALID_ARGUMENT]'),
    );
  });
});
