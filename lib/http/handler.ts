/**
 * The HTTP side of an App (docs/http.md): request parsing and the value → response mapping.
 * Transport-agnostic: the transport reads the request and writes the HttpResult.
 */
import { STATUS_CODES } from 'node:http';
import { decodeParams } from '../compile/pattern';
import { jsonError, type HttpResult, type RawHttpRequest } from '../transport/types';
import { HttpError, WsError } from '../util/errors';
import { parseJson, type JsonPolicy } from '../util/json';
import type { Logger } from '../util/validate';

/** What an HTTP handler receives. */
export interface HttpRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly queryParams: URLSearchParams;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** JSON → parsed value, text/* → string, anything else → Buffer; undefined when empty. */
  readonly body: unknown;
}

/**
 * An HTTP handler. Returns: a string → text/html; an object, array, number or boolean → JSON; bytes →
 * application/octet-stream; a WHATWG Response → as it is; undefined → 204. Throw HttpError for a status.
 */
export type HttpHandler = (req: HttpRequest) => unknown;

function parseBody(body: Buffer | null, contentType: string | undefined, json: JsonPolicy): unknown {
  if (body === null) return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return parseJson(body.toString('utf8'), json);
    } catch (error) {
      // A refused prototype key names itself; JSON.parse's message says where the syntax broke.
      throw new HttpError(400, error instanceof WsError ? error.message : `Invalid JSON body: ${(error as Error).message}`);
    }
  }
  if (type.startsWith('text/') || type === 'application/x-www-form-urlencoded') return body.toString('utf8');
  return body;
}

async function toResult(value: unknown): Promise<HttpResult> {
  if (value === undefined || value === null) return { status: 204, headers: [], body: '' };
  if (typeof value === 'string') return { status: 200, headers: [['content-type', 'text/html; charset=utf-8']], body: value };
  if (value instanceof Response) {
    const headers: [string, string][] = [];
    value.headers.forEach((v, k) => headers.push([k, v]));
    return { status: value.status, headers, body: new Uint8Array(await value.arrayBuffer()) };
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { status: 200, headers: [['content-type', 'application/octet-stream']], body: bytes };
  }
  return { status: 200, headers: [['content-type', 'application/json']], body: JSON.stringify(value) };
}

/** Wraps an app handler into a transport handler that never rejects. */
export function httpHandler(
  handler: HttpHandler,
  paramNames: readonly string[],
  label: string,
  logger: Logger,
  json: JsonPolicy,
): (raw: RawHttpRequest) => Promise<HttpResult> {
  return async (raw) => {
    try {
      const request: HttpRequest = {
        method: raw.method,
        url: raw.url,
        params: decodeParams(paramNames, raw.params),
        queryParams: new URLSearchParams(raw.query),
        headers: raw.headers,
        body: parseBody(raw.body, raw.headers['content-type'], json),
      };
      return await toResult(await handler(request));
    } catch (error) {
      if (error instanceof HttpError) {
        const result = jsonError(error.status, error.message || STATUS_CODES[error.status] || '');
        return error.retryAfter === null ? result : { ...result, headers: [...result.headers, ['retry-after', String(error.retryAfter)]] };
      }
      logger.error(`switchboard: HTTP handler ${label} threw`, error);
      return jsonError(500, 'Internal Server Error');
    }
  };
}
