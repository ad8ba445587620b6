/**
 * A client closed for sending too much (1008, far past its rate limit) costs the server little after that:
 * its handler ran for its burst only, another client is answered while it keeps writing, and the portable
 * transport reads nothing more from it, so its writes back up in the kernel, and drops it soon after. uWS has no way to stop reading
 * a WebSocket: it reads on and discards, unparsed (docs/limits.md#fairness). The flooder here never reads,
 * as an abusive client need not.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { Connector, OnMessage, WebSocketRoute } from '../../lib';
import { closeAll, connect, start, within } from '../helpers';
import { frame, HOST, upgradeRequest } from './raw';

afterEach(closeAll);

let handled = 0;

@WebSocketRoute('/echo')
class Echo {
  @OnMessage()
  message(_ws: Connector, text: string) {
    handled++;
    return text;
  }
}

const TEXT = 0x1;
const BURST = 10;
/** Far more than the kernel buffers on both sides of a loopback connection hold (a few MiB). */
const FLOOD_BYTES = 64 * 1024 * 1024;

/** An upgraded TCP connection that never reads after the 101. */
function upgradedWithoutReading(port: number): Promise<Socket> {
  return within(
    new Promise<Socket>((resolve, reject) => {
      const socket = tcpConnect({ host: HOST, port }, () => socket.write(upgradeRequest(port, '/echo')));
      socket.once('error', reject);
      socket.once('data', (chunk: Buffer) => {
        socket.pause();
        if (chunk.toString('latin1').startsWith('HTTP/1.1 101')) resolve(socket);
        else reject(new Error(`upgrade refused: ${chunk.toString('latin1', 0, 40)}`));
      });
    }),
    'the upgrade',
  );
}

/**
 * Writes up to FLOOD_BYTES of 32-byte frames; stops early when the socket's buffer has not drained for
 * `stallMs` (the peer stopped reading). Resolves with the bytes the kernel took and whether it stalled.
 */
function flood(socket: Socket, stallMs: number): Promise<{ taken: number; stalled: boolean }> {
  const batch = Buffer.concat(Array.from({ length: 1024 }, () => frame(TEXT, 'y'.repeat(32))));
  return new Promise((resolve) => {
    let written = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (stalled: boolean): void => {
      clearTimeout(timer);
      socket.off('drain', pump);
      resolve({ taken: socket.bytesWritten - socket.writableLength, stalled });
    };
    function pump(): void {
      clearTimeout(timer);
      while (written < FLOOD_BYTES && !socket.destroyed) {
        written += batch.length;
        if (!socket.write(batch)) {
          timer = setTimeout(() => done(true), stallMs);
          return;
        }
      }
      done(false);
    }
    socket.on('drain', pump);
    pump();
  });
}

test('a client closed for flooding gets no handler past its burst, does not hold up another client, and (portable transport) is read no more', async () => {
  handled = 0;
  const { app, port, url } = await start({ routes: [Echo], rateLimit: { messages: 1, per: 60_000, burst: BURST } });
  const flooder = await upgradedWithoutReading(port);
  try {
    // 3 s without a drain: far longer than uWS, which reads on, ever pauses on a loaded machine.
    const flooding = flood(flooder, 3000);
    const other = await connect(url('/echo'));
    other.send('still answered');
    expect(await other.next()).toBe('still answered');
    const { taken, stalled } = await within(flooding, 'the flood', 20_000);
    expect(handled).toBe(BURST + 1); // the flooder's burst, and the other client's message
    expect(app.metrics()).toContain('switchboard_rate_limit_closes_total{route="/echo"} 1');
    if (app.transport === 'node') {
      expect(stalled).toBe(true);
      expect(taken).toBeLessThan(FLOOD_BYTES / 2);
      // And it is dropped soon (2 s), rather than held unread for ws's 30-second close timeout.
      await within(
        new Promise((resolve) => (flooder.destroyed ? resolve(null) : flooder.once('close', resolve))),
        'the unread connection to be dropped',
        10_000,
      );
    } else {
      // uWS read all of it, and handed none of it on.
      expect(stalled).toBe(false);
    }
  } finally {
    flooder.destroy();
  }
});
