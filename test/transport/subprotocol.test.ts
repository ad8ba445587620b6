/**
 * The switchboard subprotocol: a client that offers it gets exactly it answered, and an upgrade the app
 * refuses reaches it as a close code it can read (4000 + the HTTP status, the message as reason), with no
 * handler run and no connection counted. A client that does not offer it gets the HTTP status.
 */
import WebSocket from 'ws';
import { Connector, HttpError, OnClose, OnConnect, OnMessage, OnUpgrade, WebSocketRoute, type UpgradeRequest } from '../../lib';
import { refusalClose, refusalOf } from '../../lib/transport/handshake';
import { closeAll, connect, recordingLogger, start, upgradeStatus, within } from '../helpers';

afterEach(closeAll);

/** What the routes below saw: a refused upgrade must leave all of it empty. */
const seen = { connects: 0, messages: 0, closes: 0 };

/** Lets a test hold @OnUpgrade of /slow until it calls `release`. */
let hold: { entered: () => void; release: Promise<void> } | null = null;

@WebSocketRoute('/guarded/:how')
class Guarded {
  @OnUpgrade()
  async upgrade(req: UpgradeRequest) {
    if (req.params.how === 'slow' && hold !== null) {
      hold.entered();
      await hold.release;
    }
    switch (req.params.how) {
      case 'false':
        return false;
      case '401':
        throw new HttpError(401, 'Missing or invalid token');
      case 'long':
        throw new HttpError(401, 'é'.repeat(100));
      case 'crash':
        throw new Error('database down');
      default:
        return { ok: true };
    }
  }

  @OnConnect()
  connect() {
    seen.connects++;
    return 'welcome';
  }

  @OnMessage()
  message() {
    seen.messages++;
    return 'handled';
  }

  @OnClose()
  close(ws: Connector) {
    seen.closes++;
    void ws;
  }
}

/** Refused synchronously, by an @OnUpgrade that is not async. */
@WebSocketRoute('/sync')
class Sync {
  @OnUpgrade()
  upgrade() {
    return false;
  }
}

/** Its @OnClose waits for `lingering`, which holds app.close() open while a test looks at what happens meanwhile. */
let lingering: Promise<void> = Promise.resolve();

@WebSocketRoute('/linger')
class Linger {
  @OnClose()
  async close() {
    await lingering;
  }
}

@WebSocketRoute('/listed', { origins: ['https://app.example.com'] })
class Listed {
  @OnConnect()
  connect() {
    seen.connects++;
  }
}

interface Outcome {
  /** 101 when the upgrade was accepted; else the HTTP status. */
  readonly status: number;
  /** The subprotocol the server answered (101 only). */
  readonly protocol?: string;
  /** The close frame, and the frames before it (101 only). */
  readonly close?: { code: number; reason: string };
  readonly frames?: string[];
  readonly body?: string;
}

/**
 * Opens `url` offering `protocols`; on open it sends a frame (which a refused socket must not dispatch)
 * and waits for the server to close. A refused HTTP upgrade gives its status and body instead.
 */
function attempt(url: string, protocols: string[], options: WebSocket.ClientOptions = {}): Promise<Outcome> {
  const ws = new WebSocket(url, protocols, options);
  const frames: string[] = [];
  return within(
    new Promise<Outcome>((resolve, reject) => {
      ws.on('open', () => ws.send('hello'));
      ws.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
      ws.on('close', (code, reason) => resolve({ status: 101, protocol: ws.protocol, close: { code, reason: reason.toString('utf8') }, frames }));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.once('error', (error) => reject(error));
    }),
    `the outcome of ${url}`,
  );
}

beforeEach(() => {
  seen.connects = seen.messages = seen.closes = 0;
  hold = null;
});

