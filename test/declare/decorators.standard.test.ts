/**
 * Compiled with standard (TC39) decorators (jest.config.js), as TypeScript compiles without
 * experimentalDecorators: no parameter decorators, no design types. Every decorator works; handlers
 * without an explicit kind are positional and register() says so; constructors are injected by the route
 * option `inject`.
 */
import {
  App,
  Connector,
  HttpError,
  Inject,
  OnClose,
  OnConnect,
  OnDrain,
  OnMessage,
  OnUpgrade,
  SwitchboardError,
  WebSocketRoute,
  type UpgradeRequest,
} from '../../lib';
import { compileRoute } from '../../lib/compile/route';
import { transportDefaults } from '../../lib/compile/route-settings';
import { closeAll, connect, recordingLogger, registerError, start, upgradeStatus, within } from '../helpers';

afterEach(closeAll);

/** A decorator put where its type does not allow (this file is also type-checked with experimentalDecorators). */
type AnyDecorator = (...args: unknown[]) => void;

class Store {
  readonly saved: string[] = [];
}

test('the file is compiled with standard decorators', () => {
  @WebSocketRoute('/probe')
  class Probe {}
  expect(Object.hasOwn(Probe, (Symbol as { metadata?: symbol }).metadata!)).toBe(true);
});

test('every lifecycle decorator works: @OnUpgrade (request), @OnConnect (ws), @OnClose (ws, code, reason), @OnDrain (ws)', async () => {
  let closed: (args: unknown[]) => void = () => undefined;
  const closeArgs = new Promise<unknown[]>((resolve) => (closed = resolve));
  @WebSocketRoute('/life/{room}')
  class Life {
    @OnUpgrade()
    upgrade(req: UpgradeRequest) {
      if (req.queryParams.get('token') !== 'ok') throw new HttpError(401, 'Bad token');
      return { user: req.headers['x-user'] ?? 'nobody' };
    }
    @OnConnect()
    connect(ws: Connector<{ user: string }>) {
      return `${ws.state.user} joined ${ws.params.room}`;
    }
    @OnClose()
    close(ws: Connector, code: number, reason: string) {
      closed([ws.isOpen, code, reason]);
    }
    @OnDrain()
    drain(ws: Connector) {
      return ws.id;
    }
  }
  const logger = recordingLogger();
  const { url } = await start({ routes: [Life], logger });
  expect(await upgradeStatus(url('/life/a?token=no'))).toEqual({ status: 401, body: 'Bad token' });
  const c = await connect(url('/life/lobby?token=ok'), { headers: { 'x-user': 'ann' } });
  expect(await c.next()).toBe('ann joined lobby');
  await c.close(4000, 'later');
  expect(await within(closeArgs, '@OnClose')).toEqual([false, 4000, 'later']);
  expect(compileRoute(Life, transportDefaults, logger).handlers.drain).toEqual({ method: 'drain', specs: [{ kind: 'connector' }] });
  expect(logger.warnings).toEqual([]); // nothing took a message by position
});

describe('the message, by its explicit kind', () => {
  test.each([
    ['text', 'hé', Buffer.from('hé'), ['string hé', 'string hé']],
    [
      'json',
      '{"a":1}',
      Buffer.from('[2]'),
      ['object {"a":1}', '{"error":{"code":"invalid_data","message":"Expected a JSON object or array in a text frame, got a binary frame"}}'],
    ],
    ['bytes', 'ab', Buffer.from([0, 255]), ['Buffer 6162', 'Buffer 00ff']],
    ['raw', 'ab', Buffer.from([0, 255]), ['string ab', 'Buffer 00ff']],
  ] as const)("as: '%s'", async (as, text, binary, expected) => {
    @WebSocketRoute('/as')
    class As {
      @OnMessage({ as })
      message(_ws: Connector, message: unknown) {
        if (Buffer.isBuffer(message)) return `Buffer ${message.toString('hex')}`;
        return `${typeof message} ${typeof message === 'string' ? message : JSON.stringify(message)}`;
      }
    }
    const logger = recordingLogger();
    const { url } = await start({ routes: [As], logger });
    const c = await connect(url('/as'));
    c.send(text);
    c.send(binary);
    expect([await c.next(), await c.next()]).toEqual(expected);
    expect(logger.warnings).toEqual([]);
  });

  test('a field is not a method: the decorator says where it was put', () => {
    const onText = OnMessage({ as: 'text' }) as unknown as AnyDecorator;
    expect(() => {
      class Field {
        @onText text = (_ws: Connector, data: string) => data.toUpperCase();
      }
      return Field;
    }).toThrow(new SwitchboardError('SWB_ERR_INVALID_ARGUMENT', '@OnMessage() decorates an instance method with a public name; it was put on a field (text).'));
  });
});

