/**
 * The per-connection rate limit: a token bucket per connection; a refused message gets a rate_limited
 * frame with retryAfter and its handler does not run; a client far past it is closed with 1008.
 */
import { App, Connector, OnMessage, WebSocketRoute } from '../../lib';
import { closeAll, connect, delay, start } from '../helpers';
import { takeToken } from '../../lib/runtime/rate-limit';

afterEach(closeAll);

let handled = 0;
beforeEach(() => (handled = 0));

@WebSocketRoute('/plain')
class Plain {
  @OnMessage()
  message(_ws: Connector, text: string) {
    handled++;
    return text;
  }
}

@WebSocketRoute('/events', { rateLimit: { messages: 2, per: 60_000 } })
class Events {
  @OnMessage('say')
  say(_ws: Connector, data: string) {
    handled++;
    return data;
  }
}

@WebSocketRoute('/free', { rateLimit: false })
class Free {
  @OnMessage()
  message(_ws: Connector, text: string) {
    return text;
  }
}

describe('rateLimit', () => {
  test('lets `burst` messages through, then refuses with rate_limited and retryAfter; the handler does not run', async () => {
    const { app, url } = await start({ routes: [Plain], rateLimit: { messages: 3, per: 60_000 } });
    const client = await connect(url('/plain'));
    for (const text of ['a', 'b', 'c', 'd']) client.send(text);
    expect([await client.next(), await client.next(), await client.next()]).toEqual(['a', 'b', 'c']);
    const refusal = (await client.nextJson()) as { error: { code: string; message: string; retryAfter: number } };
    expect(refusal.error.code).toBe('rate_limited');
    expect(refusal.error.message).toBe('Too many messages: at most 3 per 60000 ms');
    // The bucket is in debt by the refused message: two tokens, at 3 per minute, are 40 s away.
    expect(refusal.error.retryAfter).toBeGreaterThan(39_000);
    expect(refusal.error.retryAfter).toBeLessThanOrEqual(40_000);
    expect(handled).toBe(3);
    expect(app.metrics()).toContain('switchboard_rate_limited_total{route="/plain"} 1');
  });

  test('refills with time: a client that waits retryAfter is let through again', async () => {
    // One message per 500 ms: 'b', sent right behind 'a', arrives well within that even on a busy machine
    // (a 10 ms interval let 'b' through when the two frames reached the server in reads 10 ms apart). The
    // refused 'b' still took its token (the bucket's debt), so the wait is up to two intervals.
    const { url } = await start({ routes: [Plain], rateLimit: { messages: 2, per: 1000, burst: 1 } });
    const client = await connect(url('/plain'));
    client.send('a');
    client.send('b');
    expect(await client.next()).toBe('a');
    const { error } = (await client.nextJson()) as { error: { retryAfter: number } };
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(error.retryAfter).toBeLessThanOrEqual(1000);
    await delay(error.retryAfter + 1);
    client.send('c');
    expect(await client.next()).toBe('c');
  });

  test('closes with 1008 a client that goes on sending `burst` messages past the limit', async () => {
    const { app, url } = await start({ routes: [Plain], rateLimit: { messages: 2, per: 60_000 } });
    const client = await connect(url('/plain'));
    for (let i = 0; i < 10; i++) client.send(`m${i}`);
    const frames = [await client.next(), await client.next(), await client.nextJson(), await client.nextJson()];
    expect(frames.slice(0, 2)).toEqual(['m0', 'm1']);
    expect(frames.slice(2)).toMatchObject([{ error: { code: 'rate_limited' } }, { error: { code: 'rate_limited' } }]);
    expect(await client.waitClosed()).toEqual({ code: 1008, reason: 'Rate limit exceeded' });
    expect(handled).toBe(2);
    const metrics = app.metrics();
    expect(metrics).toContain('switchboard_rate_limited_total{route="/plain"} 3');
    expect(metrics).toContain('switchboard_rate_limit_closes_total{route="/plain"} 1');
  });

  test('on a route with events, the refusal names the event and id, so a request fails at once', async () => {
    const { url } = await start({ routes: [Events] });
    const client = await connect(url('/events'));
    for (const id of [1, 2, 3]) client.send(JSON.stringify({ event: 'say', data: `x${id}`, id }));
    expect(await client.nextJson()).toEqual({ event: 'say', id: 1, data: 'x1' });
    expect(await client.nextJson()).toEqual({ event: 'say', id: 2, data: 'x2' });
    expect(await client.nextJson()).toMatchObject({ event: 'say', id: 3, error: { code: 'rate_limited' } });
  });

  test('a route can turn the App-wide limit off; other connections keep their own buckets', async () => {
    const { url } = await start({ routes: [Plain, Free], rateLimit: { messages: 1, per: 60_000 } });
    const free = await connect(url('/free'));
    for (let i = 0; i < 5; i++) free.send(`f${i}`);
    for (let i = 0; i < 5; i++) expect(await free.next()).toBe(`f${i}`);
    const [one, two] = [await connect(url('/plain')), await connect(url('/plain'))];
    one.send('1');
    two.send('2');
    expect(await one.next()).toBe('1');
    expect(await two.next()).toBe('2');
  });

  test.each([
    [{ messages: 0, per: 1000 }, /"rateLimit.messages" must be an integer from 1/],
    [{ messages: 10 }, /"rateLimit.per" must be an integer from 1/],
    [{ messages: 10, per: 1000, burst: 0 }, /"rateLimit.burst" must be an integer from 1/],
    [{ messages: 10, per: 1000, every: 1 }, /unknown option/],
    [true, /"rateLimit" must be false or \{ messages, per, burst\? \}/],
  ])('rateLimit %j is refused', (rateLimit, message) => {
    expect(() => new App({ rateLimit } as never)).toThrow(message);
  });
});

test('a full bucket takes its message at any clock value (fractional milliseconds do not round it into a refusal)', () => {
  const limit = { messages: 1, per: 60_000, burst: 1, interval: 60_000, window: 60_000 };
  // Clock values at which (now + 60000) - now is a hair above 60000 in floating point.
  for (const now of [491883.4334919757, 88160.46820431178, 496711.02088104415]) expect(takeToken({ fullAt: now }, limit, now)).toBe(true);
});
