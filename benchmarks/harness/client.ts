/**
 * A WebSocket client on a raw TCP socket: the HTTP upgrade written by hand, Socket.IO's handshake
 * when the server speaks it, then every server frame counted by FrameReader. Pings (WebSocket and
 * engine.io) are answered here so the load modes only ever see replies.
 */
import * as net from 'node:net';
import { buildClientFrame, CLOSE_FRAME, FrameReader, OPCODE_CLOSE, OPCODE_PING, PONG_FRAME, type FrameSink } from './frames';
import type { Protocol } from './protocols';

/** Where every socket's reads land (net.connect's onread); each read is parsed before the next. */
const readBuffer = Buffer.allocUnsafe(256 * 1024);

/**
 * What reached this generator, over every connection: bytes read and reads (one per TCP chunk handed to
 * JS). Per delivery, they show how well a server batches: fewer, larger reads cost the generator less.
 */
export const wireCounters = { bytes: 0, reads: 0 };

export interface Target {
  port: number;
  path: string;
  protocol: Protocol;
}

const EIO_PONG = buildClientFrame('3');
const SIO_CONNECT = buildClientFrame('40');
const CH_0 = 0x30; // engine.io "open"
const CH_2 = 0x32; // engine.io "ping"
const CH_4 = 0x34; // engine.io "message" (Socket.IO packets, e.g. "40" connect ack)

/** Called once per TCP chunk that held at least one reply, with how many. */
export type RepliesHandler = (conn: Conn, count: number) => void;

