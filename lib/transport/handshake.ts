/**
 * Checks the framework makes on every request before any app code runs (docs/limits.md): the size
 * caps uWS v20.30 does not enforce when a request arrives in one read, and the WebSocket handshake
 * headers it does not validate. Pure functions over the copied request, so transport/uws.ts stays thin.
 */
import { STATUS_CODES } from 'node:http';
import { refusalCloseCode, SUBPROTOCOL, withWindow } from '../contract/wire';
import { HttpError } from '../util/errors';
import { integerIn } from '../util/validate';

/** Request-size caps, app-wide (App options of the same names). */
export interface RequestLimits {
  /** Request headers, at most. uWS v20.30 itself parses no more than 48. */
  readonly maxHeaderCount: number;
  /** Bytes of one header (name and value). */
  readonly maxHeaderLineBytes: number;
  /** Bytes of all headers (names and values). */
  readonly maxHeaderBytes: number;
  /** Characters of the path and query string together. */
  readonly maxUrlLength: number;
  /** `&`-separated parameters in the query string. */
  readonly maxQueryParams: number;
}

export const requestLimitDefaults: RequestLimits = Object.freeze({
  maxHeaderCount: 48,
  maxHeaderLineBytes: 8192,
  maxHeaderBytes: 16384,
  maxUrlLength: 8192,
  maxQueryParams: 256,
});

/** uWS v20.30 parses at most this many headers; it never hands on a request with more (docs/limits.md). */
export const UWS_MAX_HEADERS = 48;

/** The App options of the same names, checked; absent ones take their defaults. */
export function resolveRequestLimits(where: string, options: { readonly [K in keyof RequestLimits]?: number }): RequestLimits {
  const limits: Record<string, number> = {};
  for (const key of Object.keys(requestLimitDefaults) as (keyof RequestLimits)[]) {
    const value = options[key];
    limits[key] = value === undefined ? requestLimitDefaults[key] : integerIn(where, key, value, 1, key === 'maxHeaderCount' ? UWS_MAX_HEADERS : 2 ** 31 - 1);
  }
  return Object.freeze(limits as unknown as RequestLimits);
}

const AMPERSAND = 0x26;

function queryParamCount(query: string): number {
  if (query === '') return 0;
  let count = 1;
  for (let i = query.indexOf('&'); i !== -1; i = query.indexOf('&', i + 1)) count++;
  return query.charCodeAt(query.length - 1) === AMPERSAND ? count - 1 : count;
}

/**
 * 414 for a URL or query past its caps, 431 for headers past theirs, null when within them.
 * `headers` alternates names and values. Header sizes count UTF-16 code units, which equal bytes for
 * the Latin-1 text HTTP headers are made of.
 */
export function checkRequestLimits(limits: RequestLimits, url: string, query: string, headers: readonly string[]): HttpError | null {
  if (url.length + query.length > limits.maxUrlLength) return new HttpError(414, `URL longer than ${limits.maxUrlLength} characters`);
  if (queryParamCount(query) > limits.maxQueryParams) return new HttpError(414, `More than ${limits.maxQueryParams} query parameters`);
  if (headers.length / 2 > limits.maxHeaderCount) return new HttpError(431, `More than ${limits.maxHeaderCount} headers`);
  let total = 0;
  for (let i = 0; i < headers.length; i += 2) {
    const line = headers[i]!.length + headers[i + 1]!.length;
    if (line > limits.maxHeaderLineBytes) return new HttpError(431, `A header is longer than ${limits.maxHeaderLineBytes} bytes`);
    total += line;
  }
  if (total > limits.maxHeaderBytes) return new HttpError(431, `Headers longer than ${limits.maxHeaderBytes} bytes in total`);
  return null;
}

/** 22 base64 characters and "==": exactly 16 bytes, as RFC 6455 §4.1 requires of the key. */
const KEY = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/**
 * RFC 6455 §4.2.1: a `Sec-WebSocket-Key` that is not base64 of 16 bytes → 400; a
 * `Sec-WebSocket-Version` other than 13 → 426 (the response then names the version it speaks).
 */
export function checkHandshake(key: string, version: string): HttpError | null {
  if (!KEY.test(key)) return new HttpError(400, 'Sec-WebSocket-Key must be 16 bytes of base64');
  if (version !== '13') return new HttpError(426, 'Sec-WebSocket-Version must be 13');
  return null;
}

/** True when a Sec-WebSocket-Protocol header offers switchboard's own subprotocol among its comma-separated tokens. */
export function offersSwitchboard(offered: string): boolean {
  if (!offered.includes(SUBPROTOCOL)) return false;
  return offered.split(',').some((token) => token.trim() === SUBPROTOCOL);
}

/** A refused upgrade as every transport answers it: the status, its extra headers and the message. */
export interface Refusal {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly message: string;
  /** The HttpError's `retryAfter`, in seconds; null when it said none. */
  readonly retryAfter: number | null;
}

/** How an upgrade refused with `error` is answered: an HttpError's status, else 500. */
export function refusalOf(error: unknown): Refusal {
  const http = error instanceof HttpError ? error : null;
  const status = http === null ? 500 : http.status;
  const retryAfter = http === null ? null : http.retryAfter;
  const headers: [string, string][] = [];
  // RFC 6455 §4.4: a 426 names the version the server speaks.
  if (status === 426) headers.push(['sec-websocket-version', '13']);
  if (retryAfter !== null) headers.push(['retry-after', String(retryAfter)]);
  return { status, headers, message: (http === null ? '' : http.message) || STATUS_CODES[status] || '', retryAfter };
}

const encoder = new TextEncoder();
/** A close frame's reason is at most 123 bytes (RFC 6455 §5.5: 125 bytes of payload, 2 of them the code). */
const closeReasonBuffer = new Uint8Array(123);

/**
 * A close reason of at most 123 bytes of UTF-8: `message` cut at a character boundary, then the hint of
 * a `windowMs` reconnect window when one is given (-1: none), which is never cut.
 */
export function closeReason(message: string, windowMs: number): string {
  const hint = windowMs < 0 ? '' : withWindow('', windowMs);
  const { read } = encoder.encodeInto(message, closeReasonBuffer.subarray(0, closeReasonBuffer.length - hint.length));
  return message.slice(0, read) + hint;
}

/**
 * The close frame that refuses an upgrade to a client offering the switchboard subprotocol: code 4000 +
 * the HTTP status, the message as reason, and a `Retry-After` as the window of the client's reconnect.
 */
export function refusalClose(refusal: Refusal): { readonly code: number; readonly reason: string } {
  return { code: refusalCloseCode(refusal.status), reason: closeReason(refusal.message, refusal.retryAfter === null ? -1 : refusal.retryAfter * 1000) };
}
