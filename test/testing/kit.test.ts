/**
 * switchboard/testing under jest: every wait resolves with what came, or fails (never hangs) with what
 * arrived instead; refused upgrades carry their status; request() keeps pushes for next().
 */
import { App, Connector, HttpError, OnConnect, OnMessage, OnUpgrade, WebSocketRoute, WsError, type UpgradeRequest } from '../../lib';
import { RequestError, testApp, UpgradeRefused, type TestApp } from '../../lib/testing';
import { recordingLogger } from '../helpers';

@WebSocketRoute('/chat/{room}')
class Chat {
  @OnUpgrade()
  guard(req: UpgradeRequest) {
    if (req.queryParams.get('token') !== 'secret') throw new HttpError(401, 'Bad token');
    return { user: req.headers['x-user'] ?? 'anonymous' };
  }

  @OnConnect()
  hello(ws: Connector<{ user: string }>) {
    return `hello ${ws.state.user} in ${ws.params.room}`;
  }

  @OnMessage('say')
  say(ws: Connector, text: string) {
    ws.send({ event: 'said', data: text });
    return { length: text.length };
  }

  @OnMessage('fail')
  fail(): never {
    throw new WsError('nope', 'Not today');
  }

  @OnMessage()
  other(ws: Connector, text: string) {
    if (text === 'bye') ws.close(4000, 'asked to');
    if (text === 'quiet') return '';
    return `plain: ${text}`;
  }
}

let t: TestApp<App>;
beforeEach(async () => {
  t = await testApp(new App({ routes: [Chat], logger: recordingLogger() }), { timeout: 300 });
});
afterEach(() => t.close());

const join = () => t.connect('/chat/lobby', { query: { token: 'secret' }, headers: { 'x-user': 'ann' } });

describe('switchboard/testing', () => {
  test('connect with query and headers; next() takes frames in order', async () => {
    const c = await join();
    expect(await c.next()).toBe('hello ann in lobby');
    c.send('a');
    c.send('b');
    expect(await c.next()).toBe('plain: a');
    expect(await c.next()).toBe('plain: b');
    await c.expectSilence(50);
  });

  test('a refused upgrade rejects with UpgradeRefused, its status and body', async () => {
    const refused = t.connect('/chat/lobby', { query: { token: 'wrong' } });
    await expect(refused).rejects.toBeInstanceOf(UpgradeRefused);
    await expect(refused).rejects.toMatchObject({
      status: 401,
      body: 'Bad token',
      message: 'The upgrade of /chat/lobby?token=wrong was refused with 401: Bad token',
    });
    await expect(t.connect('/nowhere')).rejects.toMatchObject({ status: 404 });
  });

  test('request() resolves with the reply data; a push that came first stays queued for next()', async () => {
    const c = await join();
    await c.next();
    expect(await c.request('say', 'hi')).toEqual({ length: 2 });
    expect(await c.nextJson()).toEqual({ event: 'said', data: 'hi' });
  });

  test('request() rejects with a RequestError carrying the code of an error frame', async () => {
    const c = await join();
    await c.next();
    const failed = c.request('fail');
    await expect(failed).rejects.toBeInstanceOf(RequestError);
    await expect(failed).rejects.toMatchObject({ code: 'nope', message: 'Not today' });
  });

  test('next() that gets nothing fails after its timeout, saying so', async () => {
    const c = await join();
    await c.next();
    c.send('quiet');
    await expect(c.next({ timeout: 100 })).rejects.toThrow(
      'Waiting for a frame from /chat/lobby?token=secret: nothing matching arrived within 100 ms; received instead: nothing.',
    );
  });

  test('request() whose reply never comes fails with the frames that came instead', async () => {
    const c = await join();
    // The route has a plain handler: an unknown event goes to it, and its answer carries no id.
    await expect(c.request('dance')).rejects.toThrow(
      'Waiting for the reply to "dance" (id 1) from /chat/lobby?token=secret: nothing matching arrived within 300 ms; ' +
        'received instead: 2 frames: "hello ann in lobby", "plain: {\\"event\\":\\"dance\\",\\"id\\":1}".',
    );
    expect(await c.next()).toBe('hello ann in lobby');
  });

  test('expectSilence() fails listing what arrived', async () => {
    const c = await join();
    await c.next();
    c.send('a');
    await expect(c.expectSilence(100)).rejects.toThrow(
      'Expected silence from /chat/lobby?token=secret for 100 ms, but received within 100 ms: 1 frame: "plain: a".',
    );
    await expect(c.expectSilence(10)).rejects.toThrow(
      'Expected silence from /chat/lobby?token=secret for 10 ms, but unread frames were waiting: 1 frame: "plain: a".',
    );
  });

  test('a wait on a connection the server closes fails at once, with the close code', async () => {
    const c = await join();
    await c.next();
    c.send('bye');
    expect(await c.next()).toBe('plain: bye');
    expect(await c.closed()).toEqual({ code: 4000, reason: 'asked to' });
    const started = Date.now();
    await expect(c.next({ timeout: 5000 })).rejects.toThrow(
      'Waiting for a frame from /chat/lobby?token=secret: the connection had closed (code 4000, "asked to"); received instead: nothing.',
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('nextJson() names a frame that is not JSON', async () => {
    const c = await join();
    await expect(c.nextJson()).rejects.toThrow('Expected a JSON text frame from /chat/lobby?token=secret, received "hello ann in lobby".');
  });

  test('t.close() closes the app: clients get 1001', async () => {
    const c = await join();
    await t.close();
    expect(await c.closed()).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(c.isOpen).toBe(false);
  });

  test('t.fetch() reaches the HTTP side; options are checked', async () => {
    expect((await t.fetch('/missing')).status).toBe(404);
    await expect(t.connect('chat')).rejects.toThrow(
      't.connect(path, options): path must be a path starting with \'/\', or a channel made by defineChannel(), got "chat". [SWB_ERR_INVALID_ARGUMENT]',
    );
    await expect(testApp(new App(), { timeout: 0 })).rejects.toThrow(
      'testApp(app, options): timeout must be a positive integer of milliseconds, got 0. [SWB_ERR_INVALID_ARGUMENT]',
    );
  });
});
