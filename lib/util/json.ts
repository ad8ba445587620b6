/**
 * The one JSON parser of the framework: WebSocket messages, event frames and HTTP bodies all go through
 * parseJson, so a `__proto__` key or a `constructor.prototype` path reaches app code only when the App
 * says so (onProtoPoisoning, onConstructorPoisoning; docs/security.md).
 */
import { scan } from 'secure-json-parse';
import { invalidOption, WsError } from './errors';

/**
 * What to do with a `__proto__` key (or a `constructor` object holding a `prototype`) in parsed JSON:
 * `'error'` refuses the whole text, `'remove'` deletes the key, `'ignore'` passes it on.
 * @example
 * new App({ onProtoPoisoning: 'remove', onConstructorPoisoning: 'error' });
 */
export type PoisoningAction = 'error' | 'remove' | 'ignore';

/** Named as secure-json-parse names them, so that the App's policy object is passed to it as it is. */
export interface JsonPolicy {
  readonly protoAction: PoisoningAction;
  readonly constructorAction: PoisoningAction;
}

export const jsonDefaults: JsonPolicy = Object.freeze({ protoAction: 'error', constructorAction: 'error' });

const poisoningActions: readonly unknown[] = ['error', 'remove', 'ignore'] satisfies PoisoningAction[];

function poisoning(where: string, name: string, value: unknown, fallback: PoisoningAction): PoisoningAction {
  if (value === undefined) return fallback;
  if (!poisoningActions.includes(value)) throw invalidOption(where, name, "'error', 'remove' or 'ignore'", value);
  return value as PoisoningAction;
}

/** The App options `onProtoPoisoning` and `onConstructorPoisoning`, checked: the policy parseJson is given. */
export function resolveJsonPolicy(where: string, options: { readonly onProtoPoisoning?: unknown; readonly onConstructorPoisoning?: unknown }): JsonPolicy {
  return Object.freeze({
    protoAction: poisoning(where, 'onProtoPoisoning', options.onProtoPoisoning, jsonDefaults.protoAction),
    constructorAction: poisoning(where, 'onConstructorPoisoning', options.onConstructorPoisoning, jsonDefaults.constructorAction),
  });
}

const protoOnly: JsonPolicy = Object.freeze({ protoAction: 'error', constructorAction: 'ignore' });

/**
 * JSON.parse under the App's policy. Text that is not JSON throws JSON.parse's SyntaxError; a
 * refused key throws an `invalid_json` WsError naming it.
 *
 * Both forbidden keys are spelt with "proto" (`__proto__`, and the `prototype` under `constructor`),
 * or escape a letter of it with `\u`: text with neither cannot hold them, and two substring searches
 * prove it. Only the rest is walked, by secure-json-parse's `scan`. Measured with bench:instructions
 * (JSON object echo, ~100 B): this costs about 500 instructions a message (2%); secure-json-parse's own
 * `parse`, which runs two regular expressions over every object, about 1,250 (6%).
 */
export function parseJson(text: string, policy: JsonPolicy): unknown {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || !(text.includes('proto') || text.includes('\\u'))) return value;
  try {
    return scan(value, policy) as unknown;
  } catch {
    // scan throws for the first key refused, with one message for both: this rare path names it.
    throw new WsError('invalid_json', policy.protoAction === 'error' && refuses(value, protoOnly) ? protoMessage : constructorMessage);
  }
}

const protoMessage = 'The JSON has a forbidden "__proto__" key';
const constructorMessage = 'The JSON has a forbidden "constructor.prototype" path';

function refuses(value: object, policy: JsonPolicy): boolean {
  try {
    scan(value, policy);
    return false;
  } catch {
    return true;
  }
}
