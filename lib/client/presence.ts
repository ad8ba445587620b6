/**
 * Presence on the client: the shapes of the server's `presence_state` and `presence_diff` frames, the
 * two pure functions that merge them (as phoenix.js's Presence.syncState/syncDiff), and `presence()`,
 * which keeps the merged map of one room up to date from a client's frames.
 *
 * A meta is identified by `id`, the id of the connection it belongs to: a diff removes the metas its
 * `leaves` name, then adds (or replaces) those of its `joins`. A meta update comes as a leave of the
 * old meta and a join of the new one, with the same id.
 */
import type { AnyChannel } from '../contract/channel';
import type { PresenceDiff, PresenceMeta, PresenceState } from '../contract/presence-frames';
import type { Client } from './client';

/**
 * The state after `diff`: the metas named in `leaves` removed (a key without metas goes), then those
 * of `joins` added, replacing any with the same id. `state` is not changed; keys the diff does not
 * touch keep their objects.
 * @example
 * state = syncDiff(state, diff);
 */
export function syncDiff(state: PresenceState, diff: PresenceDiff): PresenceState {
  const next: Record<string, { readonly metas: readonly PresenceMeta[] }> = { ...state };
  const without = (key: string, metas: readonly PresenceMeta[]): PresenceMeta[] => {
    const ids = new Set(metas.map((m) => m.id));
    return (next[key]?.metas ?? []).filter((m) => !ids.has(m.id));
  };
  for (const [key, { metas }] of Object.entries(diff.leaves)) {
    const kept = without(key, metas);
    if (kept.length > 0) next[key] = { metas: kept };
    else delete next[key];
  }
  for (const [key, { metas }] of Object.entries(diff.joins)) next[key] = { metas: [...without(key, metas), ...metas] };
  return next;
}

/**
 * The diff that takes `from` to `to`, so that `syncDiff(from, syncState(from, to))` has the metas of
 * `to`: what a fresh `presence_state` (after a reconnect) changed for a view that had `from`.
 * @example
 * const { joins, leaves } = syncState(before, fresh);
 */
export function syncState(from: PresenceState, to: PresenceState): PresenceDiff {
  const missing = (a: PresenceState, b: PresenceState): PresenceState => {
    const out: Record<string, { metas: PresenceMeta[] }> = {};
    for (const [key, { metas }] of Object.entries(a)) {
      const there = new Map((b[key]?.metas ?? []).map((m) => [m.id, JSON.stringify(m)]));
      const gone = metas.filter((m) => there.get(m.id) !== JSON.stringify(m));
      if (gone.length > 0) out[key] = { metas: gone };
    }
    return out;
  };
  return { joins: missing(to, from), leaves: missing(from, to) };
}

/**
 * The merged presence of one room, kept by {@link presence}.
 * @example
 * const lobby = presence(client, 'lobby');
 * lobby.onChange((state) => render(Object.keys(state)));
 */
export interface RoomPresence {
  /** Who is in the room, as of the last frame (a new object after each change); `{}` before the first. */
  readonly state: PresenceState;
  /**
   * Calls `listener` after each change, with the new state and what changed (for a `presence_state`,
   * the difference from the state before it). Returns the function that unsubscribes.
   */
  onChange(listener: (state: PresenceState, diff: PresenceDiff) => void): () => void;
  /** Stops following the room's frames. */
  close(): void;
}

/**
 * Follows the presence of `room` on a client: its `presence_state` replaces the map, each
 * `presence_diff` is merged into it. The server sends both to a connection that joined the room with
 * `presence`; after a reconnect, join again (in `onReconnect`) and the fresh state is merged in, with
 * what changed meanwhile reported as one diff. The map keeps its last value while disconnected.
 * @example
 * const board = presence(client, 'board:42');
 * board.onChange((state, { joins, leaves }) => {
 *   for (const key of Object.keys(joins)) console.log(key, 'is here');
 *   for (const key of Object.keys(leaves)) if (!state[key]) console.log(key, 'left');
 * });
 */
export function presence<C extends AnyChannel>(client: Client<C>, room: string): RoomPresence {
  let state: PresenceState = {};
  const listeners = new Set<(state: PresenceState, diff: PresenceDiff) => void>();
  const changed = (next: PresenceState, diff: PresenceDiff): void => {
    state = next;
    for (const listener of listeners) listener(next, diff);
  };
  const offs = [
    client.on('presence_state', (fresh, from) => void (from === room && changed(fresh, syncState(state, fresh)))),
    client.on('presence_diff', (diff, from) => void (from === room && changed(syncDiff(state, diff), diff))),
  ];
  return {
    get state() {
      return state;
    },
    onChange: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close: () => offs.forEach((off) => off()),
  };
}
