/**
 * One room's presence as this node holds it: every entry of the room (this node's and, with a cluster
 * bus, the other nodes'), and what changed since the last diff went out. A diff is the net change of
 * the window: an id that joined and left within it appears in neither `joins` nor `leaves`, and a meta
 * that went back to what it was is no change. Frames are JSON text built from each entry's meta JSON,
 * made once when it was tracked.
 */
import type { PresenceChange, PresenceEntry, PresenceSnapshot } from '../bus/bus';
import type { PresenceState } from '../contract/presence-frames';
import type { Payload, Socket } from '../transport/types';
import { presenceTopic } from '../util/topics';

/** A local connection as presence sees it (a Connection). */
export interface PresenceMember {
  readonly id: string;
  readonly socket: Socket | null;
  sendPayload(payload: Payload): boolean;
}

export class PresenceRoom {
  readonly topic: string;
  /** Every entry of the room, by connection id, in the order they joined. */
  readonly entries = new Map<string, PresenceEntry>();
  /** Local members tracked here: they get its state at the next flush, then its diffs. */
  readonly newcomers = new Set<PresenceMember>();
  /** Local members tracked here (newcomers included): this node's entries in the room. */
  members = 0;
  /** Local connections that get the room's frames without an entry (`presence: 'observe'`). */
  observers = 0;
  /** Local members and observers subscribed to the diffs (they have had the state). */
  subscribed = 0;
  /** False until the first load from the bus has been applied: until then nobody gets a state. */
  ready = false;
  /** The number of the latest load; the result of an older one is dropped. */
  loads = 0;
  /** Changes from other nodes that arrived while a load was pending, applied in order after it. */
  buffered: PresenceChange[] | null = null;
  /** The ids changed since the last diff, with their entry at that time (null: absent). */
  private readonly before = new Map<string, PresenceEntry | null>();
  private readonly roomJson: string;

  constructor(
    readonly name: string,
    /** This node's id: its entries are the node's own to keep, whatever another node says. */
    private readonly self: string,
  ) {
    this.topic = presenceTopic(name);
    this.roomJson = JSON.stringify(name);
  }

  /** Adds or replaces an entry. */
  set(entry: PresenceEntry): void {
    this.remember(entry.id);
    this.entries.set(entry.id, entry);
  }

  delete(id: string): void {
    if (!this.entries.has(id)) return;
    this.remember(id);
    this.entries.delete(id);
  }

  /**
   * Applies what another node changed. A removal only takes the entry while it is the remover's, and
   * an entry of this node that another node sets is taken over: its connection resumed there.
   */
  apply(change: PresenceChange): void {
    const owner = change.owner;
    if (owner === this.self) return;
    if (change.whole) {
      const kept = new Set(change.set.map((e) => e.id));
      for (const [id, entry] of this.entries) if (entry.owner === owner && !kept.has(id)) this.delete(id);
    }
    for (const entry of change.set) this.set(entry);
    for (const id of change.removed) if (this.entries.get(id)?.owner === owner) this.delete(id);
  }

  /**
   * Takes the store's view of the nodes it is complete for; the others' entries stay as they are. This
   * node's own entries are never replaced: the load may have been read before this node's own write.
   */
  replace(snapshot: PresenceSnapshot): void {
    const { owners } = snapshot;
    const kept = new Set(snapshot.entries.map((e) => e.id));
    for (const [id, entry] of this.entries) if (entry.owner !== this.self && owners.has(entry.owner) && !kept.has(id)) this.delete(id);
    for (const entry of snapshot.entries)
      if (entry.owner !== this.self && owners.has(entry.owner) && this.entries.get(entry.id)?.owner !== this.self) this.set(entry);
  }

  /** `owner`'s entries here. */
  entriesOf(owner: string): PresenceEntry[] {
    const entries: PresenceEntry[] = [];
    for (const entry of this.entries.values()) if (entry.owner === owner) entries.push(entry);
    return entries;
  }

  /** The `presence_diff` frame of what changed since the last one, or null when nothing did; opens a new window. */
  takeDiff(): string | null {
    if (this.before.size === 0) return null;
    const joins = new Map<string, string[]>();
    const leaves = new Map<string, string[]>();
    for (const [id, was] of this.before) {
      const now = this.entries.get(id) ?? null;
      if (was !== null && now !== null && was.key === now.key && was.meta === now.meta) continue;
      if (was !== null) add(leaves, was);
      if (now !== null) add(joins, now);
    }
    this.before.clear();
    if (joins.size === 0 && leaves.size === 0) return null;
    return `{"event":"presence_diff","room":${this.roomJson},"data":{"joins":${byKey(joins)},"leaves":${byKey(leaves)}}}`;
  }

  /** Forgets what changed (nobody here is subscribed to hear it). */
  discardChanges(): void {
    this.before.clear();
  }

  /** The `presence_state` frame of the room now. */
  stateFrame(): string {
    return `{"event":"presence_state","room":${this.roomJson},"data":${this.stateJson()}}`;
  }

  /** The room now, as `app.presence()` returns it. */
  state(): PresenceState {
    return JSON.parse(this.stateJson()) as PresenceState;
  }

  private stateJson(): string {
    const keys = new Map<string, string[]>();
    for (const entry of this.entries.values()) add(keys, entry);
    return byKey(keys);
  }

  private remember(id: string): void {
    if (!this.before.has(id)) this.before.set(id, this.entries.get(id) ?? null);
  }
}

function add(keys: Map<string, string[]>, entry: PresenceEntry): void {
  const metas = keys.get(entry.key);
  if (metas === undefined) keys.set(entry.key, [entry.meta]);
  else metas.push(entry.meta);
}

/** `{"<key>":{"metas":[<meta>,…]},…}` */
function byKey(keys: Map<string, string[]>): string {
  let json = '';
  for (const [key, metas] of keys) json += `${json === '' ? '' : ','}${JSON.stringify(key)}:{"metas":[${metas.join(',')}]}`;
  return `{${json}}`;
}
