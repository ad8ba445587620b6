/**
 * WebSocket framing for the load generator: client frames are built (and masked) once and reused;
 * server frames are only counted, by parsing their headers, never their payloads. A frame may be
 * split across TCP chunks anywhere, header included, so the reader keeps a tiny state machine.
 */

// A fixed, non-zero key: servers still have to unmask every byte, but we never re-mask.
const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

export const OPCODE_TEXT = 0x1;
export const OPCODE_BINARY = 0x2;
export const OPCODE_CLOSE = 0x8;
export const OPCODE_PING = 0x9;
export const OPCODE_PONG = 0xa;

/** One complete, masked client frame (FIN set). */
export function buildClientFrame(payload: Buffer | string, opcode = OPCODE_TEXT): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const len = body.length;
  const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLen + 4 + len);
  frame[0] = 0x80 | opcode;
  if (len < 126) {
    frame[1] = 0x80 | len;
  } else if (len < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(len), 2);
  }
  MASK.copy(frame, headerLen);
  const start = headerLen + 4;
  for (let i = 0; i < len; i++) frame[start + i] = (body[i] ?? 0) ^ (MASK[i & 3] ?? 0);
  return frame;
}

/** `count` copies of one frame back to back, so n replies can be answered with one write of a view. */
export function repeatFrame(frame: Buffer, count: number): Buffer {
  const out = Buffer.allocUnsafe(frame.length * count);
  for (let i = 0; i < count; i++) frame.copy(out, i * frame.length);
  return out;
}

export const CLOSE_FRAME = buildClientFrame(Buffer.from([0x03, 0xe8]), OPCODE_CLOSE);
export const PONG_FRAME = buildClientFrame(Buffer.alloc(0), OPCODE_PONG);

/** What the reader does with a finished frame. */
export interface FrameSink {
  /** A complete data message (FIN set, opcode text/binary/continuation). `first` is its first payload byte (-1 if empty). */
  onMessage(length: number, first: number): void;
  /** A control frame: ping, pong or close. */
  onControl(opcode: number): void;
}

const enum State {
  Header,
  Payload,
}

/**
 * Counts server frames across chunk boundaries. Server frames are never masked, but a masked one
 * is skipped correctly anyway. With `capture` on, payload bytes are kept (for the correctness probe).
 */
export class FrameReader {
  private state = State.Header;
  private readonly hdr = Buffer.alloc(14);
  private hdrHave = 0;
  private remaining = 0;
  private opcode = 0;
  private fin = false;
  private length = 0;
  private first = -1;
  captured: Buffer[] | null = null;

  constructor(private readonly sink: FrameSink) {}

  /** Reads `chunk[0, end)`; the bytes need not outlive the call (the client reuses one buffer for every read). */
  push(chunk: Buffer, end = chunk.length): void {
    let pos = 0;
    while (pos < end) {
      if (this.state === State.Header) {
        // Fast path: the whole header is inside this chunk and nothing is buffered.
        let need: number;
        if (this.hdrHave === 0 && end - pos >= 2) {
          const b1 = chunk[pos + 1] ?? 0;
          const len7 = b1 & 0x7f;
          need = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
          if (end - pos >= need) {
            this.begin(chunk, pos);
            pos += need;
            if (this.remaining === 0) this.finish();
            continue;
          }
        }
        // Slow path: accumulate header bytes one at a time.
        this.hdr[this.hdrHave++] = chunk[pos++] ?? 0;
        if (this.hdrHave < 2) continue;
        const b1 = this.hdr[1] ?? 0;
        const len7 = b1 & 0x7f;
        need = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
        if (this.hdrHave < need) continue;
        this.begin(this.hdr, 0);
        this.hdrHave = 0;
        if (this.remaining === 0) this.finish();
      } else {
        const take = Math.min(this.remaining, end - pos);
        if (this.first === -1 && take > 0) this.first = chunk[pos] ?? -1;
        if (this.captured !== null) this.captured.push(Buffer.from(chunk.subarray(pos, pos + take)));
        pos += take;
        this.remaining -= take;
        if (this.remaining === 0) this.finish();
      }
    }
  }

  private begin(buf: Buffer, at: number): void {
    const b0 = buf[at] ?? 0;
    const b1 = buf[at + 1] ?? 0;
    this.fin = (b0 & 0x80) !== 0;
    this.opcode = b0 & 0x0f;
    const len7 = b1 & 0x7f;
    let len = len7;
    if (len7 === 126) len = buf.readUInt16BE(at + 2);
    else if (len7 === 127) len = Number(buf.readBigUInt64BE(at + 2));
    this.length = len;
    this.remaining = len;
    this.first = -1;
    this.state = State.Payload;
  }

  private finish(): void {
    this.state = State.Header;
    const op = this.opcode;
    if (op >= 0x8) this.sink.onControl(op);
    else if (this.fin) this.sink.onMessage(this.length, this.first);
  }
}
