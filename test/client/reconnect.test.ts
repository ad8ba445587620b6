import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ClientStatus } from '../../lib/client';
import { delay, recordingLogger, start, within } from '../helpers';
import { chat, ChatRoute, cleanUp, DenyRoute, gate, nextPush, open, openUrl, RefuseRoute, rejection, seen, untilStatus } from './fixture';
import { Relay } from './relay';

let relay: Relay | null = null;

afterEach(async () => {
  relay?.close();
  relay = null;
  await cleanUp();
});

beforeEach(() => {
  seen.upgrades = 0;
  seen.connects = 0;
});

/**
 * Proves an absence (no further attempt): the client has stopped, so there is nothing to wait for but
 * time. Several times the largest retry window of these tests (50 ms).
 */
const quietPeriod = (): Promise<void> => delay(300);

describe('switchboard/client reconnects', () => {
  test('a server restart mid-session: reconnects by itself, in flight rejects disconnected, a request made in the gap succeeds, pushes flow again', async () => {
    const first = await start({ routes: [ChatRoute] });
    relay = new Relay();
    await relay.listen(first.port);
    const base = `ws://127.0.0.1:${relay.port}`;
    const client = open(chat, base, { params: { room: 'lobby' } });
    const statuses: ClientStatus[] = [];
    client.onStatus((s) => statuses.push(s));
    let reconnects = 0;
    client.onReconnect(() => {
      reconnects++;
      void client.request('join', { name: 'ann' });
    });
    await within(client.request('join', { name: 'ann' }), 'the join');
    const inFlight = client.request('hold', null);
    await gate.entered();

    // The server goes away: its address stops accepting, and it closes every connection (1001).
    relay.close();
    const closing = first.app.close({ timeout: 5000 });
    await untilStatus(client, 'reconnecting');
    expect(client.lastClose).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(await rejection(inFlight)).toMatchObject({
      code: 'disconnected',
      message: 'The connection dropped before "hold" was answered; it may or may not have been handled',
    });
    const inTheGap = client.request('say', { text: 'in the gap' });
    gate.open();
    await within(closing, 'the first server to close');
    expect(client.status).toBe('reconnecting');

    // A new server, with no memory of the room, at the same address.
    const second = await start({ routes: [ChatRoute] });
    await relay.listen(second.port);
    expect(await within(inTheGap, 'the request made in the gap')).toEqual({ at: 10 });
    expect(reconnects).toBe(1);
    expect(statuses).toEqual(['open', 'reconnecting', 'open']);

    // onReconnect joined the room again before the waiting request went out.
    const bob = open(chat, base, { params: { room: 'lobby' } });
    const pushed = nextPush(client, 'said');
    await within(bob.request('say', { text: 'welcome back' }), 'the reply');
    expect(await pushed).toEqual({ from: 'anonymous', text: 'welcome back' });
  });

  test('reconnect: false — a drop closes the client; requests waiting reject with closed', async () => {
    const { app, port } = await start({ routes: [ChatRoute] });
    const client = open(chat, `ws://127.0.0.1:${port}`, { params: { room: 'lobby' }, reconnect: false });
    await untilStatus(client, 'open');
    await within(app.close({ timeout: 2000 }), 'the server to close');
    await untilStatus(client, 'closed');
    expect(client.lastClose).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(await rejection(client.request('say', { text: 'x' }))).toMatchObject({ code: 'closed' });
  });

  test.each([
    ['401', 4401, 'Bad token'],
    ['false', 4403, 'Forbidden'],
  ])('an upgrade refused by the app (/deny/%s) is final: one attempt, status closed with 4000 + the status and its message', async (how, code, reason) => {
    const { port, app } = await start({ routes: [DenyRoute] });
    const client = openUrl(`ws://127.0.0.1:${port}/deny/${how}`);
    const pending = client.request('say', { text: 'sent, not handled' });
    await untilStatus(client, 'closed');
    expect(client.lastClose).toEqual({ code, reason });
    expect(await rejection(pending)).toMatchObject({ code: 'closed', message: 'The client closed before "say" was answered' });
    await quietPeriod();
    expect(seen.upgrades).toBe(1);
    expect(app.connectionCount).toBe(0);
  });

  test('an upgrade refused with an HTTP status, as by a proxy (the client then reads it from `ws`): 4xx is final, 5xx is retried', async () => {
    let upgrades = 0;
    const proxy = createServer();
    proxy.on('upgrade', (req: IncomingMessage, socket: Socket) => {
      upgrades++;
      const status = req.url === '/gone' ? '410 Gone' : '502 Bad Gateway';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    try {
      const gone = openUrl(`ws://127.0.0.1:${port}/gone`);
      await untilStatus(gone, 'closed');
      expect(gone.lastClose).toEqual({ code: 4410, reason: 'Unexpected server response: 410' });
      expect(upgrades).toBe(1);
      const down = openUrl(`ws://127.0.0.1:${port}/down`, { reconnect: { minDelay: 10, maxDelay: 50, maxRetries: 2 } });
      await untilStatus(down, 'closed');
      expect(down.lastClose).toEqual({ code: 4502, reason: 'Unexpected server response: 502' });
      expect(upgrades).toBe(4);
    } finally {
      proxy.close();
    }
  });

  test('a path no route serves (404) is final too', async () => {
    const { port } = await start({ routes: [ChatRoute] });
    const client = openUrl(`ws://127.0.0.1:${port}/nowhere`);
    await untilStatus(client, 'closed');
    expect(client.lastClose).toEqual({ code: 4404, reason: 'Unexpected server response: 404' });
  });

  test('an upgrade that fails with a server error (500) is retried with backoff, at most maxRetries times', async () => {
    const { port } = await start({ routes: [DenyRoute], logger: recordingLogger() });
    const client = openUrl(`ws://127.0.0.1:${port}/deny/throw`, { reconnect: { minDelay: 10, maxDelay: 50, maxRetries: 3 } });
    const statuses: ClientStatus[] = [];
    client.onStatus((s) => statuses.push(s));
    await untilStatus(client, 'closed');
    expect(client.lastClose).toEqual({ code: 4500, reason: 'Internal Server Error' });
    expect(seen.upgrades).toBe(4);
    // Each refusal is a socket that opens and is closed at once; none counts as having been connected.
    expect(statuses).toEqual(['open', 'connecting', 'open', 'connecting', 'open', 'connecting', 'open', 'closed']);
    await quietPeriod();
    expect(seen.upgrades).toBe(4);
  });

  test('a server that accepts and closes at once with 4401 (how it refuses a browser) is final; requests it carried reject closed, not disconnected', async () => {
    const { port } = await start({ routes: [RefuseRoute] });
    const client = openUrl(`ws://127.0.0.1:${port}/refuse/4401`);
    const pending = client.request('say', { text: 'sent on a refused connection' });
    await untilStatus(client, 'closed');
    expect(client.lastClose).toEqual({ code: 4401, reason: 'Refused' });
    expect(await rejection(pending)).toMatchObject({ code: 'closed' });
    await quietPeriod();
    expect(seen.connects).toBe(1);
  });

  test('4503 (refused while the server shuts down) is retried; the requests it carried go out again, never rejected as disconnected', async () => {
    const { port } = await start({ routes: [RefuseRoute] });
    const client = openUrl(`ws://127.0.0.1:${port}/refuse/4503`, { reconnect: { minDelay: 10, maxDelay: 50, maxRetries: 2 } });
    const pending = client.request('say', { text: 'carried three times' });
    await untilStatus(client, 'closed');
    expect(seen.connects).toBe(3);
    expect(client.lastClose).toEqual({ code: 4503, reason: 'Refused' });
    expect(await rejection(pending)).toMatchObject({ code: 'closed' });
  });

  test.each([
    ['1000 (normal closure) by default', 1000, undefined, 1],
    ['a code the app marks final', 4001, [4001], 1],
    ['a code not marked final: retried', 4001, undefined, 3],
  ])('close code %s', async (_, code, finalCodes, connects) => {
    const { port } = await start({ routes: [RefuseRoute] });
    const client = openUrl(`ws://127.0.0.1:${port}/refuse/${code}`, {
      reconnect: { minDelay: 10, maxDelay: 50, maxRetries: 2, ...(finalCodes && { finalCodes }) },
    });
    await untilStatus(client, 'closed');
    expect(client.lastClose).toEqual({ code, reason: 'Refused' });
    await quietPeriod();
    expect(seen.connects).toBe(connects);
  });
});

describe('the server reconnect window', () => {
  test('a 4429 refusal (too many connections from this address) is retried within its window, and gets in once a slot frees up', async () => {
    const { url } = await start({ routes: [ChatRoute], maxConnectionsPerIp: 1 });
    const first = openUrl(url('/chat/lobby'));
    await untilStatus(first, 'open');
    const second = openUrl(url('/chat/lobby'));
    await within(new Promise<void>((resolve) => second.onStatus(() => second.lastClose?.code === 4429 && resolve())), 'the 4429');
    expect(second.lastClose).toEqual({ code: 4429, reason: 'Too many connections from this address; window=5000' });
    first.close();
    // Its next attempt comes within the 5 s window (not its own 10–50 ms backoff), and is admitted.
    await untilStatus(second, 'open', 12_000);
  }, 20_000);
});
