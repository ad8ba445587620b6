/**
 * Per-connection ordering, the bounded queue, reply sending and the error policy (docs/lifecycle.md, docs/errors.md).
 *
 * A synchronous handler runs inline: no queue, no Promise. When a handler returns a thenable the
 * connection becomes `busy`; later messages are copied into its queue (the uWS ArrayBuffer dies with
 * the callback) and run in order once it settles. @OnClose runs after the last of them.
 * Invariant: a non-empty queue implies `busy`.
 */
import type { Connector } from './connector';
import { SwitchboardError, ValidationError, WsError } from './errors';
import { eventError, eventReply, parseEnvelope, type Envelope } from './events';
import { GOING_AWAY } from './hub';
import { encode } from './reply';
import type { Invoker } from './compile';
import type { StandardIssue } from './standard-schema';
import type { Socket } from './transport/socket';

/** An error to send to the client, formatted when sent (plain or event-shaped). */
class ErrorReply {
  constructor(
    readonly code: string,
    readonly message: string,
    readonly issues?: readonly StandardIssue[],
  ) {}
}

const noData = new ArrayBuffer(0);
const internalError = new ErrorReply('internal_error', 'Internal server error');

export function open(c: Connector, socket: Socket): void {
  c.socket = socket;
  socket.subscribe(c.route.topic);
  c.hub.opened(c);
  const onConnect = c.route.onConnect;
  if (onConnect !== null) run(c, onConnect, noData, false);
}

export function message(c: Connector, data: ArrayBuffer, isBinary: boolean): void {
  if (c.busy) return enqueue(c, data, isBinary);
  deliver(c, data, isBinary);
}

/** Routes a message: to its JSON event handler when the route has events, else to the plain handler. */
function deliver(c: Connector, data: ArrayBuffer, isBinary: boolean): void {
  const events = c.route.events;
  const onMessage = c.route.onMessage;
  if (events !== null) {
    let envelope: Envelope | null;
    try {
      envelope = isBinary ? null : parseEnvelope(data, c.route.json);
    } catch (error) {
      // A prototype key the App refuses: the frame goes to no handler, plain or event.
      const refused = error as WsError;
      c.sendPayload(eventError(null, undefined, refused.code, refused.message));
      return;
    }
    const handler = envelope === null ? undefined : events.get(envelope.event);
    if (handler !== undefined) {
      c.replyEvent = envelope!.event;
      c.replyId = envelope!.id;
      return run(c, handler, envelope!.data, false);
    }
    if (onMessage === null) {
      // No plain handler takes what matched no event: say so rather than drop it.
      const error =
        envelope === null
          ? eventError(null, undefined, 'invalid_event', 'Expected a JSON text frame {"event":…,"data":…}')
          : eventError(envelope.event, envelope.id, 'unknown_event', `No handler for event "${envelope.event}"`);
      c.sendPayload(error);
      return;
    }
    c.replyEvent = null;
    c.replyId = undefined;
  }
  if (onMessage !== null) run(c, onMessage, data, isBinary);
}

/** The socket has closed (either side). @OnClose waits for a pending handler and the queue. */
export function closed(c: Connector, code: number, reason: string): void {
  c.detach();
  c.hub.closed(c);
  c.closeCode = code;
  c.closeReason = reason;
  if (!c.busy && !c.inHandler) runClose(c);
}

function enqueue(c: Connector, data: ArrayBuffer, isBinary: boolean): void {
  const queue = (c.queue ??= []);
  if (queue.length >= c.route.transport.maxQueuedMessages) {
    // A flooding client gets none of its queued messages handled: dropping them frees their copies now
    // (up to maxQueuedMessages × maxPayloadLength) instead of after every handler has run for nobody.
    queue.length = 0;
    // Straight to the socket, not via c.close(): that would wait for the pending handler.
    c.socket?.end(1008, 'Too many queued messages');
    return;
  }
  queue.push({ data: data.slice(0), isBinary });
}

