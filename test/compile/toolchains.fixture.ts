/**
 * Routes that say what their messages are (`as`, a schema, a channel's request) and inject their
 * constructor with the route option `inject`. toolchains.test.ts compiles this one source with and without
 * decorator metadata and with standard decorators, by tsc and by esbuild, and every build must answer the
 * same inputs with the same frames. Every handler uses only the forms that mean the same in every mode.
 */
import { z } from 'zod';
import { App, Connector, OnClose, OnConnect, OnMessage, OnUpgrade, WebSocketRoute, type Logger, type UpgradeRequest } from 'switchboard';
import { defineChannel } from 'switchboard/client';

export class Greeter {
  greet(name: string): string {
    return `Hello ${name}`;
  }
}

@WebSocketRoute('/kinds/{id}', { inject: [Greeter, 'suffix'] })
export class Kinds {
  constructor(
    private readonly greeter: Greeter,
    private readonly suffix: string,
  ) {}

  @OnUpgrade()
  upgrade(req: UpgradeRequest) {
    return { who: req.queryParams.get('who') ?? 'anon' };
  }

  @OnConnect()
  connect(ws: Connector<{ who: string }>) {
    return `${this.greeter.greet(ws.state.who)} on ${ws.params.id}${this.suffix}`;
  }

  @OnMessage({ as: 'raw' })
  message(_ws: Connector, message: string | Buffer) {
    return typeof message === 'string' ? `text ${message}` : `bytes ${message.toString('hex')}`;
  }

  @OnClose()
  close(ws: Connector, code: number, reason: string) {
    ws.broadcast(`${ws.params.id} left with ${code} ${reason}`);
  }
}

@WebSocketRoute('/text')
export class Text {
  @OnMessage({ as: 'text' })
  message(_ws: Connector, text: string) {
    return `${text.length}:${text}`;
  }
}

@WebSocketRoute('/json')
export class Json {
  @OnMessage({ as: 'json' })
  message(_ws: Connector, value: { n: number }) {
    return { double: value.n * 2 };
  }
}

@WebSocketRoute('/bytes')
export class Bytes {
  @OnMessage({ as: 'bytes' })
  message(_ws: Connector, bytes: Buffer) {
    return bytes.reverse();
  }
}

export const chat = defineChannel('/chat/{room}', {
  requests: {
    say: { data: z.object({ text: z.string().min(1) }), reply: z.object({ room: z.string(), text: z.string() }) },
    join: { data: z.object({ name: z.string() }) },
  },
  events: { joined: z.object({ name: z.string() }) },
});

@WebSocketRoute(chat)
export class Chat {
  @OnMessage(chat.requests.say)
  say(ws: Connector, msg: { text: string }) {
    return { room: ws.params.room!, text: msg.text.toUpperCase() };
  }

  @OnMessage(chat.requests.join)
  join(ws: Connector, msg: { name: string }) {
    ws.send(chat.event('joined', { name: msg.name }));
  }

  @OnMessage('shout', { as: 'text' })
  shout(_ws: Connector, text: string) {
    return `${text}!`;
  }
}

/** The app of these routes. */
export function createApp(logger: Logger): App {
  return new App({ routes: [Kinds, Text, Json, Bytes, Chat], logger }).provide(Greeter, new Greeter()).provide('suffix', '.');
}