test('without an explicit kind, handlers are positional and register() logs one line for the class', async () => {
  @WebSocketRoute('/robyn')
  class Robyn {
    @OnConnect()
    connect(ws: Connector, deps: ReadonlyMap<unknown, unknown>) {
      return `Connected, ${String(deps.get('name'))}`;
    }
    @OnMessage()
    message(ws: Connector, msg: string | Buffer) {
      return typeof msg === 'string' ? `text ${msg}` : `${msg.length} bytes`;
    }
    @OnMessage('ping')
    ping(_ws: Connector, data: unknown) {
      return data;
    }
  }
  const logger = recordingLogger();
  const { url } = await start(new App({ routes: [Robyn], logger }).provide('name', 'batman'));
  expect(logger.warnings).toEqual([
    "switchboard: Robyn has no design types (compiled without emitDecoratorMetadata, or with standard decorators), so Robyn.message takes Robyn's positional arguments (ws, message, dependencies), the message as sent: a string, or a Buffer for a binary frame; Robyn.ping takes them too, the event's data as the message: any JSON value, unchecked. To say what the message is: @OnMessage({ as: 'text' | 'json' | 'bytes' | 'raw' }), or @OnMessage('event', { schema, as }).",
  ]);
  const c = await connect(url('/robyn'));
  expect(await c.next()).toBe('Connected, batman');
  c.send('hi');
  c.send(Buffer.from([1, 2]));
  c.send('{"event":"ping","id":1,"data":7}');
  expect([await c.next(), await c.next(), await c.next()]).toEqual(['text hi', '2 bytes', '{"event":"ping","id":1,"data":7}']);
});

test("only event handlers positional: the line says they take the event's data", async () => {
  @WebSocketRoute('/events')
  class Events {
    @OnMessage('ping')
    ping(_ws: Connector, data: unknown) {
      return data;
    }
  }
  const logger = recordingLogger();
  const { url } = await start(new App({ routes: [Events], logger }));
  expect(logger.warnings).toEqual([
    "switchboard: Events has no design types (compiled without emitDecoratorMetadata, or with standard decorators), so Events.ping takes Robyn's positional arguments (ws, message, dependencies), the event's data as the message: any JSON value, unchecked. To say what the message is: @OnMessage({ as: 'text' | 'json' | 'bytes' | 'raw' }), or @OnMessage('event', { schema, as }).",
  ]);
  const c = await connect(url('/events'));
  c.send('{"event":"ping","id":1,"data":{"n":[1]}}');
  expect(await c.next()).toBe('{"event":"ping","id":1,"data":{"n":[1]}}');
});

test("docs/metrics.md's echo, which says `as`, answers under standard decorators as under tsc with metadata (it once answered internal_error)", async () => {
  @WebSocketRoute('/echo')
  class Echo {
    @OnMessage({ as: 'text' })
    message(_ws: Connector, text: string) {
      return text;
    }
  }
  const logger = recordingLogger();
  const { url } = await start(new App({ routes: [Echo], logger }));
  const c = await connect(url('/echo'));
  c.send('hi');
  c.send(Buffer.from('bytes as text'));
  expect([await c.next(), await c.next()]).toEqual(['hi', 'bytes as text']);
  expect([logger.warnings, logger.errors]).toEqual([[], []]);
});

