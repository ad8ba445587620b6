/**
 * The bytes a cross-process bus carries for one publish or one sendTo: a compact binary envelope, so
 * binary frames travel as they are (no base64) and text frames as their UTF-8 bytes.
 *
 *   offset 0  kind          1 byte   1 publish to a topic, 2 send to one connection id, 3 probe,
 *                                    4 presence change (target: the room; payload: JSON, bus/presence-redis.ts),
 *                                    5 a node's report for the inspection page (target empty; payload: JSON),
 *                                    6 a push stored in a shared history (target: the topic; payload:
 *                                      `<epoch>\n<offset>\n<except id or empty>\n<frame>`, bus/history-redis.ts)
 *   offset 1  flags         1 byte   bit 0: the payload is a binary frame (else text)
 *   offset 2  origin length 1 byte   n, then n bytes: the publishing node's id (ASCII)
 *   then      target length 2 bytes  big-endian m, then m bytes: the topic, or the connection id (UTF-8)
 *   then      payload       the rest
 *
 * Kinds 1 and 2 have no "except" field: `exceptSelf` always names a connection of the publishing node,
 * which delivers locally itself and ignores its own echo, so no other node ever has anyone to skip.
 * Kind 6 has one: a stored push is delivered by every node, the publisher's too, only once it has its position.
 */
import type { Payload } from '../transport/types';

export const KIND_PUBLISH = 1;
export const KIND_SEND = 2;
export const KIND_PROBE = 3;
export const KIND_PRESENCE = 4;
export const KIND_REPORT = 5;
export const KIND_STORED = 6;
const FLAG_BINARY = 1;
/** Longest topic or id in bytes (the 2-byte length field). */
const MAX_TARGET_BYTES = 0xffff;

/** A decoded envelope; `payload` is a string for text frames, a view into the message for binary ones. */
export interface Envelope {
  readonly kind: number;
  readonly target: string;
  readonly payload: Payload;
}

/** The envelope header prefix of one node: kind byte left to fill, origin written once. */
export function originHeader(nodeId: string): Buffer {
  const origin = Buffer.from(nodeId, 'latin1');
  if (origin.length === 0 || origin.length > 255) throw new RangeError(`node id must be 1–255 bytes, got ${origin.length}`);
  const header = Buffer.alloc(3 + origin.length);
  header[2] = origin.length;
  origin.copy(header, 3);
  return header;
}

/**
 * One envelope in one allocation. `header` comes from {@link originHeader}.
 * Returns null when the target is longer than the length field allows.
 */
export function encodeEnvelope(header: Buffer, kind: number, target: string, payload: Payload): Buffer | null {
  const targetBytes = Buffer.byteLength(target, 'utf8');
  if (targetBytes > MAX_TARGET_BYTES) return null;
  const text = typeof payload === 'string';
  const payloadBytes = text ? Buffer.byteLength(payload, 'utf8') : payload.byteLength;
  const start = header.length + 2 + targetBytes;
  const out = Buffer.allocUnsafe(start + payloadBytes);
  header.copy(out, 0);
  out[0] = kind;
  out[1] = text ? 0 : FLAG_BINARY;
  out.writeUInt16BE(targetBytes, header.length);
  out.write(target, header.length + 2, targetBytes, 'utf8');
  if (text) out.write(payload, start, payloadBytes, 'utf8');
  else out.set(payload instanceof Uint8Array ? payload : new Uint8Array(payload), start);
  return out;
}

/** True when `message` was published by the node whose header is `header` (its own echo). */
export function isFrom(message: Buffer, header: Buffer): boolean {
  const n = header.length;
  return message.length >= n && message[2] === header[2] && message.compare(header, 3, n, 3, n) === 0;
}

/** Decodes an envelope; null when it is malformed (too short, or an unknown kind). */
export function decodeEnvelope(message: Buffer): Envelope | null {
  if (message.length < 3) return null;
  const kind = message[0]!;
  if (kind !== KIND_PUBLISH && kind !== KIND_SEND && kind !== KIND_PROBE && kind !== KIND_PRESENCE && kind !== KIND_REPORT && kind !== KIND_STORED) return null;
  const at = 3 + message[2]!;
  if (message.length < at + 2) return null;
  const targetEnd = at + 2 + message.readUInt16BE(at);
  if (message.length < targetEnd) return null;
  const target = message.toString('utf8', at + 2, targetEnd);
  // Text is decoded once per node, not per recipient; binary stays a view (uWS copies it on publish).
  const payload = (message[1]! & FLAG_BINARY) === 0 ? message.toString('utf8', targetEnd) : message.subarray(targetEnd);
  return { kind, target, payload };
}
