import { z } from 'zod';
import { connect, defineChannel } from '../../lib/client';

const say = { data: z.object({ text: z.string() }), reply: z.object({ at: z.number() }) };
const join = { data: z.object({ name: z.string() }) };
const said = z.object({ from: z.string(), text: z.string() });

/** defineChannel and connect as plain JavaScript calls them: the run-time checks, without the compiler's. */
const define = defineChannel as (pattern: unknown, definition: unknown) => unknown;
const open = connect as (...args: unknown[]) => unknown;

/** Runs `call` with no global WebSocket, whatever this Node.js has. */
function withoutGlobalWebSocket<T>(call: () => T): T {
  const g = globalThis as { WebSocket?: unknown };
  const saved = g.WebSocket;
  delete g.WebSocket;
  try {
    return call();
  } finally {
    if (saved !== undefined) g.WebSocket = saved;
  }
}
describe('defineChannel', () => {
  test('carries the pattern, each request as { event, data, reply } and the events; frozen', () => {
    const chat = defineChannel('/chat/{room}', { requests: { say, join }, events: { said } });
    expect(chat.pattern).toBe('/chat/{room}');
    expect(chat.requests.say).toEqual({ event: 'say', data: say.data, reply: say.reply });
    expect(chat.requests.say.data).toBe(say.data);
    expect(chat.requests.join).toEqual({ event: 'join', data: join.data, reply: undefined });
    expect(Object.keys(chat.requests)).toEqual(['say', 'join']);
    expect(chat.events).toEqual({ said });
    for (const part of [chat, chat.requests, chat.requests.say, chat.events]) expect(Object.isFrozen(part)).toBe(true);
  });

  test('event(name, data) is the push frame the server sends: {"event":name,"data":data}', () => {
    const chat = defineChannel('/chat/:room', { events: { said } });
    expect(JSON.stringify(chat.event('said', { from: 'ann', text: 'hi' }))).toBe('{"event":"said","data":{"from":"ann","text":"hi"}}');
    expect(() => chat.event('shout' as never, null as never)).toThrow(
      new TypeError('defineChannel(/chat/:room): the event name must be one of said, got "shout" [SWB_ERR_INVALID_ARGUMENT]'),
    );
  });

  test('requests and events are optional', () => {
    const pushes = defineChannel('/notifications', {});
    expect(pushes).toMatchObject({ pattern: '/notifications', requests: {}, events: {} });
  });

  test.each([
    [
      () => defineChannel('chat', {}),
      "defineChannel(): pattern must be a string starting with '/' (like '/chat/{room}'), got \"chat\" [SWB_ERR_INVALID_PATTERN]",
    ],
    [
      () => define('/c', { requests: { say: { data: {} } } }),
      'defineChannel(/c): requests.say.data must be a Standard Schema (zod, valibot…), got an object [SWB_ERR_INVALID_ARGUMENT]',
    ],
    [
      () => define('/c', { requests: { say: { data: say.data, reply: 'text' } } }),
      'defineChannel(/c): requests.say.reply must be a Standard Schema (zod, valibot…), got "text" [SWB_ERR_INVALID_ARGUMENT]',
    ],
    [
      () => define('/c', { requests: { say: { data: say.data, replay: say.reply } } }),
      'defineChannel(/c): unknown key "requests.say.replay" (known: data, reply) [SWB_ERR_INVALID_ARGUMENT]',
    ],
    [() => define('/c', { request: {} }), 'defineChannel(/c): unknown key "request" (known: requests, events) [SWB_ERR_INVALID_ARGUMENT]'],
    [
      () => define('/c', { events: { said: null } }),
      'defineChannel(/c): events.said must be a Standard Schema (zod, valibot…), got null [SWB_ERR_INVALID_ARGUMENT]',
    ],
    [() => define('/c', { events: [] }), 'defineChannel(/c): events must be an object, got an array [SWB_ERR_INVALID_ARGUMENT]'],
    [() => define('/c', null), 'defineChannel(/c): the definition must be an object, got null [SWB_ERR_INVALID_ARGUMENT]'],
  ])('a mistake is a TypeError with a stable code (%#)', (define, message) => {
    expect(define).toThrow(new TypeError(message));
  });
});

