/**
 * The flooding client of the fairness test, in its own process: a flood written from the process that also
 * runs the measuring clients blocks their event loop for as long as the kernel takes its writes (measured:
 * up to some 200 ms per burst once the server discards what it reads), and the test then measures itself,
 * not the server. Here the flood has its own event loop, as an abusive client on another machine would.
 *
 * It upgrades `path`, writes 32-byte text frames 1,024 per write for as long as the socket takes them, never
 * reads what comes back (or, given `reads`, reads and ignores it), and reconnects at once whenever the server
 * closes it. Arguments: port, path, and `reads` or nothing.
 * Over IPC, `stats` answers with what it has done so far.
 */
import { connect as tcpConnect } from 'node:net';
import { frame, HOST, wsKey } from '../raw';

export interface FloodStats {
  /** Upgrades the server accepted, and the ones it refused (any status but 101). */
  upgrades: number;
  refused: number;
  /** 32-byte frames handed to the kernel. */
  frames: number;
}

const [port, path, reads] = [Number(process.argv[2]), process.argv[3]!, process.argv[4] === 'reads'];
const TEXT = 0x1;
const FRAMES_PER_WRITE = 1024;
const batch = Buffer.concat(Array.from({ length: FRAMES_PER_WRITE }, () => frame(TEXT, 'y'.repeat(32))));
const stats: FloodStats = { upgrades: 0, refused: 0, frames: 0 };

function start(): void {
  const socket = tcpConnect({ host: HOST, port }, () =>
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${wsKey()}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ),
  );
  let upgraded = false;
  socket.on('data', (chunk: Buffer) => {
    if (upgraded) return;
    if (!chunk.toString('latin1').startsWith('HTTP/1.1 101')) {
      stats.refused++;
      socket.destroy();
      return;
    }
    upgraded = true;
    stats.upgrades++;
    // It never reads again: what the server sends waits in the kernel (so it does not see a close either,
    // until the server drops the connection). With `reads`, it reads and ignores it: it sees a close at once.
    if (!reads) socket.pause();
    const pump = (): void => {
      while (!socket.destroyed) {
        // Counted once the kernel has the frames, or node's buffer (a write that returns false has queued them).
        stats.frames += FRAMES_PER_WRITE;
        if (!socket.write(batch)) return;
      }
    };
    socket.on('drain', pump);
    pump();
  });
  socket.on('error', () => undefined);
  // At once, as an abusive client would; setImmediate only so that a refusal loop still lets IPC through.
  socket.on('close', () => setImmediate(start));
}

process.on('message', (request: { seq: number }) => process.send!({ seq: request.seq, reply: stats }));
// The test kills it; this only bounds its life if the test process dies first.
process.on('disconnect', () => process.exit(0));
start();
