/**
 * Awaiting with a bound: `settledWithin` says whether a promise settled in time (app.close() giving up
 * on stuck handlers), `rejectAfter` turns a late one into a rejection (RedisBus's connect timeout).
 */

/** True when `promise` settled (either way) within `ms`, false when the time ran out first. */
export async function settledWithin(promise: PromiseLike<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms), false)));
  const settled = Promise.resolve(promise).then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** `promise`, or a rejection with `new Error(message)` once `ms` have passed. */
export async function rejectAfter<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), Math.max(0, ms))));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
