/**
 * What both ends agree on outside the frames: the subprotocol a switchboard client offers, and the
 * reconnect window a server hints in a close reason. The server writes them (transport/), the client
 * reads them (client/); one definition keeps the two from drifting.
 */

/**
 * The subprotocol the client offers. A server that sees it may accept an upgrade it refuses and close
 * at once with 4000 + the HTTP status, which a browser can read (it cannot read an HTTP status).
 */
export const SUBPROTOCOL = 'switchboard';

/** The close code of an upgrade refused with HTTP `status` to a client offering the subprotocol. */
export function refusalCloseCode(status: number): number {
  return 4000 + status;
}

const WINDOW = /; window=(\d+)$/;

/**
 * The reconnect window a server hints in a close reason: the reason ends with `; window=<ms>` (a restart's
 * 1012, a going-away 1001, a 4503 or 4429 refusal). The client waits a uniformly random time below it
 * before its first reconnect, so the clients of a restarted server come back spread over the window.
 * -1 when the reason has no hint.
 */
export function reconnectWindow(reason: string): number {
  const match = WINDOW.exec(reason);
  return match === null ? -1 : Number(match[1]);
}

/** `reason` with the hint of a `ms` reconnect window appended (the server side of reconnectWindow). */
export function withWindow(reason: string, ms: number): string {
  return `${reason}; window=${ms}`;
}
