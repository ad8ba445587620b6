/**
 * The decorators with experimentalDecorators and design types (ts-jest compiles with both): explicit
 * kinds, the route option inject, channels, and the errors of misused decorators.
 * Standard decorators: decorators.standard.test.ts; every toolchain alike: test/compile/toolchains.test.ts.
 */
import { z } from 'zod';
import { App, Connector, Inject, OnConnect, OnMessage, Param, SwitchboardError, WebSocketRoute } from '../../lib';
import { defineChannel } from '../../lib/client';
import { compileRoute } from '../../lib/compile/route';
import { transportDefaults } from '../../lib/compile/route-settings';
import { closeAll, connect, recordingLogger, registerError, start } from '../helpers';

afterEach(closeAll);

/** A decorator put where its type does not allow. */
type AnyDecorator = (...args: unknown[]) => void;

class Clock {
  now(): number {
    return 42;
  }
}

describe('an explicit kind with design types', () => {
  test('wins over the design type of the message parameter, whose position is then #1', async () => {
    @WebSocketRoute('/as-text')
    class AsText {
      @OnMessage({ as: 'text' })
      message(_ws: Connector, data: unknown) {
        return typeof data === 'string' ? `text ${data}` : 'not text';
      }
    }
    const { url } = await start({ routes: [AsText] });
    const c = await connect(url('/as-text'));
    c.send('{"a":1}'); // `unknown` alone would read as JSON
    expect(await c.next()).toBe('text {"a":1}');
  });

  test('parameters after the message keep their design types', async () => {
    @WebSocketRoute('/clock')
    class WithClock {
      @OnMessage({ as: 'text' })
      message(_ws: Connector, text: string, clock: Clock) {
        return `${text} at ${clock.now()}`;
      }
    }
    const { url } = await start(new App({ routes: [WithClock], logger: recordingLogger() }).provide(Clock, new Clock()));
    const c = await connect(url('/clock'));
    c.send('tick');
    expect(await c.next()).toBe('tick at 42');
  });

  test('a message typed as the first parameter is an error: the Connector comes first', () => {
    @WebSocketRoute('/first')
    class First {
      @OnMessage({ as: 'text' })
      message(text: string) {
        return text;
      }
    }
    expect(registerError(First).message).toBe(
      "First.message: parameter #0 (String) is the Connector: with an explicit kind (as: 'text') the parameters are (ws, message, dependencies). Take the Connector first: message(ws: Connector, message: …). [SWB_ERR_UNRESOLVED_PARAMETER]",
    );
  });

  test('a parameter decorator on the message parameter is an error', () => {
    @WebSocketRoute('/both/{id}')
    class Both {
      @OnMessage('e', { schema: z.string() })
      e(_ws: Connector, @Param('id') id: string) {
        return id;
      }
    }
    expect(registerError(Both).message).toBe(
      "Both.e: parameter #1 (String) takes the message (as: 'json'), so it cannot also be @Param. Move it after the message. [SWB_ERR_UNRESOLVED_PARAMETER]",
    );
  });

  test('handlers with an explicit kind are not reported as positional, with or without design types', () => {
    @WebSocketRoute('/quiet')
    class Quiet {
      @OnMessage({ as: 'raw' })
      message() {}
    }
    const logger = recordingLogger();
    new App({ routes: [Quiet], logger });
    expect(logger.warnings).toEqual([]);
  });
});

describe('bad arguments fail at decoration', () => {
  test.each([
    [
      'an unknown kind',
      () => OnMessage({ as: 'string' as 'text' }),
      "@OnMessage({ as }): as must be one of 'text', 'json', 'bytes', 'raw', got \"string\". [SWB_ERR_INVALID_ARGUMENT]",
    ],
    [
      'bytes for event data',
      () => OnMessage('e', { as: 'bytes' as 'text' }),
      "@OnMessage(event, { as }): as must be 'text', 'json' or 'raw' (event data is JSON, never bytes), got \"bytes\". [SWB_ERR_INVALID_ARGUMENT]",
    ],
    [
      'a schema with another kind than json',
      () => OnMessage('e', { schema: z.string(), as: 'text' }),
      '@OnMessage(event, { schema, as }): as must be \'json\' or absent (a schema implies it), got "text". [SWB_ERR_INVALID_ARGUMENT]',
    ],
    [
      'an unknown option',
      () => OnMessage({ as: 'text', schema: z.string() } as never),
      '@OnMessage(options): option "schema" must be one of as (unknown option), got "schema". [SWB_ERR_INVALID_OPTION]',
    ],
    [
      'a request that is not one of a channel',
      () => OnMessage({ event: 'say', data: {} } as never),
      '@OnMessage(request): request must be a request of a channel, like chat.requests.say, got an object (Object). [SWB_ERR_INVALID_ARGUMENT]',
    ],
    [
      'a route that is neither a pattern nor a channel',
      () => WebSocketRoute({} as never),
      "@WebSocketRoute(pattern): pattern must be a string such as '/ws/:id', or a channel made by defineChannel(), got an object (Object). [SWB_ERR_INVALID_ARGUMENT]",
    ],
  ])('%s', (_name, decorate, message) => {
    let thrown: unknown;
    try {
      decorate();
    } catch (error) {
      thrown = error;
    }
    expect(thrown instanceof SwitchboardError ? thrown.message : thrown).toBe(message);
  });
});