describe('a client offering the switchboard subprotocol', () => {
  test('gets exactly "switchboard" answered, alone or among other offers', async () => {
    const { url } = await start({ routes: [Guarded] });
    for (const offer of [['switchboard'], ['graphql-ws', 'switchboard'], ['switchboard', 'chat.v2']]) {
      const ws = new WebSocket(url('/guarded/ok'), offer);
      const protocol = await within(new Promise<string>((resolve) => ws.once('open', () => resolve(ws.protocol))), 'the open');
      ws.terminate();
      expect({ offer, protocol }).toEqual({ offer, protocol: 'switchboard' });
    }
  });

  test('is refused by a close code: false → 4403, HttpError(401) → 4401, a throw → 4500 (logged)', async () => {
    const logger = recordingLogger();
    const { app, url } = await start({ routes: [Guarded], logger });
    const refused = (code: number, reason: string): Outcome => ({ status: 101, protocol: 'switchboard', close: { code, reason }, frames: [] });
    expect(await attempt(url('/guarded/false'), ['switchboard'])).toEqual(refused(4403, 'Forbidden'));
    expect(await attempt(url('/guarded/401'), ['switchboard'])).toEqual(refused(4401, 'Missing or invalid token'));
    expect(await attempt(url('/guarded/crash'), ['graphql-ws', 'switchboard'])).toEqual(refused(4500, 'Internal Server Error'));
    expect(logger.errors.map((e) => e.message)).toEqual(['switchboard: @OnUpgrade of Guarded threw; the upgrade was rejected with 500']);
    expect(seen).toEqual({ connects: 0, messages: 0, closes: 0 });
    expect(app.connectionCount).toBe(0);
  });

  test('a synchronous @OnUpgrade, the origin check and a malformed path parameter refuse the same way', async () => {
    const { url } = await start({ routes: [Sync, Listed, Guarded] });
    expect(await attempt(url('/sync'), ['switchboard'])).toMatchObject({ status: 101, close: { code: 4403, reason: 'Forbidden' }, frames: [] });
    expect(await attempt(url('/listed'), ['switchboard'], { origin: 'https://evil.example.com' })).toMatchObject({
      status: 101,
      close: { code: 4403, reason: 'Origin not allowed' },
      frames: [],
    });
    expect(await attempt(url('/guarded/%E0%A4%A'), ['switchboard'])).toMatchObject({
      status: 101,
      close: { code: 4400, reason: 'Malformed percent-encoding in path parameter "how"' },
    });
    expect(seen.connects).toBe(0);
  });

  test('the reason is the message cut to 123 bytes of UTF-8, at a character boundary', async () => {
    const { url } = await start({ routes: [Guarded] });
    expect(await attempt(url('/guarded/long'), ['switchboard'])).toMatchObject({ close: { code: 4401, reason: 'é'.repeat(61) } });
    const cut = refusalClose(refusalOf(new HttpError(503, 'a😀b'.repeat(40))));
    expect(cut).toEqual({ code: 4503, reason: 'a😀b'.repeat(20) + 'a' });
    expect(Buffer.byteLength(cut.reason)).toBe(121);
    // A Retry-After becomes the reconnect window, kept whole at the end of the cut reason.
    const hinted = refusalClose(refusalOf(new HttpError(503, 'x'.repeat(200), { retryAfter: 5 })));
    expect(hinted).toEqual({ code: 4503, reason: 'x'.repeat(123 - '; window=5000'.length) + '; window=5000' });
  });

  test('an upgrade still pending when app.close() begins is refused with 4503', async () => {
    let entered: () => void = () => undefined;
    let release: () => void = () => undefined;
    const inUpgrade = new Promise<void>((resolve) => (entered = resolve));
    hold = { entered, release: new Promise<void>((resolve) => (release = resolve)) };
    let stopLingering: () => void = () => undefined;
    lingering = new Promise<void>((resolve) => (stopLingering = resolve));
    const { app, url } = await start({ routes: [Guarded, Linger] });
    await connect(url('/linger'));
    const outcome = attempt(url('/guarded/slow'), ['switchboard']);
    await within(inUpgrade, '@OnUpgrade to start');
    const closing = app.close({ timeout: 2000 });
    release();
    expect(await outcome).toEqual({ status: 101, protocol: 'switchboard', close: { code: 4503, reason: 'Server is shutting down' }, frames: [] });
    stopLingering();
    await within(closing, 'app.close()');
    expect(seen).toEqual({ connects: 0, messages: 0, closes: 0 });
  });

  test('an accepted upgrade runs its handlers as usual', async () => {
    const { url } = await start({ routes: [Guarded] });
    const ws = new WebSocket(url('/guarded/ok'), ['switchboard']);
    const frames: string[] = [];
    ws.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
    await within(new Promise((resolve) => ws.once('open', resolve)), 'the open');
    ws.send('hi');
    await within(new Promise<void>((resolve) => ws.on('message', () => frames.length === 2 && resolve())), 'two frames');
    expect(frames).toEqual(['welcome', 'handled']);
    ws.close();
  });
});

describe('a client not offering it', () => {
  test('gets the HTTP status, as before, and other offers are answered as uWS does (their first entry)', async () => {
    const { url } = await start({ routes: [Guarded] });
    expect(await upgradeStatus(url('/guarded/401'))).toEqual({ status: 401, body: 'Missing or invalid token' });
    expect(await attempt(url('/guarded/false'), ['graphql-ws'])).toEqual({ status: 403, body: 'Forbidden' });
    const ws = new WebSocket(url('/guarded/ok'), ['graphql-ws', 'chat.v2']);
    expect(await within(new Promise<string>((resolve) => ws.once('open', () => resolve(ws.protocol))), 'the open')).toBe('graphql-ws');
    ws.terminate();
  });
});
