/**
 * The JSON event wire format (docs/events.md): `{"event":"chat","data":…,"id"?:…}` in,
 * `{"event":"chat","id"?:…,"data":…}` or `{"event":"chat","id"?:…,"error":{…}}` out.
 */
import type { StandardIssue } from '../contract/standard-schema';
import { WsError } from '../util/errors';
import { parseJson, type JsonPolicy } from '../util/json';

// ignoreBOM: the text goes on to the plain handler when it is no event frame, and a leading U+FEFF is part of the message as sent.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const OPEN_BRACE = 0x7b;

/** A text frame's payload (the transport has already refused text frames that are not UTF-8). */
export function decodeText(data: ArrayBuffer): string {
  return decoder.decode(data);
}

/**
 * The JSON object a text frame holds, or undefined when it holds none (not JSON, or not an object).
 * Text that cannot be an object is told by its first character, without parsing. Throws an
 * `invalid_json` WsError when the text has a prototype key the App's policy refuses.
 */
export function jsonObjectOf(text: string, policy: JsonPolicy): Record<string, unknown> | undefined {
  let i = 0;
  let c = text.charCodeAt(0);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
  if (c !== OPEN_BRACE) return undefined;
  try {
    // Text that starts with "{" and parses is an object.
    return parseJson(text, policy) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof WsError) throw error;
    return undefined;
  }
}

/** The event and correlation id of a text frame, or null when it is no event frame (for refusals that name them). */
export function eventOf(data: ArrayBuffer, policy: JsonPolicy): { readonly event: string; readonly id: unknown } | null {
  const value = jsonObjectOf(decodeText(data), policy);
  const event = value === undefined ? undefined : value.event;
  return typeof event === 'string' ? { event, id: value!.id } : null;
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
