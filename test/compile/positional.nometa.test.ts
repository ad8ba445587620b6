/**
 * Compiled without emitDecoratorMetadata (jest.config.js), as esbuild, tsx or swc would: handlers get
 * Robyn's positional arguments.
 */
import { App, Connector, Inject, OnClose, OnConnect, OnMessage, WebSocketRoute, SwitchboardError } from '../../lib';
import { closeAll, connect, recordingLogger, start, within } from '../helpers';

afterEach(closeAll);

test('no design types: (ws, message, dependencies), (ws, code, reason), explicit decorators still apply; register() says so once', async () => {
  let closed: (value: unknown[]) => void = () => undefined;
  const closeArgs = new Promise<unknown[]>((resolve) => (closed = resolve));
  @WebSocketRoute('/web_socket')
  class Robyn {
    @OnConnect()
    connect(ws: Connector, deps: ReadonlyMap<unknown, unknown>) {
      return `Connected to ws, ${String(deps.get('name'))}`;
    }
    @OnMessage()
    message(ws: Connector, msg: string | Buffer, deps: ReadonlyMap<unknown, unknown>) {
      return typeof msg === 'string' ? `${String(deps.get('name'))} got text ${msg} on ${typeof ws.id}` : `binary of ${msg.length} bytes`;
    }
    @OnClose()
    close(ws: Connector, code: number, reason: string) {
      closed([ws.isOpen, code, reason]);
    }
  }
  const logger = recordingLogger();
  const app = new App({ routes: [Robyn], logger }).provide('name', 'batman');
  expect(logger.warnings).toEqual([
    "switchboard: Robyn has no design types (compiled without emitDecoratorMetadata, or with standard decorators), so Robyn.message takes Robyn's positional arguments (ws, message, dependencies), the message as sent: a string, or a Buffer for a binary frame. To say what the message is: @OnMessage({ as: 'text' | 'json' | 'bytes' | 'raw' }), or @OnMessage('event', { schema, as }).",
  ]);
  const { url } = await start(app);
  const c = await connect(url('/web_socket'));
  expect(await c.next()).toBe('Connected to ws, batman');
  c.send('hello');
  expect(await c.next()).toBe('batman got text hello on string');
  c.send(Buffer.from([1, 2, 3]));
  expect(await c.next()).toBe('binary of 3 bytes');
  await c.close(4000, 'later');
  expect(await within(closeArgs, '@OnClose')).toEqual([false, 4000, 'later']);
});

test('explicit @Inject works without design types', async () => {
  @WebSocketRoute('/explicit')
  class Explicit {
    @OnMessage()
    message(ws: Connector, msg: string, @Inject('suffix') suffix: string) {
      return msg + suffix;
    }
  }
  const { url } = await start(new App({ routes: [Explicit], logger: recordingLogger() }).provide('suffix', '!'));
  const c = await connect(url('/explicit'));
  c.send('hi');
  expect(await c.next()).toBe('hi!');
});

test('more parameters than the convention has is a register-time error', () => {
  @WebSocketRoute('/too-many')
  class TooMany {
    @OnMessage()
    message(ws: unknown, msg: unknown, deps: unknown, extra: unknown) {
      return [ws, msg, deps, extra];
    }
  }
  expect(() => new App().register(TooMany)).toThrow(SwitchboardError);
  expect(() => new App().register(TooMany)).toThrow(
    'TooMany.message: parameter #3 (untyped) is beyond the positional convention (connector, message, deps). Enable emitDecoratorMetadata, or use @Inject/@Query/@Param/@Header on it. [SWB_ERR_UNRESOLVED_PARAMETER]',
  );
});
