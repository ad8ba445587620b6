/**
 * The runtime's part of app.close() (docs/deploys.md): the close frame every connection gets, 1001 Going
 * Away or 1012 Service Restart with a reconnect window, and the ending of the connections: each gets it
 * once what was queued for it has gone out, then the wait, bounded, for in-flight handlers and every
 * @OnClose. app.ts decides when; this is the one place that ends sockets for it.
 */
import { closeReason } from '../transport/handshake';
import { invalidArgument } from '../util/errors';
import { settledWithin } from '../util/timeout';
import { GOING_AWAY, RESTARTING, type AppContext, type Close } from './connection';

/** Options of {@link App.close}. */
export interface CloseOptions {
  /** Milliseconds to wait for in-flight handlers and @OnClose; defaults to the App's `closeTimeout`. */
  timeout?: number;
  /**
   * The close code every connection gets: 1001 (Going Away, the default: the server is leaving) or 1012
   * (Service Restart: it is coming back, as in a rolling restart; docs/deploys.md).
   */
  code?: 1001 | 1012;
  /**
   * Milliseconds over which clients should spread their reconnects, hinted in the close reason
   * (`…; window=<ms>`, docs/deploys.md#the-reconnect-window). Default 5000 with code 1012, none with 1001.
   */
  reconnectWindow?: number;
}

/** The reconnect window app.close({ code: 1012 }) hints when not told one. */
const RESTART_WINDOW_MS = 5000;

/** How long app.close() lets clients answer its goodbye before it force-closes what is left. */
const CLOSE_LINGER_MS = 100;

/** app.close()'s options, checked: how long to wait, and the close frame every connection gets. */
export function resolveClose(options: CloseOptions, closeTimeout: number): { readonly timeout: number; readonly goodbye: Close } {
  const where = 'app.close(options)';
  const timeout = options.timeout ?? closeTimeout;
  if (!Number.isInteger(timeout) || timeout < 0) throw invalidArgument(where, 'timeout', 'a non-negative integer of milliseconds', timeout);
  const code = options.code ?? 1001;
  if (code !== 1001 && code !== 1012) throw invalidArgument(where, 'code', '1001 (Going Away) or 1012 (Service Restart)', code);
  const window = options.reconnectWindow ?? (code === 1012 ? RESTART_WINDOW_MS : -1);
  if (!Number.isInteger(window) || (window < 0 && options.reconnectWindow !== undefined))
    throw invalidArgument(where, 'reconnectWindow', 'a non-negative integer of milliseconds', options.reconnectWindow);
  return { timeout, goodbye: { code, reason: closeReason(code === 1012 ? RESTARTING : GOING_AWAY, window) } };
}

/**
 * Ends every open connection with `context.goodbye` and waits, at most `timeout` ms, until each has
 * finished (its @OnClose run); past that, what is left is ended anyway and the logger says why.
 * `context.closing` must already be set, so that a connection still flushing is ended when it drains.
 */
export async function endConnections(context: AppContext, timeout: number): Promise<void> {
  const { registry, goodbye } = context;
  const deadline = Date.now() + timeout;
  const left = (): number => deadline - Date.now();
  const open = [...registry.open.values()];
  // A close frame queues behind what is already buffered for a slow reader, and the final force-close
  // would discard it: those connections get their goodbye when they drain (Connection.drained).
  for (const c of open) if (c.socket !== null && c.socket.getBufferedAmount() === 0) c.socket.end(goodbye.code, goodbye.reason);
  if (!(await settledWithin(registry.whenIdle(), left()))) {
    const unread = [...registry.open.values()].filter((c) => c.socket !== null);
    const why = unread.length === 0 ? 'handlers still running' : `${unread.length} client(s) not reading what was sent to them`;
    context.logger.warn(`switchboard: app.close() gave up after ${timeout} ms on ${why}.`);
    for (const c of unread) c.socket?.end(goodbye.code, goodbye.reason);
  }
  // The force-close that follows resets connections whose peer has not yet read the goodbye (the client
  // would see 1006): give the close handshakes a moment to complete first.
  if (open.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(CLOSE_LINGER_MS, left()))));
}
