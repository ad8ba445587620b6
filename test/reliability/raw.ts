/**
 * A raw TCP WebSocket client for the reliability suite: requests and frames are built by hand, so a test
 * can send what no well-behaved client would (bad keys, reserved bits, oversized or malformed frames).
 * Every wait has a timeout.
 */
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { within } from '../helpers';

export const HOST = '127.0.0.1';

/** A valid Sec-WebSocket-Key: base64 of 16 random bytes. */
export function wsKey(): string {
  return randomBytes(16).toString('base64');
}

export interface FrameOptions {
  fin?: boolean;
  /** RSV1–3 as a 3-bit number. */
  rsv?: number;
  /** Clients must mask; false sends an unmasked frame. */
  mask?: boolean;
}

/** One WebSocket frame, masked as a client sends it unless told otherwise. */
export function frame(opcode: number, payload: Buffer | string, { fin = true, rsv = 0, mask = true }: FrameOptions = {}): Buffer {
  const body = Buffer.from(payload);
  const len = body.length;
  const head = Buffer.alloc(len < 126 ? 2 : len < 65536 ? 4 : 10);
  head[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  if (len < 126) head[1] = len;
  else if (len < 65536) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!mask) return Buffer.concat([head, body]);
  head[1] |= 0x80;
  const key = randomBytes(4);
  for (let i = 0; i < body.length; i++) body[i]! ^= key[i & 3]!;
  return Buffer.concat([head, key, body]);
}

/** A close frame's payload: the code, then the reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code, 0);
  b.write(reason, 2);
  return b;
}

export interface ServerFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

export interface HttpHead {
  readonly status: number;
  /** Lower-cased names. */
  readonly headers: Record<string, string>;
}

/** A raw connection: the HTTP head of the response, then the server's frames as they arrive. */
export class RawSocket {
  private buffer = Buffer.alloc(0);
  private headRead = false;
  private readonly frames: ServerFrame[] = [];
  private wake: (() => void) | null = null;
  /** Resolves when the TCP connection has ended (either side), with whether it ended in an error. */
  readonly ended: Promise<{ error: string | null }>;
  head: HttpHead | null = null;

  constructor(readonly socket: Socket) {
    let error: string | null = null;
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    this.ended = new Promise((resolve) =>
      socket.on('close', () => {
        this.poke();
        resolve({ error });
      }),
    );
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
      this.poke();
    });
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private parse(): void {
    if (!this.headRead) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      this.head = { status: Number(lines[0]!.split(' ')[1]), headers };
      this.headRead = true;
      this.buffer = this.buffer.subarray(end + 4);
    }
    // A rejected upgrade has a body, not frames.
    if (this.head?.status !== 101) return;
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      let len = b[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + len) return;
      this.frames.push({ opcode: b[0]! & 0x0f, payload: Buffer.from(b.subarray(offset, offset + len)) });
      this.buffer = b.subarray(offset + len);
    }
  }

  private async until<T>(what: string, ms: number, ready: () => T | undefined): Promise<T> {
    return within(
      (async () => {
        for (;;) {
          const value = ready();
          if (value !== undefined) return value;
          if (this.socket.destroyed) throw new Error(`The connection ended before ${what}`);
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      })(),
      what,
      ms,
    );
  }

  /** The HTTP response head (101 for an accepted upgrade). */
  response(ms?: number): Promise<HttpHead> {
    return this.until('the HTTP response', ms ?? 5000, () => this.head ?? undefined);
  }

  /** The body of a response that is not an upgrade, read up to its Content-Length. */
  async body(ms?: number): Promise<string> {
    const head = await this.response(ms);
    const length = Number(head.headers['content-length'] ?? 0);
    return this.until('the response body', ms ?? 5000, () => (this.buffer.length >= length ? this.buffer.subarray(0, length).toString('utf8') : undefined));
  }

  /** The next frame the server sent. */
  next(ms?: number): Promise<ServerFrame> {
    return this.until('the next frame', ms ?? 5000, () => this.frames.shift());
  }

  /** The end of the TCP connection, and the frames that came before it. */
  async end(ms = 5000): Promise<{ frames: ServerFrame[]; error: string | null }> {
    const { error } = await within(this.ended, 'the end of the connection', ms);
    return { frames: this.frames.splice(0), error };
  }

  write(data: Buffer | string): void {
    this.socket.write(data);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Opens a TCP connection and writes `request` (an HTTP request head) as one write. */
export function rawRequest(port: number, request: string): Promise<RawSocket> {
  const socket = tcpConnect(port, HOST);
  const raw = new RawSocket(socket);
  return within(
    new Promise<RawSocket>((resolve, reject) => {
      socket.once('connect', () => {
        socket.write(request);
        resolve(raw);
      });
      socket.once('error', reject);
    }),
    'the TCP connection',
  );
}

/** An upgrade request head; `headers` replaces or (with null) removes the defaults. */
export function upgradeRequest(port: number, path: string, headers: Record<string, string | null> = {}, extra = ''): string {
  const all: Record<string, string | null> = {
    Host: `${HOST}:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': wsKey(),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all).filter((e): e is [string, string] => e[1] !== null);
  return `GET ${path} HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}${extra}\r\n`;
}

/** A raw WebSocket connection, upgraded (asserts 101). */
export async function rawUpgrade(port: number, path: string, headers: Record<string, string | null> = {}): Promise<RawSocket> {
  const raw = await rawRequest(port, upgradeRequest(port, path, headers));
  const head = await raw.response();
  if (head.status !== 101) throw new Error(`Expected 101, got ${head.status}`);
  return raw;
}
