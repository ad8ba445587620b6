/**
 * The presence frames every server sends (docs/presence.md): what `presence_state` and `presence_diff`
 * carry. Types only, shared by the client (client/client.ts, client/presence.ts) and the server's runtime.
 */
/**
 * One connection in a room: its id, and the meta it was tracked with (or last updated to).
 * @example
 * const meta: PresenceMeta = { id: '3f2a9c1b7d40-1', name: 'Alice', device: 'phone' };
 */
export interface PresenceMeta {
  readonly id: string;
  readonly [field: string]: unknown;
}

/**
 * Who is in a room: by presence key (a user id, or a connection id by default), the metas of that
 * key's connections, in the order they joined.
 * @example
 * const state: PresenceState = { alice: { metas: [{ id: '3f2a9c1b7d40-1' }, { id: '8e01c2d3a4b5-7' }] } };
 */
export interface PresenceState {
  readonly [key: string]: { readonly metas: readonly PresenceMeta[] };
}

/**
 * What changed in a room since the previous frame: the metas that left and those that joined, by key.
 * @example
 * const diff: PresenceDiff = { joins: { bob: { metas: [{ id: '8e01c2d3a4b5-2' }] } }, leaves: {} };
 */
export interface PresenceDiff {
  readonly joins: PresenceState;
  readonly leaves: PresenceState;
}

/**
 * The presence frames every server sends (events `presence_state` and `presence_diff`), each with
 * the room it is about as `room` next to `event` and `data`.
 */
export interface PresenceEvents {
  readonly presence_state: PresenceState;
  readonly presence_diff: PresenceDiff;
}
