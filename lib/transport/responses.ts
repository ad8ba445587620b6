/**
 * The responses both transports write themselves: the JSON error of a status they decide (404, 413,
 * 431…), and the plain-text refusal of an upgrade. Built here once, written by each transport its own way.
 */
import { STATUS_CODES } from 'node:http';
import { HttpError } from '../util/errors';
import { jsonError, type HttpResult } from './types';

/** `404 Not Found`: a status and its reason phrase, as a status line carries them. */
export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}

/** The JSON error response for a status the transport decides (404, 413, 431…). */
export function statusResult(status: number): HttpResult {
  return jsonError(status, STATUS_CODES[status] ?? '');
}

/** The status of a refused upgrade and its text: an HttpError's, else 500. */
export function refusalOf(error: unknown): { status: number; message: string } {
  const status = error instanceof HttpError ? error.status : 500;
  return { status, message: (error instanceof HttpError ? error.message : '') || STATUS_CODES[status] || '' };
}

const VERSION_13: readonly [string, string] = ['sec-websocket-version', '13'];
const PLAIN_TEXT: readonly [string, string] = ['content-type', 'text/plain; charset=utf-8'];

/** A refused upgrade as an HTTP response: its status and message (RFC 6455 §4.4: a 426 names the version the server speaks). */
export function refusalResult(error: unknown): HttpResult {
  const { status, message } = refusalOf(error);
  return { status, headers: status === 426 ? [VERSION_13, PLAIN_TEXT] : [PLAIN_TEXT], body: message };
}