describe('connect() arguments and options', () => {
  const chat = defineChannel('/chat/{room}', { requests: { say } });
  const WebSocket = class {};

  test.each([
    [
      () => open(chat, 'ws://h', { params: { room: 'a' }, WebSocket, timeut: 5 }),
      'connect(): unknown option "timeut" (known: params, query, timeout, reconnect, WebSocket) [SWB_ERR_INVALID_OPTION]',
    ],
    [
      () => open('ws://h/chat/a', { WebSocket, params: {} }),
      'connect(): unknown option "params" (known: query, timeout, reconnect, WebSocket) [SWB_ERR_INVALID_OPTION]',
    ],
    [
      () => open(chat, 'ws://h', { params: { room: 'a' }, WebSocket, timeout: -1 }),
      'connect(): option "timeout" must be a number of ms > 0, got -1 [SWB_ERR_INVALID_OPTION]',
    ],
    [
      () => open(chat, 'ws://h', { params: { room: 'a' }, WebSocket, reconnect: { minDelay: 100, maxDelay: 50 } }),
      'connect(): option "reconnect.maxDelay" must be a finite number of ms ≥ minDelay, got 50 [SWB_ERR_INVALID_OPTION]',
    ],
    [
      () => open(chat, 'ws://h', { params: { room: 'a' }, WebSocket, reconnect: { retries: 1 } }),
      'connect(): unknown option "reconnect.retries" (known: minDelay, maxDelay, maxRetries, finalCodes) [SWB_ERR_INVALID_OPTION]',
    ],
    [
      () => open(chat, 'ws://h', { params: { room: 'a' }, WebSocket, reconnect: { maxRetries: 1.5 } }),
      'connect(): option "reconnect.maxRetries" must be an integer ≥ 0 or Infinity, got 1.5 [SWB_ERR_INVALID_OPTION]',
    ],
    [
      () => open(chat, 'ws://h', { params: { room: 'a' }, WebSocket, reconnect: true }),
      'connect(): option "reconnect" must be false or an object, got true [SWB_ERR_INVALID_OPTION]',
    ],
    [() => open(chat, 'ws://h', { WebSocket }), 'connect(): params.room must be a string, got undefined [SWB_ERR_INVALID_OPTION]'],
    [
      () => open(chat, 'ws://h', { params: { room: 'a', user: 'b' }, WebSocket }),
      'connect(): params.user is not a parameter of /chat/{room} [SWB_ERR_INVALID_OPTION]',
    ],
    [() => open({ requests: {} }, 'ws://h'), 'connect(channel, url): channel must be made by defineChannel(), got an object [SWB_ERR_INVALID_ARGUMENT]'],
    [
      () => open(chat, 8000, { params: { room: 'a' } }),
      "connect(channel, url): url must be a string like 'ws://host:port', got 8000 [SWB_ERR_INVALID_ARGUMENT]",
    ],
    [
      // Node.js 22 and later have a global WebSocket: taken away for this call, as Node.js 20 has none.
      () => withoutGlobalWebSocket(() => open(chat, 'ws://h', { params: { room: 'a' } })),
      'connect(): there is no global WebSocket here (Node.js 20 has none): pass one, as in { WebSocket } from the ws package [SWB_ERR_INVALID_OPTION]',
    ],
  ])('a mistake is a TypeError with a stable code (%#)', (call, message) => {
    expect(call).toThrow(new TypeError(message));
  });

  test('the code is also a property, for code that branches on it', () => {
    let error: unknown;
    try {
      open(chat, 'ws://h', { params: { room: 'a' }, WebSocket, timeout: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'TypeError', code: 'SWB_ERR_INVALID_OPTION' });
  });
});
