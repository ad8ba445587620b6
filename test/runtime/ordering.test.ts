import { Connector, OnClose, OnConnect, OnMessage, WebSocketRoute, WsError } from '../../lib';
import { closeAll, connect, delay, eventually, recordingLogger, start, within } from '../helpers';

afterEach(closeAll);

describe('ordering', () => {
  test('async handlers with decreasing delays still reply in arrival order, after @OnConnect', async () => {
    const events: string[] = [];
    @WebSocketRoute('/ordered')
    class Ordered {
      @OnConnect()
      async connect() {
        await delay(30);
        events.push('connect');
        return 'connected';
      }
      @OnMessage()
      async message(ws: Connector, text: string) {
        events.push(`start ${text}`);
        await delay(40 - Number(text) * 10);
        events.push(`end ${text}`);
        return `reply ${text}`;
      }
    }
    const { url } = await start({ routes: [Ordered] });
    const c = await connect(url('/ordered'));
    c.send('1');
    c.send('2');
    c.send('3');
    expect(await c.next()).toBe('connected');
    expect(await c.next()).toBe('reply 1');
    expect(await c.next()).toBe('reply 2');
    expect(await c.next()).toBe('reply 3');
    expect(events).toEqual(['connect', 'start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  test('sync and async handlers interleave in order', async () => {
    @WebSocketRoute('/mixed')
    class Mixed {
      @OnMessage()
      message(ws: Connector, text: string) {
        return text.startsWith('slow') ? delay(20).then(() => text) : text;
      }
    }
    const { url } = await start({ routes: [Mixed] });
    const c = await connect(url('/mixed'));
    for (const m of ['a', 'slow b', 'c', 'slow d', 'e']) c.send(m);
    const got = [];
    for (let i = 0; i < 5; i++) got.push(await c.next());
    expect(got).toEqual(['a', 'slow b', 'c', 'slow d', 'e']);
  });

  test('@OnClose runs after the last queued message handler', async () => {
    const events: string[] = [];
    let closedResolve: () => void = () => undefined;
    const closedRan = new Promise<void>((resolve) => (closedResolve = resolve));
    @WebSocketRoute('/last')
    class Last {
      @OnMessage()
      async message(ws: Connector, text: string) {
        await delay(20);
        events.push(text);
      }
      @OnClose()
      close(ws: Connector, code: number) {
        events.push(`close ${code}`);
        closedResolve();
      }
    }
    const { url } = await start({ routes: [Last] });
    const c = await connect(url('/last'));
    c.send('1');
    c.send('2');
    c.send('3');
    await c.close(4001);
    await within(closedRan, '@OnClose');
    expect(events).toEqual(['1', '2', '3', 'close 4001']);
  });
});

describe('bounded queue', () => {
  test('past maxQueuedMessages the connection is closed with 1008', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    @WebSocketRoute('/flood', { maxQueuedMessages: 5 })
    class Flood {
      @OnMessage()
      async message() {
        await gate;
      }
    }
    const { url } = await start({ routes: [Flood] });
    const c = await connect(url('/flood'));
    for (let i = 0; i < 7; i++) c.send(String(i)); // 1 running + 5 queued + 1 over the bound
    expect(await c.waitClosed()).toEqual({ code: 1008, reason: 'Too many queued messages' });
    release();
  });

  test('up to maxQueuedMessages waiting messages are all handled', async () => {
    @WebSocketRoute('/fits', { maxQueuedMessages: 5 })
    class Fits {
      @OnMessage()
      async message(ws: Connector, text: string) {
        await delay(5);
        return text;
      }
    }
    const { url } = await start({ routes: [Fits] });
    const c = await connect(url('/fits'));
    for (let i = 0; i < 6; i++) c.send(String(i));
    for (let i = 0; i < 6; i++) expect(await c.next()).toBe(String(i));
  });
});

describe('close() inside a handler', () => {
  test('sync: the reply is sent before the close frame', async () => {
    @WebSocketRoute('/bye')
    class Bye {
      @OnMessage()
      message(ws: Connector) {
        ws.close(4000, 'done');
        return 'Closing connection';
      }
    }
    const { url } = await start({ routes: [Bye] });
    const c = await connect(url('/bye'));
    c.send('disconnect');
    expect(await c.next()).toBe('Closing connection');
    expect(await c.waitClosed()).toEqual({ code: 4000, reason: 'done' });
  });

  test('async: the reply is sent before the close frame, and later messages are not replied to', async () => {
    @WebSocketRoute('/bye-async')
    class ByeAsync {
      @OnMessage()
      async message(ws: Connector, text: string) {
        await delay(10);
        if (text === 'bye') ws.close();
        return `got ${text}`;
      }
    }
    const { url } = await start({ routes: [ByeAsync] });
    const c = await connect(url('/bye-async'));
    c.send('bye');
    c.send('after');
    expect(await c.next()).toBe('got bye');
    expect(await c.waitClosed()).toEqual({ code: 1000, reason: '' });
  });
});

describe('errors', () => {
  test('a WsError becomes an error frame and the connection stays usable', async () => {
    @WebSocketRoute('/ws-error')
    class Errors {
      @OnMessage()
      message(ws: Connector, text: string) {
        if (text === 'bad') throw new WsError('bad_request', 'That was bad');
        return 'ok';
      }
    }
    const { url } = await start({ routes: [Errors] });
    const c = await connect(url('/ws-error'));
    c.send('bad');
    expect(await c.next()).toBe('{"error":{"code":"bad_request","message":"That was bad"}}');
    c.send('good');
    expect(await c.next()).toBe('ok');
  });

  test('any other error (sync throw or rejection) is logged and the client gets a generic frame', async () => {
    const logger = recordingLogger();
    @WebSocketRoute('/boom')
    class Boom {
      @OnMessage()
      message(ws: Connector, text: string) {
        if (text === 'throw') throw new Error('secret internals');
        if (text === 'reject') return Promise.reject(new Error('async internals'));
        return 'alive';
      }
    }
    const { url } = await start({ routes: [Boom], logger });
    const c = await connect(url('/boom'));
    c.send('throw');
    expect(await c.next()).toBe('{"error":{"code":"internal_error","message":"Internal server error"}}');
    c.send('reject');
    expect(await c.next()).toBe('{"error":{"code":"internal_error","message":"Internal server error"}}');
    c.send('ok');
    expect(await c.next()).toBe('alive');
    expect(logger.errors.map((e) => (e.error as Error).message)).toEqual(['secret internals', 'async internals']);
    expect(logger.errors[0]!.message).toMatch(/^switchboard: a handler of Boom threw on connection \S+ \(the client got an internal_error frame\)$/);
  });

  test('invalid JSON for an object parameter gets an error frame naming the problem', async () => {
    @WebSocketRoute('/json')
    class Json {
      @OnMessage()
      message(ws: Connector, msg: { n: number }) {
        return { doubled: msg.n * 2 };
      }
    }
    const { url } = await start({ routes: [Json] });
    const c = await connect(url('/json'));
    c.send('{not json');
    const frame = (await c.nextJson()) as { error: { code: string; message: string } };
    expect(frame.error.code).toBe('invalid_json');
    expect(frame.error.message).toMatch(/^The message is not valid JSON: /);
    c.send('{"n":21}');
    expect(await c.next()).toBe('{"doubled":42}');
  });

  test('the route option onError replaces the error reply, and may be async', async () => {
    @WebSocketRoute('/on-error', { onError: async (error) => ({ failed: (error as Error).message }) })
    class Custom {
      @OnMessage()
      message() {
        throw new Error('nope');
      }
    }
    const { url } = await start({ routes: [Custom] });
    const c = await connect(url('/on-error'));
    c.send('x');
    expect(await c.next()).toBe('{"failed":"nope"}');
  });

  test('an unsendable return value is logged and answered with a generic frame', async () => {
    const logger = recordingLogger();
    @WebSocketRoute('/unsendable')
    class Unsendable {
      @OnMessage()
      message() {
        return { n: 10n };
      }
    }
    const { url } = await start({ routes: [Unsendable], logger });
    const c = await connect(url('/unsendable'));
    c.send('x');
    expect(await c.next()).toBe('{"error":{"code":"internal_error","message":"Internal server error"}}');
    expect((logger.errors[0]!.error as { code: string }).code).toBe('SWB_ERR_UNSENDABLE');
  });

  test('a throwing @OnConnect gets an error frame; a throwing @OnClose is logged; the process survives', async () => {
    const logger = recordingLogger();
    let closeAttempted: () => void = () => undefined;
    const closeRan = new Promise<void>((resolve) => (closeAttempted = resolve));
    @WebSocketRoute('/faulty')
    class Faulty {
      @OnConnect()
      connect() {
        throw new WsError('no_welcome', 'No welcome today');
      }
      @OnMessage()
      message(ws: Connector, text: string) {
        return text;
      }
      @OnClose()
      close() {
        closeAttempted();
        throw new Error('close failed');
      }
    }
    const { url } = await start({ routes: [Faulty], logger });
    const c = await connect(url('/faulty'));
    expect(await c.next()).toBe('{"error":{"code":"no_welcome","message":"No welcome today"}}');
    c.send('still here');
    expect(await c.next()).toBe('still here');
    await c.close();
    await within(closeRan, '@OnClose');
    await eventually(() => logger.errors.length > 0, 'the log line');
    expect((logger.errors[0]!.error as Error).message).toBe('close failed');
  });
});

describe('after the client left', () => {
  test('an async handler that finishes after the disconnect never throws, and its reply goes nowhere', async () => {
    const logger = recordingLogger();
    let finished: (results: unknown[]) => void = () => undefined;
    const done = new Promise<unknown[]>((resolve) => (finished = resolve));
    @WebSocketRoute('/late')
    class Late {
      @OnMessage()
      async message(ws: Connector) {
        await delay(50);
        const results = [ws.isOpen, ws.send('late'), ws.sendTo(ws.id, 'late'), ws.broadcast('late'), ws.bufferedAmount];
        ws.close();
        ws.close(4000, 'twice');
        finished(results);
        return 'reply to nobody';
      }
    }
    const { app, url } = await start({ routes: [Late], logger });
    const c = await connect(url('/late'));
    c.send('x');
    await c.close();
    expect(await within(done, 'the late handler')).toEqual([false, false, false, 0, 0]);
    expect(app.connectionCount).toBe(0);
    expect(logger.errors).toEqual([]);
  });
});
