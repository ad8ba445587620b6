/**
 * When and how soon the client reconnects: exponential backoff with full jitter, the close codes after
 * which it stops, and how a refused upgrade is recognised.
 */
import { refusalCloseCode } from '../contract/wire';

/**
 * A connection that stayed open this long counts as healthy: the backoff starts over after it. A server
 * that accepts and at once closes therefore still meets a growing delay, never a tight loop.
 */
export const STABLE_MS = 5000;

/**
 * Full jitter: uniformly random in [0, min(maxDelay, minDelay · 2^attempt)), so clients dropped
 * together by a restart spread out instead of returning at the same instant.
 */
export function retryDelay(attempt: number, minDelay: number, maxDelay: number): number {
  return Math.random() * Math.min(maxDelay, minDelay * 2 ** attempt);
}

/**
 * A refused upgrade closes with 4000 + its HTTP status: nothing the client sent on that connection was
 * handled, so requests it carried can go out again without breaking at-most-once.
 */
export function isRefusal(code: number): boolean {
  return code >= 4400 && code < 4600;
}

/**
 * A refusal for a client error (4401, 4403, 4404…) is final: retrying cannot change the answer. 4429
 * (too many connections from this address) is not: a slot frees up when one of them closes.
 */
export function isFinal(code: number, finalCodes: readonly number[]): boolean {
  return (code >= 4400 && code < 4500 && code !== 4429) || finalCodes.includes(code);
}

const REFUSED = /Unexpected server response: ([45]\d\d)/;

/**
 * The close code of an upgrade the server refused with an HTTP status, when the WebSocket can tell:
 * `ws` names the status in its error event ("Unexpected server response: 401"); browsers cannot, and
 * rely on the server closing with 4000 + status instead. 0 when unknown.
 */
export function refusalCode(error: unknown): number {
  const match = REFUSED.exec(String((error as { message?: unknown } | null | undefined)?.message));
  return match === null ? 0 : refusalCloseCode(Number(match[1]));
}
