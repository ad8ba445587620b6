/**
 * The frames a server sends, as both clients read them (switchboard/client and the testing kit): a push,
 * a reply or an error frame answering a request, and the session frame of recovery (docs/replies.md,
 * docs/errors.md, docs/recovery.md). The server writes them as text; these types say what the text holds.
 */
import type { RequestIssue } from './errors';

/**
 * A server push as it goes on the wire: `{"event":…,"data":…}`.
 * @example
 * const frame: EventFrame<'said', { text: string }> = { event: 'said', data: { text: 'hi' } };
 */
export interface EventFrame<Name extends string = string, Data = unknown> {
  readonly event: Name;
  readonly data: Data;
}

/** The `error` of an error frame: the code and message of what failed, with the schema's `issues` for `validation_failed`. */
export interface FrameError {
  readonly code: string;
  readonly message: string;
  readonly issues?: readonly RequestIssue[];
}

/**
 * Any frame from the server, as a reader must take it: each field is there or not, and is checked when
 * read. A reply has the request's `id` and its `data`; an error frame `error` (and the `id` it answers);
 * a push `event` and `data` (presence frames also `room`; a recoverable push `pos`); the session frame a
 * server with recovery sends first has `session`, `recovered` and, when it did not resume, `reason`.
 */
export interface ServerFrame {
  readonly id?: unknown;
  readonly event?: unknown;
  readonly data?: unknown;
  readonly room?: unknown;
  readonly session?: unknown;
  readonly recovered?: unknown;
  readonly reason?: unknown;
  /** A recoverable push's position in its topic. */
  readonly pos?: { readonly topic: string; readonly epoch: string; readonly offset: number };
  readonly error?: Partial<FrameError>;
}
