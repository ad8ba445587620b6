/**
 * The per-connection rate limit (docs/limits.md#rate-limit): a token bucket kept in one number field of
 * the connection, brought up to date from the clock when a message arrives. No timer per connection, and
 * nothing allocated for a message that is let through.
 *
 * A message refused still costs its token: the bucket goes into debt, so a client that keeps sending
 * without waiting sinks further, and once its debt passes `burst` tokens (it has sent `burst` messages
 * more than the limit allowed) it is closed with 1008. A client that waits the `retryAfter` it is told
 * is never closed.
 */
import type { ResolvedRateLimit } from '../compile/route-settings';
import type { JsonPolicy } from '../util/json';
import { eventOf } from './events';

/**
 * The connection's field that holds its bucket, kept as the generic cell rate algorithm does (GCRA, an
 * exact equivalent of the token bucket): the time at which the bucket would be full again. One number
 * field, one comparison per message.
 */
export interface Bucket {
  /** When the bucket is full again (in clock time, ./clock.ts): its debt, in time. */
  fullAt: number;
}

/** Takes the token of a message that arrives at `now`; false when there was none (the message is refused, and still counted). */
export function takeToken(bucket: Bucket, limit: ResolvedRateLimit, now: number): boolean {
  const fullAt = (bucket.fullAt > now ? bucket.fullAt : now) + limit.interval;
  bucket.fullAt = fullAt;
  // Clock times are fractional milliseconds: (now + window) - now can come out a hair above window, which
  // refused the one message a full bucket of burst 1 holds, depending on the clock's value.
  return fullAt - now <= limit.window + ROUNDING_MS;
}

/** Far below any clock's resolution, far above a double's rounding of a few days' worth of milliseconds. */
const ROUNDING_MS = 1e-6;

/**
 * The message takeToken refused at the coarse clock's time, taken again at the exact time (the clock may
 * be a tick behind, which only ever refuses too much): false when it is refused after all.
 */
export function retakeToken(bucket: Bucket, limit: ResolvedRateLimit, now: number): boolean {
  bucket.fullAt -= limit.interval;
  return takeToken(bucket, limit, now);
}

/** The refused client has gone far past the limit (`burst` messages more than it allowed): it is closed (1008) instead of answered. */
export function isFarPast(bucket: Bucket, limit: ResolvedRateLimit, now: number): boolean {
  return bucket.fullAt - now > 2 * limit.window;
}

/** The close reason of a connection closed for going far past its limit. */
export const RATE_CLOSE_REASON = 'Rate limit exceeded';

/**
 * The `rate_limited` error frame of a refused message, with `retryAfter`: the milliseconds until the next
 * message would be let through. On a route with events it names the frame's event and id, as any event
 * error does, so a request fails at once instead of waiting for its timeout.
 */
export function rateLimitedFrame(
  bucket: Bucket,
  limit: ResolvedRateLimit,
  now: number,
  data: ArrayBuffer,
  isBinary: boolean,
  events: boolean,
  json: JsonPolicy,
): string {
  const error = {
    code: 'rate_limited',
    message: `Too many messages: at most ${limit.messages} per ${limit.per} ms`,
    retryAfter: Math.ceil(bucket.fullAt + limit.interval - limit.window - now),
  };
  let frame: ReturnType<typeof eventOf> = null;
  if (events && !isBinary)
    try {
      frame = eventOf(data, json);
    } catch {
      // A frame with a forbidden key: refused for its rate first, without naming its event.
    }
  if (frame === null) return JSON.stringify({ error });
  return JSON.stringify(frame.id === undefined ? { event: frame.event, error } : { event: frame.event, id: frame.id, error });
}