describe('misplaced decorators', () => {
  test('a handler decorator on a static method', () => {
    expect(() => {
      class Static {
        @OnConnect()
        static connect() {}
      }
      return Static;
    }).toThrow(new SwitchboardError('SWB_ERR_INVALID_ARGUMENT', '@OnConnect(): connect must be an instance method, got function connect.'));
  });

  test('@WebSocketRoute on a method', () => {
    const route = WebSocketRoute('/ws') as unknown as AnyDecorator;
    expect(() => {
      class Method {
        @route
        connect() {}
      }
      return Method;
    }).toThrow(new SwitchboardError('SWB_ERR_INVALID_ARGUMENT', '@WebSocketRoute decorates a class; it was put on connect.'));
  });

  test('a parameter decorator on a field', () => {
    const inject = Inject('db') as unknown as AnyDecorator;
    expect(() => {
      class Field {
        @inject db: unknown;
      }
      return Field;
    }).toThrow(
      new SwitchboardError(
        'SWB_ERR_INVALID_ARGUMENT',
        "@Inject(token) decorates a parameter, and parameter decorators exist only with experimentalDecorators; it was put on db, a field or method. For a route's constructor use the route option inject: [token, …] (@WebSocketRoute(pattern, { inject })), and keep the value on this.",
      ),
    );
  });

  test('a parameter typed Function (a function type, or a class imported with `type`) names the likely cause', () => {
    @WebSocketRoute('/function')
    class Fn {
      @OnConnect()
      connect(ws: () => void) {
        return typeof ws;
      }
    }
    expect(registerError(Fn).message).toBe(
      "Fn.connect: parameter #0 (Function) is a class the metadata cannot name: imported with `import type` or `import { type … }`, it is erased, and TypeScript records Function (as for a function type). Import it as a value (import { Connector } from 'switchboard'), or give the parameter @Inject(token). [SWB_ERR_UNRESOLVED_PARAMETER]",
    );
  });
});

describe('constructor injection', () => {
  test('the route option inject replaces the design types', async () => {
    @WebSocketRoute('/inject', { inject: ['greeting'] })
    class Greeting {
      constructor(private readonly greeting: string) {}
      @OnConnect()
      connect() {
        return this.greeting;
      }
    }
    const { url } = await start(new App({ routes: [Greeting], logger: recordingLogger() }).provide('greeting', 'hello'));
    expect(await (await connect(url('/inject'))).next()).toBe('hello');
  });

  test('the option and @Inject together is an error', () => {
    @WebSocketRoute('/twice', { inject: [Clock] })
    class Twice {
      constructor(@Inject(Clock) readonly clock: Clock) {}
    }
    expect(registerError(Twice).message).toBe(
      'Twice: the constructor has @Inject parameters and the route option inject. Name the tokens in one place: inject lists them all, in order. [SWB_ERR_UNRESOLVED_PARAMETER]',
    );
  });

  test('inject must list provider tokens', () => {
    @WebSocketRoute('/bad', { inject: [''] })
    class Bad {}
    expect(registerError(Bad).message).toBe(
      '@WebSocketRoute on Bad: option "inject" must be an array of provider tokens (classes, non-empty strings or symbols), got an array. [SWB_ERR_INVALID_OPTION]',
    );
  });
});

describe('channels', () => {
  const chat = defineChannel('/chat/{room}', {
    requests: {
      say: { data: z.object({ text: z.string() }), reply: z.object({ at: z.number() }) },
      join: { data: z.object({ name: z.string() }) },
    },
    events: { said: z.object({ text: z.string() }) },
  });

  @WebSocketRoute(chat)
  class Chat {
    @OnMessage(chat.requests.say)
    say(_ws: Connector, msg: { text: string }) {
      return { at: msg.text.length };
    }
    @OnMessage(chat.requests.join)
    join() {}
  }

  test('the route takes its pattern from the channel and keeps it, with each request and its reply schema', () => {
    const route = compileRoute(Chat, transportDefaults, recordingLogger());
    expect(route.pattern).toBe('/chat/{room}');
    expect(route.channel).toBe(chat);
    expect(route.events.get('say')).toEqual({
      method: 'say',
      schema: chat.requests.say.data,
      reply: chat.requests.say.reply,
      specs: [{ kind: 'connector' }, { kind: 'json' }],
    });
    expect(route.events.get('join')).toEqual({ method: 'join', schema: chat.requests.join.data, reply: null, specs: [] });
  });

  test("a request is answered with its reply, or with null when it has no reply schema; data is validated by the request's schema", async () => {
    const { url } = await start({ routes: [Chat] });
    const c = await connect(url('/chat/lobby'));
    c.send('{"event":"say","id":1,"data":{"text":"hey"}}');
    c.send('{"event":"join","id":2,"data":{"name":"ann"}}');
    c.send('{"event":"join","id":3,"data":{}}');
    expect([await c.next(), await c.next(), await c.next()]).toEqual([
      '{"event":"say","id":1,"data":{"at":3}}',
      '{"event":"join","id":2,"data":null}',
      '{"event":"join","id":3,"error":{"code":"validation_failed","message":"Invalid input: expected string, received undefined","issues":[{"message":"Invalid input: expected string, received undefined","path":["name"]}]}}',
    ]);
  });
});
