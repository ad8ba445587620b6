import { randomBytes } from 'node:crypto';
import {
  App,
  Connector,
  Header,
  Inject,
  OnClose,
  OnConnect,
  OnMessage,
  OnUpgrade,
  Param,
  Query,
  SwitchboardError,
  WebSocketRoute,
  type UpgradeRequest,
} from '../../lib';
import { type Client, closeAll, connect, delay, eventually, recordingLogger, registerError, start } from '../helpers';

afterEach(closeAll);

class Database {
  constructor(readonly name: string) {}
}

describe('declaration errors are thrown at register, naming the class, method, parameter and fix', () => {
  test('a class without @WebSocketRoute', () => {
    class Plain {}
    const error = registerError(Plain);
    expect(error.code).toBe('SWB_ERR_NOT_A_ROUTE');
    expect(error.message).toBe("Plain has no @WebSocketRoute(pattern). Decorate the class, e.g. @WebSocketRoute('/ws'). [SWB_ERR_NOT_A_ROUTE]");
  });

  test('two @OnConnect handlers', () => {
    @WebSocketRoute('/twice')
    class Twice {
      @OnConnect() a() {}
      @OnConnect() b() {}
    }
    expect(registerError(Twice).message).toBe(
      'Twice declares two @OnConnect handlers (a and b). Keep one and call the other from it. [SWB_ERR_DUPLICATE_HANDLER]',
    );
  });

  test('a parameter of a type that cannot be injected', () => {
    @WebSocketRoute('/bad-type')
    class BadType {
      @OnMessage() message(ws: Connector, when: Date) {
        return [ws, when];
      }
    }
    const error = registerError(BadType);
    expect(error.code).toBe('SWB_ERR_UNRESOLVED_PARAMETER');
    expect(error.message).toMatch(/^BadType\.message: parameter #1 \(Date\) has a type switchboard cannot inject\. Type it as Connector/);
  });

  test('a message parameter in @OnConnect', () => {
    @WebSocketRoute('/connect-text')
    class ConnectText {
      @OnConnect() connect(ws: Connector, text: string) {
        return [ws, text];
      }
    }
    expect(registerError(ConnectText).message).toMatch(/^ConnectText\.connect: parameter #1 \(String\) asks for a String .* which @OnConnect does not have/);
  });

  test('the message taken twice', () => {
    @WebSocketRoute('/twice-message')
    class TwiceMessage {
      @OnMessage() message(text: string, data: object) {
        return [text, data];
      }
    }
    expect(registerError(TwiceMessage).message).toMatch(/^TwiceMessage\.message: parameter #1 \(Object\) asks for the message a second time/);
  });

  test('@Param naming a parameter the pattern lacks', () => {
    @WebSocketRoute('/rooms/:room')
    class Rooms {
      @OnConnect() connect(@Param('roomId') room: string) {
        return room;
      }
    }
    expect(registerError(Rooms).message).toMatch(
      /^Rooms\.connect: parameter #0 \(String\) asks for @Param\('roomId'\), which the route pattern does not have\. Pattern parameters: room\./,
    );
  });

  test('the Connector in @OnUpgrade', () => {
    @WebSocketRoute('/upgrade-connector')
    class UpgradeConnector {
      @OnUpgrade() upgrade(req: UpgradeRequest, ws: Connector) {
        return [req, ws];
      }
    }
    expect(registerError(UpgradeConnector).message).toMatch(
      /^UpgradeConnector\.upgrade: parameter #1 \(Connector\) asks for the Connector \(no socket exists at upgrade\)/,
    );
  });

  test('bad patterns, duplicate routes, bad options', () => {
    @WebSocketRoute('ws/no-slash')
    class NoSlash {}
    expect(registerError(NoSlash).code).toBe('SWB_ERR_INVALID_PATTERN');
    @WebSocketRoute('/a/:x/:x')
    class Dup {}
    expect(registerError(Dup).message).toMatch(/names the parameter "x" twice/);
    @WebSocketRoute('/same/:id')
    class One {}
    @WebSocketRoute('/same/{other}')
    class Two {}
    expect(registerError(One, Two).message).toBe('Two and One both use the pattern /same/{other}. Give each route its own path. [SWB_ERR_DUPLICATE_ROUTE]');
    @WebSocketRoute('/opts', { maxQueuedMesages: 3 } as object)
    class Typo {}
    expect(registerError(Typo).message).toMatch(/^@WebSocketRoute on Typo: option "maxQueuedMesages" must be one of .* \(unknown option\)/);
    @WebSocketRoute('/idle', { idleTimeout: 5 })
    class Idle {}
    expect(registerError(Idle).message).toMatch(/option "idleTimeout" must be 0 \(off\) or from 8 to 960 seconds, got 5/);
  });

  test('registering after listen throws', async () => {
    @WebSocketRoute('/late')
    class Late {}
    const { app } = await start();
    expect(() => app.register(Late)).toThrow(/app\.register\(\) after listen\(\)/);
    expect(() => app.provide('x', 1)).toThrow(SwitchboardError);
    expect(() => app.get('/x', () => 'x')).toThrow(SwitchboardError);
  });
});

describe('parameter resolution', () => {
  test('explicit decorators, design types and providers (by class, string and symbol)', async () => {
    const token = Symbol('clock');
    @WebSocketRoute('/inject/:room')
    class Injected {
      @OnMessage()
      message(
        @Query('name') name: string | null,
        @Param('room') room: string,
        @Header('X-Trace') trace: string | undefined,
        @Inject('greeting') greeting: string,
        db: Database,
        @Inject(token) clock: () => number,
        ws: Connector,
        body: { n: number },
      ) {
        return { name, room, trace, greeting, db: db.name, time: clock(), id: typeof ws.id, n: body.n };
      }
    }
    const app = new App({ routes: [Injected], logger: recordingLogger() });
    app
      .provide('greeting', 'hello')
      .provide(Database, new Database('main'))
      .provide(token, () => 7);
    const { url } = await start(app);
    const c = await connect(url('/inject/lobby?name=ann'), { headers: { 'x-trace': 't1' } });
    c.send('{"n":3}');
    expect(await c.nextJson()).toEqual({ name: 'ann', room: 'lobby', trace: 't1', greeting: 'hello', db: 'main', time: 7, id: 'string', n: 3 });
  });

  test('bytes parameters receive a copy that outlives the callback; close gets code and reason', async () => {
    const kept: Buffer[] = [];
    let closed: [number, string] | null = null;
    @WebSocketRoute('/bytes')
    class Bytes {
      @OnMessage()
      async message(data: Buffer) {
        kept.push(data);
        await delay(5);
        return Buffer.concat(kept);
      }
      @OnClose()
      close(code: number, reason: string) {
        closed = [code, reason];
      }
    }
    const { url } = await start({ routes: [Bytes] });
    const c = await connect(url('/bytes'));
    c.send(Buffer.from([1, 2]));
    c.send('ab');
    expect(await c.next()).toEqual(Buffer.from([1, 2]));
    expect(await c.next()).toEqual(Buffer.from([1, 2, 97, 98]));
    await c.close(4321, 'bye');
    await eventually(() => closed !== null, '@OnClose to run');
    expect(closed).toEqual([4321, 'bye']);
  });

  describe('a string parameter: text frames as sent, binary frames only as exact UTF-8', () => {
    const unsupported = JSON.stringify({
      error: { code: 'unsupported_data', message: 'The message is a binary frame that is not valid UTF-8, and this handler takes text' },
    });

    async function utf8Client(): Promise<{ c: Client; calls: string[] }> {
      const calls: string[] = [];
      @WebSocketRoute('/utf8')
      class Utf8 {
        @OnMessage() message(text: string) {
          calls.push(text);
          return text;
        }
      }
      const { url } = await start({ routes: [Utf8] });
      return { c: await connect(url('/utf8')), calls };
    }

    test('random bytes sent as binary get unsupported_data, the handler does not run, and the connection stays usable', async () => {
      const { c, calls } = await utf8Client();
      const bytes = randomBytes(1000);
      bytes[500] = 0xff; // never valid in UTF-8, so the message is invalid whatever the other bytes are
      c.send(bytes);
      expect(await c.next()).toBe(unsupported);
      c.send('still here');
      expect(await c.next()).toBe('still here');
      expect(calls).toEqual(['still here']);
    });

    test('valid multi-byte UTF-8 sent as binary arrives exactly, a leading BOM included (text and binary)', async () => {
      const { c } = await utf8Client();
      const text = 'héllo wörld ✓ 日本語 𝄞 🎉';
      c.send(Buffer.from(text));
      expect(await c.next()).toBe(text);
      c.send(Buffer.from('\uFEFFbom'));
      expect(await c.next()).toBe('\uFEFFbom');
      c.send('\uFEFFbom');
      expect(await c.next()).toBe('\uFEFFbom');
    });

    test('a fragmented binary message is checked whole: split inside a character it arrives exactly; invalid, it is refused', async () => {
      const { c, calls } = await utf8Client();
      const whole = Buffer.from('€𝄞€');
      c.ws.send(whole.subarray(0, 2), { binary: true, fin: false });
      c.ws.send(whole.subarray(2, 5), { binary: true, fin: false });
      c.ws.send(whole.subarray(5), { binary: true, fin: true });
      expect(await c.next()).toBe('€𝄞€');
      // An "é" cut after its first byte, then "x": invalid once the fragments are joined.
      c.ws.send(Buffer.from([0x61, 0xc3]), { binary: true, fin: false });
      c.ws.send(Buffer.from('x'), { binary: true, fin: true });
      expect(await c.next()).toBe(unsupported);
      expect(calls).toEqual(['€𝄞€']);
    });
  });

  test('an object parameter takes a JSON object or array only: other JSON, and binary frames, get invalid_data; non-JSON text gets invalid_json', async () => {
    const calls: unknown[] = [];
    @WebSocketRoute('/object')
    class ObjectBody {
      @OnMessage() message(_ws: Connector, body: { n: number }) {
        calls.push(body);
        return body;
      }
    }
    const { url } = await start({ routes: [ObjectBody] });
    const c = await connect(url('/object'));
    for (const value of ['42', '"str"', 'true', 'null']) {
      c.send(value);
      expect(await c.next()).toBe(JSON.stringify({ error: { code: 'invalid_data', message: `Expected a JSON object or array, got ${value}` } }));
    }
    c.send(Buffer.from('{"n":1}'));
    expect(await c.next()).toBe('{"error":{"code":"invalid_data","message":"Expected a JSON object or array in a text frame, got a binary frame"}}');
    c.send('hello');
    expect(await c.nextJson()).toEqual({ error: { code: 'invalid_json', message: expect.stringMatching(/^The message is not valid JSON: /) as string } });
    c.send('{"n":2}');
    expect(await c.next()).toBe('{"n":2}');
    c.send('[1,2]');
    expect(await c.next()).toBe('[1,2]');
    expect(calls).toEqual([{ n: 2 }, [1, 2]]);
  });

  test('route classes are made once per app with constructor injection; a missing provider fails listen()', async () => {
    let instances = 0;
    @WebSocketRoute('/ctor')
    class Ctor {
      constructor(
        private readonly db: Database,
        @Inject('prefix') private readonly prefix: string,
      ) {
        instances++;
      }
      @OnMessage() message(text: string) {
        return `${this.prefix}${this.db.name}:${text}`;
      }
    }
    const missing = new App({ routes: [Ctor], logger: recordingLogger() }).provide(Database, new Database('db'));
    await expect(missing.listen(0)).rejects.toThrow(
      'Ctor constructor parameter #1 injects prefix, which was never provided. Call app.provide(prefix, value) before listen(). [SWB_ERR_MISSING_PROVIDER]',
    );
    const app = new App({ routes: [Ctor], logger: recordingLogger() }).provide(Database, new Database('db')).provide('prefix', '> ');
    const { url } = await start(app);
    const a = await connect(url('/ctor'));
    const b = await connect(url('/ctor'));
    a.send('x');
    b.send('y');
    expect(await a.next()).toBe('> db:x');
    expect(await b.next()).toBe('> db:y');
    expect(instances).toBe(1);
  });
});