export function upgradeRequest(target: Target): Buffer {
  return Buffer.from(
    `GET ${target.path} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    'latin1',
  );
}

export class Conn implements FrameSink {
  readonly reader: FrameReader;
  /** Replies counted in the chunk being parsed. */
  private pending = 0;
  private handshake: ((first: number) => void) | null = null;
  onReplies: RepliesHandler = () => undefined;
  /** Set when the connection closed or failed; the load modes treat that as an error. */
  closed = false;
  closedBy = '';
  /** Free slot for the load mode's per-connection state (no closures per connection). */
  index = 0;

  constructor(
    readonly socket: net.Socket,
    private readonly protocol: Protocol,
  ) {
    this.reader = new FrameReader(this);
  }

  onMessage(length: number, first: number): void {
    if (this.handshake !== null) {
      this.handshake(first);
      return;
    }
    if (this.protocol === 'socketio' && length === 1 && first === CH_2) {
      this.socket.write(EIO_PONG);
      return;
    }
    this.pending++;
  }

  onControl(opcode: number): void {
    if (opcode === OPCODE_PING) this.socket.write(PONG_FRAME);
    else if (opcode === OPCODE_CLOSE && !this.closed) {
      this.closed = true;
      this.closedBy = 'server sent a close frame';
    }
  }

  /** Feeds `chunk[0, end)`; hot path. */
  data(chunk: Buffer, end = chunk.length): void {
    this.pending = 0;
    this.reader.push(chunk, end);
    if (this.pending > 0) this.onReplies(this, this.pending);
  }

  /** Sends a close frame and half-closes; the socket is destroyed if the server does not finish within `ms`. */
  close(ms = 2000): Promise<void> {
    return new Promise((resolve) => {
      const s = this.socket;
      if (s.destroyed) return resolve();
      const timer = setTimeout(() => {
        s.destroy();
        resolve();
      }, ms);
      s.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.closed = true;
      this.closedBy = 'client';
      s.end(CLOSE_FRAME);
    });
  }

  /** Waits for the Socket.IO handshake: engine.io "0{…}", we send "40", server acks "40{…}". */
  socketIoHandshake(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.handshake = null;
        reject(new Error('Socket.IO handshake timed out'));
      }, timeoutMs);
      let opened = false;
      this.handshake = (first) => {
        if (!opened && first === CH_0) {
          opened = true;
          this.socket.write(SIO_CONNECT);
        } else if (opened && first === CH_4) {
          this.handshake = null;
          clearTimeout(timer);
          resolve();
        }
      };
    });
  }
}

/**
 * Opens one connection and resolves once it is ready for messages (after the upgrade, and for
 * Socket.IO after its connect ack). Rejects on a non-101 answer, an error or `timeoutMs`.
 */
export function connect(target: Target, request: Buffer, timeoutMs: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    let head: Buffer | null = Buffer.alloc(0);
    // Every read lands in one shared buffer and is parsed at once: no Buffer allocated and no 'data'
    // event emitted per read, which is most of the generator's cost when 1,000 sockets each receive a
    // few small frames per read (the broadcast load).
    const socket = net.connect({
      host: '127.0.0.1',
      port: target.port,
      onread: {
        buffer: readBuffer,
        callback: (n: number): boolean => {
          wireCounters.bytes += n;
          wireCounters.reads++;
          onData(n);
          return true;
        },
      },
    });
    socket.setNoDelay(true);
    const conn = new Conn(socket, target.protocol);
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(`${target.path}: ${why}`));
    };
    const timer = setTimeout(() => fail(`upgrade timed out after ${timeoutMs} ms`), timeoutMs);
    socket.on('error', (err) => {
      if (!conn.closed) {
        conn.closed = true;
        conn.closedBy = err.message;
      }
      fail(err.message);
    });
    socket.on('close', () => {
      if (!conn.closed) {
        conn.closed = true;
        conn.closedBy = 'socket closed by the server';
      }
      fail('socket closed during the upgrade');
    });
    socket.on('connect', () => socket.write(request));
    const onData = (n: number): void => {
      if (head === null) {
        conn.data(readBuffer, n);
        return;
      }
      const chunk = Buffer.from(readBuffer.subarray(0, n)); // the shared buffer is reused by the next read
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const endOfHead = head.indexOf('\r\n\r\n');
      if (endOfHead < 0) {
        if (head.length > 16384) fail('upgrade response header too long');
        return;
      }
      const status = head.toString('latin1', 0, head.indexOf('\r\n'));
      if (!/^HTTP\/1\.1 101/.test(status)) return fail(`upgrade refused: ${status}`);
      const rest = head.subarray(endOfHead + 4);
      head = null;
      const ready = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(conn);
      };
      if (target.protocol === 'socketio') {
        conn.socketIoHandshake(timeoutMs).then(ready, (e: Error) => fail(e.message));
      }
      if (rest.length > 0) conn.data(rest);
      if (target.protocol !== 'socketio') ready();
    };
  });
}

/** Opens `count` connections, at most `parallel` upgrades at a time. Rejects on the first failure. */
export async function connectMany(target: Target, count: number, parallel: number, timeoutMs: number): Promise<Conn[]> {
  const request = upgradeRequest(target);
  const conns: Conn[] = [];
  let next = 0;
  const state: { failure: Error | null } = { failure: null };
  const worker = async (): Promise<void> => {
    while (next < count && state.failure === null) {
      next++;
      try {
        conns.push(await connect(target, request, timeoutMs));
      } catch (err) {
        state.failure ??= err instanceof Error ? err : new Error(String(err));
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(parallel, count); i++) workers.push(worker());
  await Promise.all(workers);
  if (state.failure !== null) {
    destroyAll(conns);
    throw state.failure;
  }
  conns.forEach((c, i) => (c.index = i));
  return conns;
}

export function destroyAll(conns: readonly Conn[]): void {
  for (const c of conns) {
    c.closed = true;
    c.closedBy = 'client';
    c.socket.destroy();
  }
}

/** Closes every connection gracefully, in parallel, bounded by `ms`. */
export async function closeAll(conns: readonly Conn[], ms = 3000): Promise<void> {
  await Promise.all(conns.map((c) => c.close(ms)));
}

/**
 * Sends one message on a fresh connection and checks the server's first reply is exactly `expected`
 * (catches a server that answers with an error frame, or the wrong framing, before any load runs).
 */
export async function probe(target: Target, request: string, expected: string | RegExp, timeoutMs: number): Promise<void> {
  const conn = await connect(target, upgradeRequest(target), timeoutMs);
  try {
    const got = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      const parts: Buffer[] = [];
      conn.reader.captured = parts;
      conn.onReplies = () => {
        clearTimeout(timer);
        resolve(Buffer.concat(parts).toString('utf8'));
      };
      conn.socket.write(buildClientFrame(request));
    });
    if (typeof expected === 'string' ? got !== expected : !expected.test(got)) {
      const cut = (s: string): string => (s.length > 120 ? `${s.slice(0, 120)}… (${s.length} chars)` : s);
      throw new Error(`wrong reply: expected ${typeof expected === 'string' ? cut(expected) : String(expected)}, got ${cut(got)}`);
    }
  } finally {
    await conn.close(1000);
  }
}
