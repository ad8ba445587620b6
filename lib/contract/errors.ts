/**
 * The errors both clients throw (switchboard/client's and the testing kit's): RequestError for a request
 * that got no reply value, as the server's error frame describes it, and the TypeError thrown for a wrong
 * argument or option, here or in defineChannel() (with the same SWB_ERR_* codes as the server).
 */

/** One problem found by the server's schema: its message and where in `data` (keys and indexes). */
export interface RequestIssue {
  readonly message: string;
  readonly path?: readonly (string | number)[];
}

/**
 * Why a request has no reply value. `code` is one of the client's own — `'timeout'`, `'disconnected'`,
 * `'closed'` — or the code the server answered with (`'validation_failed'` with `issues`,
 * `'unknown_event'`, `'internal_error'`, or an app's `WsError` code).
 * @example
 * try {
 *   await client.request('say', { text });
 * } catch (error) {
 *   if (error instanceof RequestError && error.code === 'validation_failed') showProblems(error.issues);
 * }
 */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly code: string,
    message: string,
    /** Present for `validation_failed`: what the server's schema rejected. */
    readonly issues?: readonly RequestIssue[],
  ) {
    super(message);
  }
}

/** The codes the client throws with; the server's error table lists them. */
export type ClientErrorCode = 'SWB_ERR_INVALID_ARGUMENT' | 'SWB_ERR_INVALID_OPTION' | 'SWB_ERR_INVALID_PATTERN';

/** A programming mistake: a TypeError with a stable `code`, its message ending with the code in brackets. */
export function usageError(code: ClientErrorCode, message: string): TypeError & { readonly code: ClientErrorCode } {
  return Object.assign(new TypeError(`${message} [${code}]`), { code });
}

/** Text for a value in an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  return value !== null && typeof value === 'object' ? 'an object' : String(value);
}
