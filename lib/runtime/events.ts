/**
 * The JSON event wire format (docs/events.md): `{"event":"chat","data":…,"id"?:…}` in,
 * `{"event":"chat","id"?:…,"data":…}` or `{"event":"chat","id"?:…,"error":{…}}` out.
 */
import type { StandardIssue } from '../contract/standard-schema';
import { WsError } from '../util/errors';
import { parseJson, type JsonPolicy } from '../util/json';

export interface EventFrame {
  readonly event: string;
  readonly data: unknown;
  /** The client's correlation id, copied into the reply; undefined when absent. */
  readonly id: unknown;
}

const decoder = new TextDecoder();
const OPEN_BRACE = 0x7b;

/**
 * The envelope of a text frame, or null when it is not one (not JSON, not an object, no string
 * `event`). Frames that cannot be an object are rejected on their first byte, without parsing.
 * Throws an `invalid_json` WsError when the frame (its `data` or any other part) has a prototype key
 * the App's policy refuses.
 */
export function parseEventFrame(data: ArrayBuffer, policy: JsonPolicy): EventFrame | null {
  const bytes = new Uint8Array(data, 0, Math.min(data.byteLength, 64));
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] !== OPEN_BRACE) return null;
  let value: unknown;
  try {
    value = parseJson(decoder.decode(data), policy);
  } catch (error) {
    if (error instanceof WsError) throw error;
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { event, data: payload, id } = value as { event?: unknown; data?: unknown; id?: unknown };
  return typeof event === 'string' ? { event, data: payload, id } : null;
}

/** A handler's return value as an event reply. An `id` is always answered (data null when nothing). */
export function eventReply(event: string, id: unknown, value: unknown): string | null {
  if (id === undefined) return value === undefined || value === null || value === '' ? null : JSON.stringify({ event, data: value });
  return JSON.stringify({ event, id, data: value ?? null });
}

export function eventError(event: string | null, id: unknown, code: string, message: string, issues?: readonly StandardIssue[]): string {
  const error = issues === undefined ? { code, message } : { code, message, issues: issues.map(plainIssue) };
  if (event === null) return JSON.stringify(id === undefined ? { error } : { id, error });
  return JSON.stringify(id === undefined ? { event, error } : { event, id, error });
}

/** Issues as JSON: the message and a path of plain keys. */
function plainIssue(issue: StandardIssue): { message: string; path?: PropertyKey[] } {
  if (issue.path === undefined) return { message: issue.message };
  return { message: issue.message, path: issue.path.map((p) => (typeof p === 'object' ? p.key : p)).map((k) => (typeof k === 'symbol' ? k.toString() : k)) };
}
