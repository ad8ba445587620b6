/** Promises and anything else with a `then` method: what the runtime awaits from handlers. */
export function isThenable<T = unknown>(value: unknown): value is PromiseLike<T> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
