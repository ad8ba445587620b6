/**
 * app.asyncapi(): the document of every example app validates with @asyncapi/parser (no error, no
 * warning), and a route with zod schemas, a typed channel, a plain binary handler and @Query comes out
 * as the contract says.
 */
import { Parser } from '@asyncapi/parser';
import { z } from 'zod';
import { defineChannel } from '../../lib/client';
import { App, Connector, LocalBus, OnMessage, Query, WebSocketRoute, type AppOptions } from '../../lib';
import { getRoute, setRoute } from '../../lib/declare/metadata';
import { testApp } from '../../lib/testing';
import { createApp as chat } from '../../examples/chat/app';
import { createApp as cluster } from '../../examples/cluster/app';
import { createApp as echo } from '../../examples/echo/app';
import { createApp as notifications } from '../../examples/notifications/app';
import { createApp as robyn } from '../../examples/robyn/app';
import { createApp as rooms } from '../../examples/rooms/app';

// The parser compiles its rule set on first use: slow on a loaded machine.
jest.setTimeout(120_000);

const parser = new Parser();

/** The parser's errors and warnings (informational notes, such as "3.1.0 exists", are left out). */
async function problems(document: object): Promise<string[]> {
  const diagnostics = await parser.validate(JSON.stringify(document));
  return (
    diagnostics
      // Severity 0 is an error, 1 a warning (2 and 3 are information and hints).
      .filter((d) => Number(d.severity) <= 1)
      .map((d) => `${d.code} at ${d.path.join('/')}: ${d.message}`)
  );
}

const examples: Record<string, (options?: AppOptions) => App> = {
  chat,
  echo,
  robyn,
  rooms,
  notifications,
  cluster: (options) => cluster({ ...options, bus: new LocalBus() }),
};

describe('the AsyncAPI document of every example app', () => {
  test.each(Object.keys(examples))('%s validates with @asyncapi/parser, without errors or warnings', async (name) => {
    const document = examples[name]!().asyncapi({ title: name, version: '1.0.0' });
    expect(await problems(document)).toEqual([]);
  });

  test("with recovery (the rooms example), a push's payload documents its position", () => {
    const channels = (rooms().asyncapi({ title: 'rooms', version: '1.0.0' }) as { channels: Record<string, { messages: Record<string, unknown> }> }).channels;
    const said = Object.values(channels)
      .flatMap((c) => Object.values(c.messages))
      .find((m) => (m as { name?: string }).name === 'said');
    expect(said).toMatchObject({ payload: { properties: { pos: { required: ['topic', 'epoch', 'offset'] } } } });
    const plain = chat().asyncapi({ title: 'chat', version: '1.0.0' });
    expect(JSON.stringify(plain)).not.toContain('"pos"');
  });
});

const message = z.object({ text: z.string().min(1).max(500), to: z.string().optional() }).meta({ examples: [{ text: 'hi' }] });
interface Node {
  name: string;
  children: Node[];
}
const tree: z.ZodType<Node> = z.object({
  name: z.string(),
  get children() {
    return z.array(tree);
  },
});

const chatChannel = defineChannel('/chat/{room}', {
  requests: { say: { data: message, reply: z.object({ at: z.number() }) }, join: { data: z.object({ name: z.string() }) } },
  events: { said: z.object({ from: z.string(), text: z.string() }) },
});

@WebSocketRoute('/chat/:room')
class Chat {
  @OnMessage('say', { schema: message })
  say(_ws: Connector, msg: { text: string }) {
    return { at: msg.text.length };
  }

  @OnMessage('join')
  join(@Query('token') _token: string | null) {}

  @OnMessage('plant', { schema: tree })
  plant() {}

  @OnMessage('count')
  count(_ws: Connector, n: number) {
    return n + 1;
  }
}

@WebSocketRoute('/upload')
class Upload {
  @OnMessage()
  message(_ws: Connector, bytes: Buffer) {
    return bytes.byteLength;
  }
}

