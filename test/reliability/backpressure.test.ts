/**
 * A client that stops reading while the server pushes: maxBackpressure bounds what waits for it,
 * closeOnBackpressureLimit closes it instead, and @OnDrain / ws.bufferedAmount let a handler resume.
 */
import { App, Connector, OnClose, OnDrain, OnMessage, WebSocketRoute } from '../../lib';
import { closeAll, recordingLogger, start, within } from '../helpers';
import { closePayload, frame, rawUpgrade, type RawSocket } from './raw';

afterEach(closeAll);

const CHUNK = 64 * 1024;
const LIMIT = 1024 * 1024;
/** 32 MiB: far more than loopback's socket buffers hold, so uWS has to buffer and then drop. */
const PUSHES = 512;
const BINARY = 0x2;

interface Push {
  sent: number;
  dropped: number;
  maxBuffered: number;
}

function signal<T>(): { promise: Promise<T>; fire: (value: T) => void } {
  let fire: (value: T) => void = () => undefined;
  const promise = new Promise<T>((resolve) => (fire = resolve));
  return { promise, fire };
}

function pusher(closeOnBackpressureLimit: boolean, drainThrows = false) {
  const pushed = signal<Push>();
  const closed = signal<number>();
  const state = { drains: 0 };
  @WebSocketRoute('/push', { maxBackpressure: LIMIT, closeOnBackpressureLimit })
  class Pusher {
    @OnMessage()
    message(ws: Connector, text: string) {
      if (text !== 'go') return `echo:${text}`;
      const chunk = Buffer.alloc(CHUNK, 0x61);
      const push: Push = { sent: 0, dropped: 0, maxBuffered: 0 };
      for (let i = 0; i < PUSHES; i++) {
        if (ws.send(chunk)) push.sent++;
        else push.dropped++;
        push.maxBuffered = Math.max(push.maxBuffered, ws.bufferedAmount);
      }
      pushed.fire(push);
    }

    @OnDrain()
    async drain(ws: Connector) {
      state.drains++;
      if (drainThrows) throw new Error('drain failed');
      if (state.drains === 1) ws.send(`drained, ${ws.bufferedAmount} bytes left`);
    }

    @OnClose()
    close(_ws: Connector, code: number) {
      closed.fire(code);
    }
  }
  return { state, pushed: pushed.promise, closed: closed.promise, Pusher };
}

/** Opens a raw client that has stopped reading, and makes the server push PUSHES chunks to it. */
async function stalledClient(port: number, pushed: Promise<Push>): Promise<{ raw: RawSocket; push: Push }> {
  const raw = await rawUpgrade(port, '/push');
  raw.socket.pause();
  raw.write(frame(0x1, 'go'));
  return { raw, push: await within(pushed, 'the pushes') };
}

/** Reads binary frames until the first text frame, which it returns with the count. */
async function readUntilText(raw: RawSocket): Promise<{ binary: number; text: string }> {
  let binary = 0;
  for (;;) {
    const f = await raw.next(10_000);
    if (f.opcode !== BINARY) return { binary, text: f.payload.toString('utf8') };
    binary++;
  }
}

test('past maxBackpressure frames are dropped (send → false), the buffer stays bounded, and @OnDrain fires once the reader catches up', async () => {
  const { pushed, Pusher } = pusher(false);
  const { port } = await start({ routes: [Pusher] });
  const { raw, push } = await stalledClient(port, pushed);
  expect(push.dropped).toBeGreaterThan(0);
  expect(push.sent + push.dropped).toBe(PUSHES);
  // uWS takes a frame while less than maxBackpressure is buffered, so the bound is the limit plus one frame.
  expect(push.maxBuffered).toBeLessThanOrEqual(LIMIT + CHUNK + 14);
  raw.socket.resume();
  const { binary, text } = await readUntilText(raw);
  expect(binary).toBe(push.sent);
  expect(text).toMatch(/^drained, \d+ bytes left$/);
  raw.write(frame(0x1, 'still here'));
  expect((await raw.next()).payload.toString()).toBe('echo:still here');
  raw.destroy();
});

