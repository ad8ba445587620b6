/**
 * App options a benchmark can turn on for the switchboard server through its environment (the server
 * runs in its own process): `bench:instructions --rate-limit` measures the rate limit's cost this way,
 * and BENCH_RECOVERY=1 recovery's (docs/recovery.md: each push gets a position and is stored).
 */
import type { AppOptions } from '../../lib';

/** Set to 1: every route gets a rate limit that no message reaches, so the bucket is computed and never refuses. */
export const RATE_LIMIT_ENV = 'SWITCHBOARD_BENCH_RATE_LIMIT';

export function benchAppOptions(): AppOptions {
  return {
    ...(process.env[RATE_LIMIT_ENV] === '1' ? { rateLimit: { messages: 2 ** 31 - 1, per: 1 } } : {}),
    recovery: process.env.BENCH_RECOVERY === '1',
  };
}
