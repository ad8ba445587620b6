/**
 * Value → frame encoding, shared by handler replies, send, sendTo and broadcast (docs/replies.md).
 */
import type { Payload } from '../transport/types';
import { describe, SwitchboardError } from '../util/errors';

/**
 * Encodes a reply; `null` means "send nothing" (undefined, null, '').
 * Throws SWB_ERR_UNSENDABLE for values that have no frame (functions, symbols, bigints, cycles, Promises).
 */
export function encode(value: unknown): Payload | null {
  switch (typeof value) {
    case 'string':
      return value === '' ? null : value;
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'undefined':
      return null;
    case 'object':
      if (value === null) return null;
      if (value instanceof Uint8Array || value instanceof ArrayBuffer) return value;
      if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return json(value);
    default:
      throw unsendable(value, 'it has no JSON form');
  }
}

function json(value: object): string | null {
  if (typeof (value as { then?: unknown }).then === 'function') throw unsendable(value, 'it is a Promise: await it before sending');
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw unsendable(value, (error as Error).message);
  }
  // JSON.stringify returns undefined when toJSON() does; that is "nothing", like undefined itself.
  return text === undefined ? null : text;
}

function unsendable(value: unknown, why: string): SwitchboardError {
  return new SwitchboardError('SWB_ERR_UNSENDABLE', `Cannot send ${describe(value)} as a WebSocket frame: ${why}.`);
}
