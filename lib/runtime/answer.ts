/**
 * What a connection sends back: a handler's return value as a frame (plain, or event-shaped when the
 * handler took a JSON event), and the error policy: a WsError becomes an error frame with its code, any
 * other error is logged and answered with a generic internal error, a route's `onError` may decide instead.
 */
import type { Connector } from '../declare/connector';
import type { RoutePlan } from '../compile/plan';
import type { Payload } from '../transport/types';
import { SwitchboardError, ValidationError, WsError } from '../util/errors';
import type { StandardIssue } from '../contract/standard-schema';
import { isThenable } from '../util/thenable';
import type { Logger } from '../util/validate';
import { eventError, eventReply } from './events';
import { encode } from './reply';

/** An error to send to the client, formatted when sent (plain or event-shaped). */
class ErrorReply {
  constructor(
    readonly code: string,
    readonly message: string,
    readonly issues?: readonly StandardIssue[],
  ) {}
}

const internalError = new ErrorReply('internal_error', 'Internal server error');

/** A connection as this module sees it: the public handle, its route and the app's logger. */
export interface Answerer extends Connector<object> {
  readonly route: RoutePlan;
  readonly logger: Logger;
}

/**
 * The frame for a handler's result. `event` is the JSON event the handler took (null for a plain
 * handler) and `id` the client's correlation id. Null: nothing to send.
 */
export function frameOf(c: Answerer, event: string | null, id: unknown, value: unknown): Payload | null {
  try {
    if (value instanceof ErrorReply) return eventError(event, id, value.code, value.message, value.issues);
    return event === null ? encode(value) : eventReply(event, id, value);
  } catch (error) {
    c.route.stats.handlerErrors++;
    logFailure(c, 'returned a value that cannot be sent', error, true);
    return eventError(event, id, internalError.code, internalError.message);
  }
}

/** Logs a handler's failure; `answered`: the client got an internal_error frame for it (not so for @OnClose and @OnDrain). */
export function logFailure(c: Answerer, what: string, error: unknown, answered: boolean): void {
  // Unanswered failures (@OnClose, @OnDrain) never pass through recover(), which counts the others.
  if (!answered) c.route.stats.handlerErrors++;
  const detail = answered && !(error instanceof SwitchboardError) ? ' (the client got an internal_error frame)' : '';
  c.logger.error(`switchboard: a handler of ${c.route.name} ${what} on connection ${c.id}${detail}`, error);
}

/** A handler's error → the reply to send instead (docs/errors.md). Never throws. */
export function recover(c: Answerer, error: unknown): unknown {
  if (error instanceof ValidationError) c.route.stats.validationFailures++;
  else if (!(error instanceof WsError)) c.route.stats.handlerErrors++;
  const failed = (e: unknown): ErrorReply => {
    logFailure(c, 'threw', e, true);
    return internalError;
  };
  const onError = c.route.onError;
  if (onError !== null) {
    try {
      const replacement = onError(error, c);
      return isThenable(replacement) ? Promise.resolve(replacement).catch(failed) : replacement;
    } catch (e) {
      return failed(e);
    }
  }
  if (error instanceof ValidationError) return new ErrorReply(error.code, error.message, error.issues);
  if (error instanceof WsError) return new ErrorReply(error.code, error.message);
  return failed(error);
}
