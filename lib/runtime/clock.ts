/**
 * A coarse clock for the rate limit: one shared timer refreshes `clock.now` (performance.now()) every
 * TICK_MS while an app with a rate limit is listening, so a message reads a number field instead of the
 * clock (reading performance.now() per message cost 4% of an echo's instructions, more than the rest of
 * the check). The clock is at most TICK_MS behind: a message that it would refuse is checked again
 * against the exact time before it is refused (rate-limit.ts), so the limit is never stricter than
 * configured; it can be more lenient by TICK_MS worth of messages after the bucket was full.
 */
import { performance } from 'node:perf_hooks';

/** The clock's resolution in milliseconds. */
export const TICK_MS = 20;

export const clock = { now: performance.now() };

/** The exact time, for a message the coarse clock would refuse. */
export function exactNow(): number {
  return (clock.now = performance.now());
}

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