test('closeOnBackpressureLimit: a reader past maxBackpressure is closed (uWS v20.30: 1006, TCP dropped, right after the handler)', async () => {
  const { pushed, closed, Pusher } = pusher(true);
  const { port } = await start({ routes: [Pusher] });
  const { raw, push } = await stalledClient(port, pushed);
  // Within the handler the socket is still open: sends past the limit return false.
  expect(push.dropped).toBeGreaterThan(0);
  expect(await within(closed, '@OnClose of the stalled reader')).toBe(1006);
  raw.socket.resume();
  const { frames } = await raw.end();
  // What the kernel had already taken arrives; what uWS buffered is discarded, with no close frame.
  expect(frames.length).toBeLessThanOrEqual(push.sent);
  expect(frames.every((f) => f.opcode === BINARY)).toBe(true);
});

test('a rejecting @OnDrain is logged; the connection stays usable', async () => {
  const { state, pushed, Pusher } = pusher(false, true);
  const logger = recordingLogger();
  const { port } = await start({ routes: [Pusher], logger });
  const { raw, push } = await stalledClient(port, pushed);
  raw.socket.resume();
  // Every frame sent arrives; only then is 'after' sent, so that its echo is not itself dropped for a
  // buffer still past maxBackpressure (node:http may read it before it has flushed what waits).
  for (let i = 0; i < push.sent; i++) expect((await raw.next(10_000)).opcode).toBe(BINARY);
  raw.write(frame(0x1, 'after'));
  expect((await raw.next(10_000)).payload.toString()).toBe('echo:after');
  expect(state.drains).toBeGreaterThan(0);
  expect(logger.errors.length).toBe(state.drains);
  expect(logger.errors[0]!.message).toMatch(/^switchboard: a handler of Pusher \(@OnDrain\) rejected on connection \S+$/);
  raw.destroy();
});

test('@OnDrain declaration mistakes fail at register, naming the fix', () => {
  @WebSocketRoute('/two-drains')
  class TwoDrains {
    @OnDrain()
    a() {}

    @OnDrain()
    b() {}
  }
  @WebSocketRoute('/drain-text')
  class DrainText {
    @OnDrain()
    drain(ws: Connector, text: string) {
      return [ws, text];
    }
  }
  expect(() => new App({ routes: [TwoDrains] })).toThrow(
    'TwoDrains declares two @OnDrain handlers (a and b). Keep one and call the other from it. [SWB_ERR_DUPLICATE_HANDLER]',
  );
  expect(() => new App({ routes: [DrainText] })).toThrow(
    'DrainText.drain: parameter #1 (String) asks for a String (read as a message or close code), which @OnDrain does not have. Remove it, or mark it with @Inject/@Query/@Param/@Header. [SWB_ERR_UNRESOLVED_PARAMETER]',
  );
});

describe('app.close() and a reader with frames still buffered', () => {
  test('it gets every frame, then its 1001: the close frame waits for the drain instead of being lost', async () => {
    const { pushed, closed, Pusher } = pusher(false);
    const { app, port } = await start({ routes: [Pusher] });
    const { raw, push } = await stalledClient(port, pushed);
    const closing = app.close({ timeout: 10_000 });
    raw.socket.resume();
    let binary = 0;
    let last = await raw.next(10_000);
    while (last.opcode === BINARY) {
      binary++;
      last = await raw.next(10_000);
    }
    expect([binary, last]).toEqual([push.sent, { opcode: 0x8, payload: closePayload(1001, 'Server shutting down') }]);
    raw.write(frame(0x8, closePayload(1001)));
    await within(closing, 'app.close()', 15_000);
    expect(await closed).toBe(1001);
    raw.destroy();
  });

  test('one that never reads holds app.close() up to its timeout, which then goes on and says so', async () => {
    const { pushed, closed, Pusher } = pusher(false);
    const logger = recordingLogger();
    const { app, port } = await start({ routes: [Pusher], logger });
    const { raw } = await stalledClient(port, pushed);
    await within(app.close({ timeout: 300 }), 'app.close()', 5000);
    expect(logger.warnings).toEqual(['switchboard: app.close() gave up after 300 ms on 1 client(s) not reading what was sent to them.']);
    expect(await closed).toBe(1001);
    raw.destroy();
  });
});