/** Chat, declared with its channel as typed `@WebSocketRoute(channel)` records it in the route metadata. */
function withChannel(): typeof Chat {
  @WebSocketRoute('/chat/:room')
  class TypedChat extends Chat {}
  setRoute(TypedChat, { ...getRoute(TypedChat)!, channel: chatChannel });
  return TypedChat;
}

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('app.asyncapi(info)', () => {
  const doc = (): Doc =>
    new App({ routes: [Chat, Upload] }).asyncapi({ title: 'Chat', version: '2.1.0', description: 'Talk', servers: { local: { host: 'localhost:8000' } } });

  test('validates, with info, servers and one channel per route (address with {params}, parameters)', async () => {
    const d = doc();
    expect(await problems(d)).toEqual([]);
    expect(d.asyncapi).toBe('3.0.0');
    expect(d.info).toEqual({ title: 'Chat', version: '2.1.0', description: 'Talk' });
    expect(d.servers).toEqual({ local: { host: 'localhost:8000', protocol: 'ws' } });
    expect(Object.keys(d.channels as object)).toEqual(['Chat', 'Upload']);
    expect(d.channels.Chat.address).toBe('/chat/{room}');
    expect(d.channels.Chat.parameters).toEqual({ room: { description: 'Path parameter "room".' } });
    expect(d.channels.Upload.parameters).toBeUndefined();
  });

  test('one message per event: the frame with its data schema (the input side), examples, correlationId on id', () => {
    const d = doc();
    const say = d.channels.Chat.messages.say;
    expect(say.correlationId).toEqual({ location: '$message.payload#/id' });
    expect(say.payload.properties.event).toEqual({ const: 'say' });
    expect(say.payload.properties.data).toEqual({ $ref: '#/components/schemas/Chat.say' });
    expect(d.components.schemas['Chat.say']).toEqual({
      type: 'object',
      properties: { text: { type: 'string', minLength: 1, maxLength: 500 }, to: { type: 'string' } },
      required: ['text'],
      examples: [{ text: 'hi' }],
    });
    expect(say.examples).toEqual([{ payload: { event: 'say', data: { text: 'hi' }, id: 1 } }]);
    expect(d.channels.Chat.messages.count.payload.properties.data).toEqual({ type: 'number' });
    expect(d.channels.Chat.messages.join.payload.properties.data).toEqual({});
  });

  test("a recursive schema's references point into components", () => {
    const d = doc();
    expect(d.channels.Chat.messages.plant.payload.properties.data).toEqual({ $ref: '#/components/schemas/Chat.plant' });
    expect(JSON.stringify(d.components.schemas)).not.toMatch(/"#\/(definitions|\$defs)\/|"\$ref":"#"/);
    expect(JSON.stringify(d.components.schemas['Chat.plant'])).toContain('"$ref":"#/components/schemas/Chat.plant"');
  });

  test('each event is an operation the app receives, replying with its reply message or the error frame', () => {
    const d = doc();
    expect(d.operations['Chat.say']).toEqual({
      action: 'receive',
      channel: { $ref: '#/channels/Chat' },
      title: 'say',
      summary: 'Handles "say" (Chat.say).',
      messages: [{ $ref: '#/channels/Chat/messages/say' }],
      reply: { channel: { $ref: '#/channels/Chat' }, messages: [{ $ref: '#/channels/Chat/messages/say.reply' }, { $ref: '#/channels/Chat/messages/error' }] },
    });
    expect(d.channels.Chat.messages['say.reply'].payload.properties.data).toEqual({});
    expect(d.channels.Chat.messages.error).toEqual({ $ref: '#/components/messages/error' });
    expect(d.components.messages.error.payload.required).toEqual(['error']);
    expect(d.operations['Chat.send'].messages).toEqual([{ $ref: '#/channels/Chat/messages/push' }, { $ref: '#/channels/Chat/messages/error' }]);
  });

  test('a plain binary handler is an octet-stream message; @Query names become the ws binding', () => {
    const d = doc();
    expect(d.channels.Upload.messages.message).toMatchObject({ contentType: 'application/octet-stream', payload: { type: 'string', format: 'binary' } });
    expect(d.channels.Chat.bindings).toEqual({
      ws: { method: 'GET', query: { type: 'object', properties: { token: { type: 'string' } } }, bindingVersion: '0.1.0' },
    });
  });

  test("a route's typed channel gives reply schemas (null without one) and its push events", async () => {
    const d: Doc = new App({ routes: [withChannel()] }).asyncapi({ title: 'Typed', version: '1.0.0' });
    expect(await problems(d)).toEqual([]);
    const messages = d.channels.TypedChat.messages;
    expect(messages['say.reply'].payload.properties.data).toEqual({ $ref: '#/components/schemas/TypedChat.say.reply' });
    expect(d.components.schemas['TypedChat.say.reply']).toEqual({
      type: 'object',
      properties: { at: { type: 'number' } },
      required: ['at'],
      additionalProperties: false,
    });
    expect(messages['join.reply'].payload.properties.data).toEqual({ type: 'null' });
    expect(messages.said.payload.properties).toEqual({ event: { const: 'said' }, data: { $ref: '#/components/schemas/TypedChat.said' } });
    expect(d.operations['TypedChat.send'].messages).toEqual([{ $ref: '#/channels/TypedChat/messages/said' }, { $ref: '#/channels/TypedChat/messages/error' }]);
  });

  test('info must have a title and a version', () => {
    const app = new App({ routes: [Chat] });
    expect(() => app.asyncapi({ title: '', version: '1' })).toThrow(
      'app.asyncapi(info): info.title must be a non-empty string, got "". [SWB_ERR_INVALID_ARGUMENT]',
    );
    expect(() => app.asyncapi({ title: 'x' } as never)).toThrow(
      'app.asyncapi(info): info.version must be a non-empty string, got undefined. [SWB_ERR_INVALID_ARGUMENT]',
    );
    expect(() => app.docs('/docs', { title: 'x', version: '1', servers: { a: {} as never } })).toThrow(
      "app.asyncapi(info): info.servers.a must be an object { host: 'example.com:8000', protocol?: 'ws' | 'wss' }, got an object (Object). [SWB_ERR_INVALID_ARGUMENT]",
    );
  });
});

describe('app.docs(path)', () => {
  test('serves the document as JSON at path/asyncapi.json and the page at path', async () => {
    const app = new App({ routes: [Chat] }).docs('/docs', { title: 'Chat', version: '1.0.0' });
    const t = await testApp(app);
    try {
      const json = await t.fetch('/docs/asyncapi.json');
      expect(json.headers.get('content-type')).toBe('application/json');
      expect(await json.json()).toEqual(app.asyncapi({ title: 'Chat', version: '1.0.0' }));
      const page = await t.fetch('/docs');
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await page.text();
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html).toContain('<title>Chat · API</title>');
      expect(html).toContain('<a href="/docs/asyncapi.json">asyncapi.json</a>');
      // Self-contained: no script, style or font from anywhere else.
      expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|https?:\/\//);
    } finally {
      await t.close();
    }
  });
});
