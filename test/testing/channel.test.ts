/**
 * t.connect(channel, { params, query }): the route's path from the channel's pattern, and a client whose
 * request() and nextEvent() speak the channel's requests and pushes (their types: test/types/testing.tst.ts).
 * Also the choice of WebSocket client, on this Node.js.
 */
import { z } from 'zod';
import { App, Connector, OnMessage, WebSocketRoute } from '../../lib';
import { defineChannel } from '../../lib/client';
import { RequestError, testApp, type TestApp } from '../../lib/testing';

const chat = defineChannel('/chat/{room}', {
  requests: {
    say: { data: z.object({ text: z.string().min(1) }), reply: z.object({ at: z.number(), room: z.string() }) },
  },
  events: { said: z.object({ from: z.string(), text: z.string() }) },
});

@WebSocketRoute(chat)
class Chat {
  @OnMessage(chat.requests.say)
  say(ws: Connector<Record<string, unknown>, typeof chat>, msg: { text: string }) {
    ws.emit('said', { from: ws.queryParams.get('name') ?? 'nobody', text: msg.text });
    return { at: 42, room: ws.params.room };
  }
}

let t: TestApp<App>;
beforeEach(async () => {
  t = await testApp(new App({ routes: [Chat] }));
});
afterEach(() => t.close());

test('the path comes from the pattern and params (percent-encoded), the query from query; request and nextEvent read the channel', async () => {
  const c = await t.connect(chat, { params: { room: 'lobby 1' }, query: { name: 'ann' } });
  expect(c.path).toBe('/chat/lobby%201?name=ann');
  const reply = await c.request('say', { text: 'hi' });
  expect(reply).toEqual({ at: 42, room: 'lobby 1' });
  expect(await c.nextEvent('said')).toEqual({ from: 'ann', text: 'hi' });
  await c.expectSilence(50);
});

test("the server's refusal of bad data is a RequestError, as for a client connected by path", async () => {
  const c = await t.connect(chat, { params: { room: 'lobby' } });
  const failure = await c.request('say', { text: '' }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(RequestError);
  expect(failure).toMatchObject({ code: 'validation_failed' });
});

test('nextEvent() leaves other frames queued for next(), and fails naming the event it waited for', async () => {
  const c = await t.connect('/chat/lobby');
  c.send('{"event":"said","id":3,"data":{}}');
  await expect(c.nextEvent('said', { timeout: 100 })).rejects.toThrow(
    'Waiting for a "said" push from /chat/lobby: nothing matching arrived within 100 ms; received instead: 1 frame:',
  );
  expect(JSON.parse((await c.next()) as string)).toMatchObject({ event: 'said', id: 3, error: { code: 'unknown_event' } });
});

test('a missing or unknown path parameter is refused before any connection', async () => {
  // @ts-expect-error -- params is required: the pattern has {room}
  await expect(t.connect(chat)).rejects.toThrow('connect(): params.room must be a string, got undefined');
  // @ts-expect-error -- the pattern has no {user}
  await expect(t.connect(chat, { params: { room: 'a', user: 'b' } })).rejects.toThrow('connect(): params.user is not a parameter of /chat/{room}');
});

const hasBuiltin = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function';

(hasBuiltin ? test.skip : test)("webSocket: 'builtin' on a Node.js without a built-in WebSocket is refused, naming the fix", async () => {
  await expect(testApp(new App(), { webSocket: 'builtin' })).rejects.toThrow(
    `testApp(app, { webSocket: 'builtin' }): Node.js ${process.version} has no built-in WebSocket (Node.js 22 and later have one). Use 'ws' (npm i -D ws). [SWB_ERR_WS_MISSING]`,
  );
  // @ts-expect-error -- not a choice
  await expect(testApp(new App(), { webSocket: 'undici' })).rejects.toThrow("testApp(app, options): webSocket must be 'ws' or 'builtin', got \"undici\"");
});
