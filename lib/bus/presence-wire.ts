/**
 * Presence entries as a cluster bus stores and sends them, as JSON text:
 *
 * - a change between nodes (the payload of a presence envelope, whose target is the room):
 *   `{"o":<owner node id>,"w":<whole>,"s":[[<id>,<key>,<meta>],…],"r":[<id>,…]}` (see PresenceChange);
 * - an entry in the room's Redis hash: field `<id>`, value `[<key>,<meta>,<owner node id>]`. The owner
 *   comes last so that a Lua script can tell an owner's entries by the end of the value (`,"<owner>"]`:
 *   a meta object ends with `}`), without decoding them.
 *
 * `<meta>` is the entry's meta object, `{"id":<id>,…}`. What is read back is checked: a malformed
 * change or value is dropped (null), never half applied.
 */
import type { PresenceChange, PresenceEntry } from './bus';

export function encodeChange(owner: string, whole: boolean, set: readonly PresenceEntry[], removed: readonly string[]): string {
  let entries = '';
  for (const e of set) entries += `${entries === '' ? '' : ','}[${JSON.stringify(e.id)},${JSON.stringify(e.key)},${e.meta}]`;
  return `{"o":${JSON.stringify(owner)},"w":${whole},"s":[${entries}],"r":${JSON.stringify(removed)}}`;
}

export function decodeChange(text: string): PresenceChange | null {
  const value = parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { o: owner, w: whole, s, r: removed } = value as { o?: unknown; w?: unknown; s?: unknown; r?: unknown };
  if (typeof owner !== 'string' || typeof whole !== 'boolean' || !Array.isArray(s) || !Array.isArray(removed)) return null;
  if (!removed.every((id) => typeof id === 'string')) return null;
  const set: PresenceEntry[] = [];
  for (const item of s) {
    const entry = Array.isArray(item) && item.length === 3 ? entryOf(item[0], item[1], item[2], owner) : null;
    if (entry === null) return null;
    set.push(entry);
  }
  return { owner, whole, set, removed };
}

export function storedValue(entry: PresenceEntry): string {
  return `[${JSON.stringify(entry.key)},${entry.meta},${JSON.stringify(entry.owner)}]`;
}

export function storedEntry(id: string, value: string): PresenceEntry | null {
  const triple = parse(value);
  return Array.isArray(triple) && triple.length === 3 ? entryOf(id, triple[0], triple[1], triple[2]) : null;
}

function entryOf(id: unknown, key: unknown, meta: unknown, owner: unknown): PresenceEntry | null {
  if (typeof id !== 'string' || typeof key !== 'string' || typeof owner !== 'string') return null;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta) || (meta as { id?: unknown }).id !== id) return null;
  // Parsed and written again, JSON from JSON.stringify comes back the same text (keys keep their order).
  return { id, key, meta: JSON.stringify(meta), owner };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
