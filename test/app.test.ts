import { App, Connector, OnClose, OnConnect, OnMessage, SwitchboardError, WebSocketRoute } from '../lib';
import { closeAll, connect, delay, eventually, recordingLogger, start, within } from './helpers';

afterEach(closeAll);

@WebSocketRoute('/news')
class News {
  @OnConnect()
  connect(ws: Connector) {
    return ws.id;
  }
}

describe('App', () => {
  test('listen(0) picks a free port; connectionCount follows connections', async () => {
    const { app, port, url } = await start({ routes: [News] });
    expect(port).toBeGreaterThan(0);
    expect(app.connectionCount).toBe(0);
    const a = await connect(url('/news'));
    await a.next();
    const b = await connect(url('/news'));
    await b.next();
    expect(app.connectionCount).toBe(2);
    await a.close();
    await eventually(() => app.connectionCount === 1, 'the server to see the close');
  });

  test('app.broadcast by class or pattern, app.sendTo by id, from outside any handler', async () => {
    const { app, url } = await start({ routes: [News] });
    const a = await connect(url('/news'));
    const b = await connect(url('/news'));
    const idA = (await a.next()) as string;
    await b.next();
    expect(app.broadcast(News, { title: 'hello' })).toBe(2);
    expect(await a.next()).toBe('{"title":"hello"}');
    expect(await b.next()).toBe('{"title":"hello"}');
    expect(app.broadcast('/news', 'by pattern')).toBe(2);
    expect(await a.next()).toBe('by pattern');
    expect(await b.next()).toBe('by pattern');
    expect(app.sendTo(idA, 'just you')).toBe(true);
    expect(await a.next()).toBe('just you');
    expect(await b.silentFor(30)).toBe(true);
    expect(app.sendTo('unknown', 'x')).toBe(false);
    expect(() => app.broadcast('/nope', 'x')).toThrow('app.broadcast(): /nope is not a registered route. Registered: /news. [SWB_ERR_UNKNOWN_ROUTE]');
  });

  test('app.publish and app.sendTo on an App without WebSocket routes reach nobody, and do not crash', async () => {
    // uWS has no topic tree before its first WebSocket route; publishing there used to kill the process.
    const app = new App({ logger: recordingLogger() });
    app.get('/health', () => 'ok');
    await start(app);
    expect(app.publish('lobby', 'nobody hears this')).toBe(0);
    expect(app.sendTo('no-such-id', 'nor this')).toBe(false);
  });

  test('close(): 1001 to every client, in-flight handlers finish, every @OnClose runs once, then it resolves', async () => {
    const events: string[] = [];
    let started: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    @WebSocketRoute('/work')
    class Work {
      @OnMessage()
      async message(ws: Connector, text: string) {
        started();
        await delay(50);
        events.push(`finished ${text}`);
      }
      @OnClose()
      async close(ws: Connector, code: number) {
        await delay(5);
        events.push(`close ${code}`);
      }
    }
    const { app, url } = await start({ routes: [Work] });
    const a = await connect(url('/work'));
    const b = await connect(url('/work'));
    a.send('job');
    await within(inFlight, 'the handler to start');
    await app.close();
    expect(events.sort()).toEqual(['close 1001', 'close 1001', 'finished job']);
    expect(await a.waitClosed()).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(await b.waitClosed()).toEqual({ code: 1001, reason: 'Server shutting down' });
    await expect(connect(url('/work'))).rejects.toThrow();
    await app.close(); // idempotent
    await expect(app.listen(0)).rejects.toThrow('app.listen() after close(): a closed app cannot be restarted. Create a new App. [SWB_ERR_APP_CLOSED]');
  });

  test('close({ code: 1012 }) closes every connection with Service Restart and a reconnect window; the code is checked', async () => {
    @WebSocketRoute('/restart')
    class Restart {}
    const { app, url } = await start({ routes: [Restart] });
    const a = await connect(url('/restart'));
    const b = await connect(url('/restart'));
    expect(() => app.close({ code: 1000 as never })).toThrow('app.close(options): code must be 1001 (Going Away) or 1012 (Service Restart), got 1000.');
    expect(() => app.close({ reconnectWindow: -1 })).toThrow('app.close(options): reconnectWindow must be a non-negative integer of milliseconds, got -1.');
    const closing = app.close({ code: 1012, reconnectWindow: 8000 });
    expect(await a.waitClosed()).toEqual({ code: 1012, reason: 'Service restarting; window=8000' });
    expect(await b.waitClosed()).toEqual({ code: 1012, reason: 'Service restarting; window=8000' });
    await closing;
    expect(app.metrics()).toContain('switchboard_restart_closes_total 2');
  });

  test('close() gives up after its timeout on a handler that never finishes, and says so', async () => {
    const logger = recordingLogger();
    let started: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    @WebSocketRoute('/stuck')
    class Stuck {
      @OnMessage()
      message() {
        started();
        return new Promise(() => undefined);
      }
    }
    const app = new App({ routes: [Stuck], logger });
    const { url } = await start(app);
    const c = await connect(url('/stuck'));
    c.send('x');
    await within(inFlight, 'the handler to start');
    await app.close({ timeout: 50 });
    expect(logger.warnings).toEqual(['switchboard: app.close() gave up after 50 ms on handlers still running.']);
  });

  test('bad arguments and options get clear errors', async () => {
    expect(() => new App({ maxPayloadLength: -1 })).toThrow(
      'new App(options): option "maxPayloadLength" must be an integer from 1 to 2147483647, got -1. [SWB_ERR_INVALID_OPTION]',
    );
    expect(() => new App({ origins: ['not a url'] })).toThrow(SwitchboardError);
    expect(() => new App({ colour: 'red' } as object)).toThrow(/option "colour" must be one of/);
    expect(() => new App({ onProtoPoisoning: 'drop' as never })).toThrow(
      `new App(options): option "onProtoPoisoning" must be 'error', 'remove' or 'ignore', got "drop". [SWB_ERR_INVALID_OPTION]`,
    );
    expect(() => new App({ onConstructorPoisoning: null as never })).toThrow(
      `new App(options): option "onConstructorPoisoning" must be 'error', 'remove' or 'ignore', got null. [SWB_ERR_INVALID_OPTION]`,
    );
    expect(() => new App().provide('', 1)).toThrow(SwitchboardError);
    expect(() => new App().get('/x', 'nope' as never)).toThrow(
      'app.get(path, handler): handler must be a function (req) => response, got "nope". [SWB_ERR_INVALID_ARGUMENT]',
    );
    await expect(new App().listen(70000)).rejects.toThrow(
      'app.listen(port, host): port must be an integer from 0 to 65535, got 70000. [SWB_ERR_INVALID_ARGUMENT]',
    );
    expect(() => new App({ reusePort: 'yes' as never })).toThrow(
      'new App(options): option "reusePort" must be true or false, got "yes". [SWB_ERR_INVALID_OPTION]',
    );
    const { port } = await start();
    await expect(new App({ logger: recordingLogger() }).listen(port, '127.0.0.1')).rejects.toThrow(
      /^app\.listen\(\): cannot listen on 127\.0\.0\.1:\d+: the port is already in use/,
    );
  });
});
