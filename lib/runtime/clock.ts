/**
 * A coarse clock for the rate limit: one shared timer refreshes `clock.now` (performance.now()) every
 * TICK_MS while an app with a rate limit is listening, so a message reads a number field instead of the
 * clock. Reading performance.now() per message cost 4.4% of an echo's instructions; the field costs
 * nothing measurable (docs/limits.md#rate-limit). Within one event-loop turn every message sees the same
 * time, which is when they arrived: uWS hands over what one read of the socket held.
 */
import { performance } from 'node:perf_hooks';

/** The clock's resolution in milliseconds: a bucket refills at most this late. */
export const TICK_MS = 4;

export const clock = { now: performance.now() };

let holders = 0;
let timer: NodeJS.Timeout | null = null;

/** An app with a rate limit starts listening: the clock runs while any holds it. */
export function holdClock(): void {
  clock.now = performance.now();
  if (holders++ > 0) return;
  // unref: the clock alone never keeps the process alive.
  timer = setInterval(() => (clock.now = performance.now()), TICK_MS).unref();
}

/** That app has closed. */
export function releaseClock(): void {
  if (--holders > 0 || timer === null) return;
  clearInterval(timer);
  timer = null;
}