describe('constructor injection with the route option inject', () => {
  test('the tokens, in order, from app.provide()', async () => {
    @WebSocketRoute('/orders', { inject: [Store, 'prefix'] })
    class Orders {
      constructor(
        private readonly store: Store,
        private readonly prefix: string,
      ) {}
      @OnMessage({ as: 'text' })
      order(_ws: Connector, item: string) {
        this.store.saved.push(item);
        return `${this.prefix}${this.store.saved.length}`;
      }
    }
    const store = new Store();
    const { url } = await start(new App({ routes: [Orders], logger: recordingLogger() }).provide(Store, store).provide('prefix', '#'));
    const c = await connect(url('/orders'));
    c.send('tea');
    expect(await c.next()).toBe('#1');
    expect(store.saved).toEqual(['tea']);
  });

  test('without it, the error names the cause and both fixes', () => {
    @WebSocketRoute('/no-inject')
    class NoInject {
      constructor(readonly store: Store) {}
    }
    expect(registerError(NoInject).message).toBe(
      'NoInject: constructor parameter #0 (untyped) cannot be injected: the class has no design types (compiled without emitDecoratorMetadata, or with standard decorators?). List its tokens in the route option inject: [token, …], or compile with emitDecoratorMetadata (class types are then injected by type, others need @Inject(token)). [SWB_ERR_UNRESOLVED_PARAMETER]',
    );
  });

  test('a token for each parameter', () => {
    @WebSocketRoute('/short', { inject: [Store] })
    class Short {
      constructor(
        readonly store: Store,
        readonly prefix: string,
      ) {}
    }
    expect(registerError(Short).message).toBe(
      'Short: the constructor takes 2 parameters, and the route option inject names 1. List a token for each, in order. [SWB_ERR_UNRESOLVED_PARAMETER]',
    );
  });
});

test('handlers of an undecorated base class are inherited; an override replaces its base handler', async () => {
  class Base {
    @OnConnect()
    connect() {
      return 'base connect';
    }
    @OnMessage({ as: 'text' })
    message(_ws: Connector, text: string) {
      return `base ${text}`;
    }
  }
  @WebSocketRoute('/derived')
  class Derived extends Base {
    @OnMessage({ as: 'text' })
    override message(_ws: Connector, text: string) {
      return `derived ${text}`;
    }
  }
  @WebSocketRoute('/sibling')
  class Sibling extends Base {}
  const { url } = await start({ routes: [Derived, Sibling] });
  const d = await connect(url('/derived'));
  const s = await connect(url('/sibling'));
  d.send('a');
  s.send('b');
  expect([await d.next(), await d.next(), await s.next(), await s.next()]).toEqual(['base connect', 'derived a', 'base connect', 'base b']);
});

test('a static method is not a handler', () => {
  expect(() => {
    @WebSocketRoute('/static')
    class Static {
      @OnMessage({ as: 'text' })
      static message(_ws: Connector, text: string) {
        return text;
      }
    }
    return Static;
  }).toThrow(
    new SwitchboardError('SWB_ERR_INVALID_ARGUMENT', '@OnMessage() decorates an instance method with a public name; it was put on a static method (message).'),
  );
});

test('a parameter decorator used as a standard decorator (on a field) says what to use instead', () => {
  const inject = Inject(Store) as unknown as AnyDecorator;
  expect(() => {
    class Service {
      @inject store!: Store;
    }
    return Service;
  }).toThrow(
    new SwitchboardError(
      'SWB_ERR_INVALID_ARGUMENT',
      "@Inject(token) decorates a parameter, and parameter decorators exist only with experimentalDecorators; it was put on the field store, under standard decorators (TypeScript without experimentalDecorators). For a route's constructor use the route option inject: [token, …] (@WebSocketRoute(pattern, { inject })), and keep the value on this.",
    ),
  );
});
