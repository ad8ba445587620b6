/**
 * Checks of option objects, shared by App, routes, RedisBus and serve(): each failure is a
 * SWB_ERR_INVALID_OPTION naming where, which option, what was expected and what was given.
 */
import { invalidOption } from './errors';

/** Where switchboard reports what goes wrong outside a request (handler errors, lost connections). Defaults to `console`. */
export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
}

export function checkKeys(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw invalidOption(where, key, `one of ${known.join(', ')} (unknown option)`, key);
  }
}

export function integerIn(where: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalidOption(where, name, `an integer from ${min} to ${max}`, value);
  return value;
}

export function boolean(where: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidOption(where, name, 'true or false', value);
  return value;
}

/** The `logger` option: `console` when absent. */
export function loggerOption(where: string, value: unknown): Logger {
  const logger = (value ?? console) as Partial<Logger>;
  if (typeof logger.error !== 'function' || typeof logger.warn !== 'function')
    throw invalidOption(where, 'logger', 'an object with error() and warn() methods', value);
  return logger as Logger;
}
