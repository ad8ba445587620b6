/**
 * The `recovery` option of `new App()`: resumable sessions and room history (docs/recovery.md), its
 * defaults and its check. runtime/recovery.ts runs on what it resolves to.
 */
import { invalidOption } from '../util/errors';
import { checkKeys, integerIn } from '../util/validate';

/**
 * Resumable sessions and room history (docs/recovery.md): how long a dropped client may come back and
 * still get what it missed, and how many pushes each topic keeps for it.
 */
export interface RecoveryOptions {
  /** Milliseconds a session and a push stay recoverable after the client dropped / after it was published. Default 120 000. */
  window?: number;
  /** Pushes kept per topic (room, route broadcast, connection id); an older one is dropped when a new one comes. Default 100. */
  historySize?: number;
}

/** The recovery settings after defaults. */
export interface ResolvedRecovery {
  readonly window: number;
  readonly historySize: number;
}

/** A day: a longer window only holds memory for clients gone for good. */
const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The option as given (`true`, `false`, absent or an object) → its settings; null: recovery is off. */
export function resolveRecovery(where: string, value: unknown): ResolvedRecovery | null {
  if (value === undefined || value === false) return null;
  const given = value === true ? {} : value;
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw invalidOption(where, 'recovery', 'true, false or { window?, historySize? }', value);
  checkKeys(`${where} recovery`, given, ['window', 'historySize']);
  const o = given as RecoveryOptions;
  return Object.freeze({
    window: o.window === undefined ? 120_000 : integerIn(where, 'recovery.window', o.window, 1, MAX_WINDOW_MS),
    historySize: o.historySize === undefined ? 100 : integerIn(where, 'recovery.historySize', o.historySize, 1, 1_000_000),
  });
}
