/**
 * The responses both transports write themselves: the JSON error of a status they decide (404, 413,
 * 431…), and the plain-text refusal of an upgrade. Built here once, written by each transport its own way.
 */
import { STATUS_CODES } from 'node:http';
import { refusalOf } from './handshake';
import { jsonError, type HttpResult } from './types';

/** `404 Not Found`: a status and its reason phrase, as a status line carries them. */
export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}

/** The JSON error response for a status the transport decides (404, 413, 431…). */
export function statusResult(status: number): HttpResult {
  return jsonError(status, STATUS_CODES[status] ?? '');
}

const PLAIN_TEXT: readonly [string, string] = ['content-type', 'text/plain; charset=utf-8'];

/** A refused upgrade as an HTTP response: its status, headers (Retry-After, a 426's version) and message. */
export function refusalResult(error: unknown): HttpResult {
  const { status, headers, message } = refusalOf(error);
  return { status, headers: [...headers, PLAIN_TEXT], body: message };
}