function run<D>(c: Connector, handler: Invoker<D>, data: D, isBinary: boolean): void {
  c.inHandler = true;
  let result: unknown;
  try {
    result = handler(c, data, isBinary);
  } catch (error) {
    result = recover(c, error);
  }
  complete(c, result);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

function complete(c: Connector, result: unknown): void {
  if (isThenable(result)) {
    c.busy = true;
    if (c.settle === null) {
      c.settle = (value) => settled(c, value);
      c.fail = (error) => settled(c, recover(c, error));
    }
    result.then(c.settle, c.fail);
    return;
  }
  if (c.socket !== null) reply(c, result);
  afterHandler(c);
}

function settled(c: Connector, value: unknown): void {
  complete(c, value);
  if (c.busy) return;
  const queue = c.queue;
  while (queue !== null && queue.length > 0 && !c.busy) {
    const next = queue.shift()!;
    deliver(c, next.data, next.isBinary);
  }
}

function afterHandler(c: Connector): void {
  c.inHandler = false;
  c.busy = false;
  if (c.pendingCode !== 0) c.socket?.end(c.pendingCode, c.pendingReason);
  if (c.socket === null && c.closeCode >= 0 && (c.queue === null || c.queue.length === 0)) runClose(c);
}

function reply(c: Connector, value: unknown): void {
  if (typeof value === 'string' && c.replyEvent === null) {
    if (value !== '') c.sendPayload(value);
    return;
  }
  let payload;
  try {
    if (value instanceof ErrorReply) payload = eventError(c.replyEvent, c.replyId, value.code, value.message, value.issues);
    else payload = c.replyEvent === null ? encode(value) : eventReply(c.replyEvent, c.replyId, value);
  } catch (error) {
    log(c, 'returned a value that cannot be sent', error);
    payload = eventError(c.replyEvent, c.replyId, internalError.code, internalError.message);
  }
  if (payload !== null) c.sendPayload(payload);
}

/** Error → the reply to send instead (docs/errors.md). Never throws. */
function recover(c: Connector, error: unknown): unknown {
  const onError = c.route.onError;
  if (onError !== null) {
    try {
      const replacement = onError(error, c);
      return isThenable(replacement) ? Promise.resolve(replacement).catch((e: unknown) => failed(c, e)) : replacement;
    } catch (e) {
      return failed(c, e);
    }
  }
  if (error instanceof ValidationError) return new ErrorReply(error.code, error.message, error.issues);
  if (error instanceof WsError) return new ErrorReply(error.code, error.message);
  return failed(c, error);
}

function failed(c: Connector, error: unknown): ErrorReply {
  log(c, 'threw', error);
  return internalError;
}

/** `answered`: the client got an internal_error frame for it (not so for @OnClose and @OnDrain). */
function log(c: Connector, what: string, error: unknown, answered = true): void {
  const handler = c.route.name;
  const detail = answered && !(error instanceof SwitchboardError) ? ' (the client got an internal_error frame)' : '';
  c.hub.logger.error(`switchboard: a handler of ${handler} ${what} on connection ${c.id}${detail}`, error);
}

/** uWS reports the send buffer drained: a signal outside the message order, its return value ignored. */
export function drain(c: Connector): void {
  const socket = c.socket;
  if (socket === null) return;
  if (c.hub.closing) {
    // app.close() deferred this connection's 1001 until what was queued before it had gone out.
    if (socket.getBufferedAmount() === 0) socket.end(1001, GOING_AWAY);
    return;
  }
  const onDrain = c.route.onDrain;
  if (onDrain === null) return;
  try {
    const result = onDrain(c, noData, false);
    if (isThenable(result)) result.then(undefined, (error: unknown) => log(c, '(@OnDrain) rejected', error, false));
  } catch (error) {
    log(c, '(@OnDrain) threw', error, false);
  }
}

function runClose(c: Connector): void {
  const code = c.closeCode;
  c.closeCode = -1;
  const onClose = c.route.onClose;
  const finalized = (): void => c.hub.finalized();
  if (onClose === null) return finalized();
  try {
    const result = onClose(c, code, c.closeReason);
    if (isThenable(result)) {
      result.then(finalized, (error: unknown) => {
        log(c, '(@OnClose) rejected', error, false);
        finalized();
      });
      return;
    }
  } catch (error) {
    log(c, '(@OnClose) threw', error, false);
  }
  finalized();
}
