/**
 * Presence entries as a cluster bus stores and sends them, as JSON text:
 *
 * - a change between nodes (the payload of a presence envelope, whose target is the room):
 *   `{"o":<owner node id or null>,"s":[[<id>,<key>,<meta>],…],"r":[<id>,…]}`; with an owner, `s` is
 *   all that node has in the room (see PresenceChange);
 * - an entry in the room's Redis hash: field `<id>`, value `[<key>,<meta>]`.
 *
 * `<meta>` is the entry's meta object, `{"id":<id>,…}`. What is read back is checked: a malformed
 * change or value is dropped (null), never half applied.
 */
import type { PresenceChange, PresenceEntry } from './bus';

/** The node id at the start of a connection id (`<node>-<seq>`). */
export function ownerOf(id: string): string {
  return id.slice(0, id.indexOf('-'));
}

export function encodeChange(owner: string | null, set: readonly PresenceEntry[], removed: readonly string[]): string {
  let entries = '';
  for (const e of set) entries += `${entries === '' ? '' : ','}[${JSON.stringify(e.id)},${JSON.stringify(e.key)},${e.meta}]`;
  return `{"o":${owner === null ? 'null' : JSON.stringify(owner)},"s":[${entries}],"r":${JSON.stringify(removed)}}`;
}

export function decodeChange(text: string): PresenceChange | null {
  const value = parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { o: owner, s, r: removed } = value as { o?: unknown; s?: unknown; r?: unknown };
  if ((owner !== null && typeof owner !== 'string') || !Array.isArray(s) || !Array.isArray(removed)) return null;
  if (!removed.every((id) => typeof id === 'string')) return null;
  const set: PresenceEntry[] = [];
  for (const item of s) {
    const entry = Array.isArray(item) && item.length === 3 ? entryOf(item[0], item[1], item[2]) : null;
    if (entry === null) return null;
    set.push(entry);
  }
  return { owner, set, removed };
}

export function storedValue(entry: PresenceEntry): string {
  return `[${JSON.stringify(entry.key)},${entry.meta}]`;
}

export function storedEntry(id: string, value: string): PresenceEntry | null {
  const pair = parse(value);
  return Array.isArray(pair) && pair.length === 2 ? entryOf(id, pair[0], pair[1]) : null;
}

function entryOf(id: unknown, key: unknown, meta: unknown): PresenceEntry | null {
  if (typeof id !== 'string' || typeof key !== 'string' || meta === null || typeof meta !== 'object' || Array.isArray(meta)) return null;
  if ((meta as { id?: unknown }).id !== id) return null;
  // Parsed and written again, JSON from JSON.stringify comes back the same text (keys keep their order).
  return { id, key, meta: JSON.stringify(meta) };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
