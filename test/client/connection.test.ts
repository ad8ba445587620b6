/**
 * The client's state machine with a scripted WebSocket and Jest's fake clock: backoff windows, when
 * the backoff starts over, what goes out again after a drop, and listener errors. Everything that can
 * be shown against a real server is (requests, reconnect, refusals); what depends on the clock or on
 * randomness is shown here, exactly.
 */
import { z } from 'zod';
import { connect, defineChannel, type WebSocketLike } from '../../lib/client';
import { refusalCode, retryDelay } from '../../lib/client/reconnect';

class ScriptedSocket implements WebSocketLike {
  static made: ScriptedSocket[] = [];
  readyState = 0;
  readonly sent: string[] = [];
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onerror: WebSocketLike['onerror'] = null;
  onclose: WebSocketLike['onclose'] = null;

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    ScriptedSocket.made.push(this);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  receive(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

const chat = defineChannel('/chat/{room}', {
  requests: { say: { data: z.object({ text: z.string() }), reply: z.object({ at: z.number() }) } },
  events: { said: z.object({ text: z.string() }) },
});

const last = (): ScriptedSocket => ScriptedSocket.made.at(-1)!;

beforeEach(() => {
  ScriptedSocket.made = [];
  jest.useFakeTimers();
  // The middle of every window: delays are exactly half of it.
  jest.spyOn(Math, 'random').mockReturnValue(0.5);
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

function client(reconnect = { minDelay: 100, maxDelay: 1000 }) {
  return connect(chat, 'ws://example.test/', { params: { room: 'r 1' }, query: { token: 'a&b' }, WebSocket: ScriptedSocket, reconnect });
}

/** Advances the clock by `ms` and says whether a new socket was made by then. */
function reconnectedAfter(ms: number): boolean {
  const before = ScriptedSocket.made.length;
  jest.advanceTimersByTime(ms);
  return ScriptedSocket.made.length > before;
}

describe('the client state machine', () => {
  test('full jitter: uniform below min(maxDelay, minDelay · 2^attempt)', () => {
    expect([0, 1, 2, 3, 4, 10].map((attempt) => retryDelay(attempt, 100, 1000))).toEqual([50, 100, 200, 400, 500, 500]);
    jest.spyOn(Math, 'random').mockReturnValue(0);
    expect(retryDelay(5, 100, 1000)).toBe(0);
  });

  test('a refused upgrade is read from the error of `ws` ("Unexpected server response: 401"), for 4xx and 5xx only', () => {
    expect(refusalCode({ message: 'Unexpected server response: 401' })).toBe(4401);
    expect(refusalCode({ message: 'Unexpected server response: 503' })).toBe(4503);
    expect(refusalCode({ message: 'Unexpected server response: 302' })).toBe(0);
    expect(refusalCode({ message: 'connect ECONNREFUSED 127.0.0.1:1' })).toBe(0);
    expect(refusalCode({})).toBe(0);
    expect(refusalCode(undefined)).toBe(0);
  });

  test('offers the subprotocol "switchboard" on the URL made of the base, the encoded params and the query', () => {
    client();
    expect(last().url).toBe('ws://example.test/chat/r%201?token=a%26b');
    expect(last().protocols).toBe('switchboard');
  });

  test('the window doubles per failed attempt, and starts over once a connection stayed open 5 s', () => {
    const c = client();
    last().drop(); // the first attempt fails before open
    expect(reconnectedAfter(49)).toBe(false);
    expect(reconnectedAfter(1)).toBe(true); // 50: half of 100
    last().drop();
    expect(reconnectedAfter(99)).toBe(false);
    expect(reconnectedAfter(1)).toBe(true); // 100: half of 200
    last().open();
    last().drop(); // accepted, then closed at once: not healthy, the backoff goes on
    expect(reconnectedAfter(199)).toBe(false);
    expect(reconnectedAfter(1)).toBe(true); // 200: half of 400
    last().open();
    jest.advanceTimersByTime(5000);
    last().drop(); // healthy for 5 s: starts over
    expect(reconnectedAfter(49)).toBe(false);
    expect(reconnectedAfter(1)).toBe(true);
    expect(c.status).toBe('reconnecting');
    c.close();
  });

  test('at most once: at a drop the request in flight rejects disconnected and is not sent again; the one waiting is', async () => {
    const c = client();
    last().open();
    const inFlight = c.request('say', { text: 'one' });
    const first = last();
    expect(first.sent).toEqual(['{"event":"say","data":{"text":"one"},"id":1}']);
    first.drop(1001, 'Server shutting down');
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' });
    const waiting = c.request('say', { text: 'two' });
    jest.advanceTimersByTime(50);
    last().open();
    expect(last().sent).toEqual(['{"event":"say","data":{"text":"two"},"id":2}']);
    last().receive({ event: 'say', id: 2, data: { at: 3 } });
    await expect(waiting).resolves.toEqual({ at: 3 });
    c.close();
  });

  test('a connection refused by a close code (4503) handled nothing: its request goes out again, and the next open is no reconnect', async () => {
    const c = client();
    const statuses: string[] = [];
    c.onStatus((s) => statuses.push(s));
    let reconnects = 0;
    c.onReconnect(() => reconnects++);
    const carried = c.request('say', { text: 'carried' });
    last().open();
    last().drop(4503, 'Server is shutting down');
    jest.advanceTimersByTime(50);
    last().open();
    expect(ScriptedSocket.made.map((s) => s.sent)).toEqual([
      ['{"event":"say","data":{"text":"carried"},"id":1}'],
      ['{"event":"say","data":{"text":"carried"},"id":1}'],
    ]);
    last().receive({ event: 'say', id: 1, data: { at: 1 } });
    await expect(carried).resolves.toEqual({ at: 1 });
    expect({ statuses, reconnects }).toEqual({ statuses: ['open', 'connecting', 'open'], reconnects: 0 });
    c.close();
  });

  test('frames with an id are answers, never pushes; error frames without an id reach no listener', () => {
    const c = client();
    last().open();
    const pushes: unknown[] = [];
    c.on('said', (data) => pushes.push(data));
    last().receive({ event: 'said', id: 99, data: { text: 'late answer' } });
    last().receive({ event: 'said', error: { code: 'internal_error', message: 'x' } });
    last().onmessage?.({ data: 'not json' });
    last().onmessage?.({ data: new ArrayBuffer(2) });
    last().receive({ event: 'said', data: { text: 'push' } });
    expect(pushes).toEqual([{ text: 'push' }]);
    c.close();
  });

  test('a listener that throws is reported as uncaught, after the other listeners have run', () => {
    const c = client();
    last().open();
    const pushes: unknown[] = [];
    c.on('said', () => {
      throw new Error('listener bug');
    });
    c.on('said', (data) => pushes.push(data));
    last().receive({ event: 'said', data: { text: 'push' } });
    expect(pushes).toEqual([{ text: 'push' }]);
    expect(() => jest.advanceTimersByTime(0)).toThrow('listener bug');
    c.close();
  });

  test('a status listener that closes the client on reconnecting cancels the reconnect', () => {
    const c = client();
    last().open();
    c.onStatus((status) => status === 'reconnecting' && c.close());
    last().drop();
    expect(c.status).toBe('closed');
    expect(reconnectedAfter(10_000)).toBe(false);
  });
});
