/**
 * Type tests (tstyche): what a channel makes the compiler accept and refuse. Each refusal names the
 * error it expects, so an unrelated error cannot pass for it. Run with `npm run test:types`.
 */
import WebSocket from 'ws';
import { describe, expect, test } from 'tstyche';
import { z } from 'zod';
import type { ErrorCode } from 'switchboard';
import {
  connect,
  defineChannel,
  presence,
  type Client,
  type ClientErrorCode,
  type EventFrame,
  type PresenceDiff,
  type PresenceState,
  type ReconnectInfo,
  type RoomPresence,
  type PathParams,
  type StandardSchemaV1,
  type WebSocketConstructor,
} from 'switchboard/client';
import { chat } from './chat';

declare const client: Client<typeof chat>;

describe('defineChannel', () => {
  test('keeps the pattern, the event name of each request and its schemas', () => {
    expect(chat.pattern).type.toBe<'/chat/{room}'>();
    expect(chat.requests.say.event).type.toBe<'say'>();
    expect(chat.requests.join.reply).type.toBe<undefined>();
    expect(chat.requests.measure.data).type.toBe<StandardSchemaV1<string, number>>();
  });

  test('a misspelt key in a request declaration is an error', () => {
    expect(defineChannel('/c', { requests: { say: { data: z.string(), replay: z.string() } } })).type.toRaiseError(
      "Type 'ZodString' is not assignable to type 'never'",
    );
  });

  test('event() types the push frame by the event schema', () => {
    expect(chat.event('said', { from: 'ann', text: 'hi' })).type.toBe<EventFrame<'said', { from: string; text: string }>>();
    expect(chat.event('said', { from: 'ann' })).type.toRaiseError("Property 'text' is missing");
    expect(chat.event('shout', { from: 'ann', text: 'hi' })).type.toRaiseError(
      `Argument of type '"shout"' is not assignable to parameter of type '"said" | "count"'`,
    );
  });
});

describe('path parameters', () => {
  test('come from both pattern spellings', () => {
    expect<PathParams<'/chat/{room}/:user'>>().type.toBe<{ room: string; user: string }>();
    expect<PathParams<'/notifications'>>().type.toBe<{}>(); // eslint-disable-line @typescript-eslint/no-empty-object-type
  });

  test('are required by connect() exactly when the pattern has some', () => {
    expect(connect).type.toBeCallableWith(chat, 'ws://h', { params: { room: 'lobby' } });
    expect(connect(chat, 'ws://h')).type.toRaiseError('Expected 3 arguments, but got 2');
    expect(connect(chat, 'ws://h', { params: { rooom: 'lobby' } })).type.toRaiseError("'rooom' does not exist in type");
    const pushes = defineChannel('/notifications', { events: { note: z.string() } });
    expect(connect).type.toBeCallableWith(pushes, 'ws://h');
  });
});

describe('requests', () => {
  test('the right data infers the reply; no reply schema answers null', () => {
    expect(client.request('say', { text: 'hi' })).type.toBe<Promise<{ at: number }>>();
    expect(client.request('join', { name: 'ann' })).type.toBe<Promise<null>>();
  });

  test('data is the input type of its schema, the reply the output type of its schema', () => {
    expect(client.request('measure', 'abc')).type.toBe<Promise<number>>();
    expect(client.request('measure', 3)).type.toRaiseError("Argument of type 'number' is not assignable to parameter of type 'string'");
  });

  test('wrong data is an error', () => {
    expect(client.request('say', { text: 42 })).type.toRaiseError("Type 'number' is not assignable to type 'string'");
    expect(client.request('say', { body: 'hi' })).type.toRaiseError("'body' does not exist in type '{ text: string; }'");
    expect(client.request('say')).type.toRaiseError('Expected 2-3 arguments, but got 1');
  });

  test('an unknown request name is an error', () => {
    expect(client.request('shout', { text: 'hi' })).type.toRaiseError(
      `Argument of type '"shout"' is not assignable to parameter of type '"say" | "join" | "measure"'`,
    );
  });

  test('using the reply as something else is an error', () => {
    expect(async () => {
      const reply = await client.request('say', { text: 'hi' });
      return reply.text;
    }).type.toRaiseError("Property 'text' does not exist on type '{ at: number; }'");
    expect(async () => {
      const joined: string = await client.request('join', { name: 'ann' });
      return joined;
    }).type.toRaiseError("Type 'null' is not assignable to type 'string'");
  });
});

describe('events', () => {
  test('a listener receives the output type of the event schema', () => {
    client.on('said', (message) => {
      expect(message).type.toBe<{ from: string; text: string }>();
    });
    expect(client.on('said', () => {})).type.toBe<() => void>();
  });

  test('an unknown event name is an error', () => {
    expect(client.on('shouted', () => {})).type.toRaiseError(`Argument of type '"shouted"' is not assignable to parameter of type '"said" | "count"'`);
  });
});

describe('presence', () => {
  test('presence_state and presence_diff are known events on every client, with their room', () => {
    client.on('presence_state', (state, room) => {
      expect(state).type.toBe<PresenceState>();
      expect(room).type.toBe<string>();
    });
    client.on('presence_diff', (diff) => {
      expect(diff).type.toBe<PresenceDiff>();
    });
    connect('ws://h/chat/lobby').on('presence_diff', (diff, room) => {
      expect(diff).type.toBe<PresenceDiff>();
      expect(room).type.toBe<string>();
    });
  });

  test('presence() follows a room of any client', () => {
    expect(presence(client, 'lobby')).type.toBe<RoomPresence>();
    expect(presence(connect('ws://h/x'), 'lobby').state).type.toBe<PresenceState>();
    expect(presence(client)).type.toRaiseError('Expected 2 arguments, but got 1');
  });
});

describe('onReconnect', () => {
  test('its listener learns whether the session was recovered, and why not', () => {
    client.onReconnect((info) => {
      expect(info).type.toBe<ReconnectInfo>();
      expect(info.recovered).type.toBe<boolean>();
      expect(info.reason).type.toBe<string | undefined>();
    });
    expect(client.onReconnect(() => undefined)).type.toBe<() => void>();
  });
});

describe('untyped connect(url)', () => {
  test('takes any name; data and replies are unknown', () => {
    const untyped = connect('ws://h/chat/lobby');
    expect(untyped.request('anything', { any: 'data' })).type.toBe<Promise<unknown>>();
    untyped.on('anything', (data) => {
      expect(data).type.toBe<unknown>();
    });
    expect(connect('ws://h', { params: {} })).type.toRaiseError("'params' does not exist in type 'ClientOptions'");
  });
});

describe('WebSocket implementations', () => {
  test("the browser's WebSocket and the ws package's both fit", () => {
    expect<typeof globalThis.WebSocket>().type.toBeAssignableTo<WebSocketConstructor>();
    expect<typeof WebSocket>().type.toBeAssignableTo<WebSocketConstructor>();
  });
});

test('the client throws only codes the server documents', () => {
  expect<ClientErrorCode>().type.toBeAssignableTo<ErrorCode>();
});
