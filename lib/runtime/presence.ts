/**
 * Presence on this node (docs/presence.md): which connections are tracked in which room, under which
 * key and meta, and the frames that tell the room's members.
 *
 * The node holds every entry of each room that has a tracked connection here: its own, and the other
 * nodes' (loaded from the bus's presence store when the room gets its first member here, then kept up
 * to date by what the store reports). Changes are batched per room: at most one `presence_diff` per window (50 ms),
 * published once to the room's presence topic (uWS fans it out in C++), holding the net change of the
 * window. A connection that joins with presence gets the room's `presence_state` at the next flush,
 * itself included, and is subscribed to the diffs from there: it never sees its own join in a diff.
 */
import {
  presenceStoreOf,
  type Bus,
  type PresenceChange,
  type PresenceEntry,
  type PresenceNode,
  type PresenceSizes,
  type PresenceSnapshot,
  type PresenceStore,
} from '../bus/bus';
import type { PresenceState } from '../contract/presence-frames';
import type { Payload } from '../transport/types';
import { invalidArgument, invalidOption } from '../util/errors';
import { checkKeys } from '../util/validate';
import { PresenceRoom, type PresenceMember } from './presence-room';

/** Milliseconds between two diffs of one room, at least. */
export const PRESENCE_WINDOW_MS = 50;
/** Longest meta, as JSON text. */
export const MAX_META_CHARS = 4096;

/** What `ws.join(room, { presence })` asks for: the key (null: the connection's id) and the meta as JSON. */
export interface PresenceSpec {
  readonly key: string | null;
  readonly meta: string;
}

const emptyRoom: PresenceSnapshot = Object.freeze({ entries: [], owners: new Set<string>() });

/** The store of a bus within one process: no other node, so nothing to store, and every room empty of others. */
const inProcess: PresenceStore = {
  trackPresence() {},
  untrackPresence() {},
  loadPresence: () => Promise.resolve(emptyRoom),
};

export class Presence implements PresenceNode {
  private readonly rooms = new Map<string, PresenceRoom>();
  /** The local connections tracked somewhere, with their entry in each room (kept off the Connection: the per-message path never needs it). */
  private readonly tracked = new Map<PresenceMember, Map<string, PresenceEntry>>();
  /** Rooms each local connection observes (`presence: 'observe'`): it gets their frames without an entry. */
  private readonly observing = new Map<PresenceMember, Set<string>>();
  /**
   * What connections that dropped with a resumable session had, by id: their entries stay in their rooms
   * (no leave, no join for the others) until the session resumes or ends (docs/recovery.md).
   */
  private readonly held = new Map<string, { readonly entries: Map<string, PresenceEntry>; readonly observed: Set<string> }>();
  /** Rooms with something to flush: changes, or newcomers waiting for the state. */
  private readonly dirty = new Set<PresenceRoom>();
  private timer: NodeJS.Timeout | null = null;
  /** Where this node's entries are stored and the other nodes' read: the bus's PresenceStore, if it is one. */
  private readonly store: PresenceStore;
  /** Delivers a frame to the local subscribers of a topic; set by open(). */
  private deliver: ((topic: string, payload: Payload) => void) | null = null;

  constructor(
    private readonly self: string,
    bus: Bus,
  ) {
    this.store = presenceStoreOf(bus) ?? inProcess;
  }

  /** At listen(): frames can go out from here. */
  open(deliver: (topic: string, payload: Payload) => void): void {
    this.deliver = deliver;
  }

  /** At close(): nothing more goes out. */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.deliver = null;
  }

  /** What app.metrics() shows of presence; counted at scrape time, never kept up per change. */
  sizes(): PresenceSizes {
    let entries = 0;
    let local = 0;
    for (const room of this.rooms.values()) {
      entries += room.entries.size;
      local += room.members;
    }
    return { rooms: this.rooms.size, entries, local };
  }

  // ── Local connections ──────────────────────────────────────────────────────────────────────────

  /** Tracks `member` in `room` (it has just joined it). */
  track(member: PresenceMember, name: string, spec: PresenceSpec): void {
    const entry = entryOf(member.id, spec.key ?? member.id, spec.meta, this.self);
    const rooms = this.tracked.get(member);
    if (rooms === undefined) this.tracked.set(member, new Map([[name, entry]]));
    else rooms.set(name, entry);
    const room = this.hold(name);
    room.members++;
    room.newcomers.add(member);
    room.set(entry);
    this.changed(room);
    this.store.trackPresence(name, entry);
  }

  /** `member` gets the frames of `room` (its state at the next flush, then its diffs) without being tracked there. */
  observe(member: PresenceMember, name: string): void {
    let rooms = this.observing.get(member);
    if (rooms === undefined) this.observing.set(member, (rooms = new Set()));
    if (rooms.has(name)) return;
    rooms.add(name);
    const room = this.hold(name);
    room.observers++;
    room.newcomers.add(member);
    this.changed(room);
  }

  /** The room, held (and loaded from the bus) from its first local member or observer on. */
  private hold(name: string): PresenceRoom {
    let room = this.rooms.get(name);
    if (room === undefined) {
      room = new PresenceRoom(name, this.self);
      this.rooms.set(name, room);
      this.load(room);
    }
    return room;
  }

  /** Replaces the meta of `member` in `room`; false when it is not tracked there. */
  update(member: PresenceMember, name: string, meta: string): boolean {
    const rooms = this.tracked.get(member);
    const old = rooms?.get(name);
    const room = this.rooms.get(name);
    if (rooms === undefined || old === undefined || room === undefined) return false;
    const entry = entryOf(old.id, old.key, meta, this.self);
    rooms.set(name, entry);
    room.set(entry);
    this.changed(room);
    this.store.trackPresence(name, entry);
    return true;
  }

  /** Untracks `member` from `room` if it is tracked or observes there: it has left it, or closed. */
  untrack(member: PresenceMember, name: string): void {
    const observed = this.observing.get(member);
    if (observed !== undefined && observed.delete(name)) {
      if (observed.size === 0) this.observing.delete(member);
      const room = this.rooms.get(name);
      if (room === undefined) return;
      this.detach(room, member);
      room.observers--;
      this.release(room);
      return;
    }
    const rooms = this.tracked.get(member);
    if (rooms === undefined || !rooms.delete(name)) return;
    if (rooms.size === 0) this.tracked.delete(member);
    const room = this.rooms.get(name);
    if (room !== undefined) this.detach(room, member);
    this.remove(name, member.id);
  }

  /** `member` no longer hears `room`'s frames. */
  private detach(room: PresenceRoom, member: PresenceMember): void {
    if (room.newcomers.delete(member)) return;
    room.subscribed--;
    // A closed connection's socket is null: uWS has dropped its topics already.
    member.socket?.unsubscribe(room.topic);
  }

  /** A local entry leaves its room (unless another node has taken it over: the connection resumed there). */
  private remove(name: string, id: string): void {
    const room = this.rooms.get(name);
    if (room === undefined) return;
    if (room.entries.get(id)?.owner === this.self) room.delete(id);
    const last = --room.members === 0;
    if (!this.release(room)) this.changed(room);
    this.store.untrackPresence(name, id, last);
  }

  /** Stops holding a room nobody here is tracked in or observes (a pending load then finds it gone); true when it did. */
  private release(room: PresenceRoom): boolean {
    if (room.members + room.observers > 0) return false;
    this.rooms.delete(room.name);
    this.dirty.delete(room);
    return true;
  }

  /** The connection has closed: untracked from every room, and observes none. */
  closed(member: PresenceMember): void {
    const observed = this.observing.get(member);
    if (observed !== undefined) for (const name of [...observed]) this.untrack(member, name);
    const rooms = this.tracked.size === 0 ? undefined : this.tracked.get(member);
    if (rooms !== undefined) for (const name of [...rooms.keys()]) this.untrack(member, name);
  }

  /** A connection with a resumable session has dropped: its entries stay where they are until it resumes or the session ends. */
  park(member: PresenceMember): void {
    const entries = this.tracked.get(member) ?? new Map<string, PresenceEntry>();
    const observed = this.observing.get(member) ?? new Set<string>();
    if (entries.size + observed.size === 0) return;
    this.tracked.delete(member);
    this.observing.delete(member);
    for (const name of [...entries.keys(), ...observed]) {
      const room = this.rooms.get(name);
      if (room !== undefined) this.detach(room, member);
    }
    this.held.set(member.id, { entries, observed });
  }

  /** The session resumed on `member` (same id): tracked again under the same entries, observing again; each room's state at the next flush. */
  resume(member: PresenceMember): void {
    const held = this.held.get(member.id);
    if (held === undefined) return;
    this.held.delete(member.id);
    if (held.entries.size > 0) this.tracked.set(member, held.entries);
    if (held.observed.size > 0) this.observing.set(member, held.observed);
    for (const name of [...held.entries.keys(), ...held.observed]) {
      const room = this.rooms.get(name);
      if (room === undefined) continue;
      room.newcomers.add(member);
      this.changed(room);
    }
  }

  /** The session of a dropped connection ended without resuming: its entries leave now. */
  ended(id: string): void {
    const held = this.held.get(id);
    if (held === undefined) return;
    this.held.delete(id);
    for (const name of held.entries.keys()) this.remove(name, id);
    for (const name of held.observed) {
      const room = this.rooms.get(name);
      if (room === undefined) continue;
      room.observers--;
      this.release(room);
    }
  }

  /** `app.presence(room)`: the room as this node holds it, or as the bus has it when no one here is in it. */
  async list(name: string): Promise<PresenceState> {
    const held = this.rooms.get(name);
    if (held !== undefined && held.ready) return held.state();
    const snapshot = await this.store.loadPresence(name);
    const room = this.rooms.get(name);
    if (room !== undefined && room.ready) return room.state();
    const view = new PresenceRoom(name, this.self);
    if (room !== undefined) for (const entry of room.entriesOf(this.self)) view.set(entry);
    if (snapshot !== null) view.replace(snapshot);
    return view.state();
  }

  // ── What the store reports ─────────────────────────────────────────────────────────────────────

  /** Another node changed its entries in a room. */
  remoteChange(name: string, change: PresenceChange): void {
    const room = this.rooms.get(name);
    if (room === undefined) return;
    if (room.buffered !== null) room.buffered.push(change);
    else {
      room.apply(change);
      this.changed(room);
    }
  }

  /** The other nodes whose entries this node holds. */
  owners(): Set<string> {
    const owners = new Set<string>();
    for (const room of this.rooms.values()) for (const entry of room.entries.values()) owners.add(entry.owner);
    owners.delete(this.self);
    return owners;
  }

  /** Node `owner` is dead: its entries leave every room. */
  gone(owner: string): void {
    const change: PresenceChange = { owner, whole: true, set: [], removed: [] };
    for (const name of this.rooms.keys()) this.remoteChange(name, change);
  }

  /** This node's own entries, by room. */
  own(): Map<string, PresenceEntry[]> {
    const own = new Map<string, PresenceEntry[]>();
    for (const [name, room] of this.rooms) own.set(name, room.entriesOf(this.self));
    return own;
  }

  /** After a gap of the bus: every room is loaded again (the other nodes' changes meanwhile were lost). */
  reload(): void {
    for (const room of this.rooms.values()) this.load(room);
  }

  // ── Batching ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Loads what the other nodes have in the room; their changes meanwhile wait, then apply in order
   * (each change says what an entry is now, so replaying one the load already saw does nothing). When
   * the store cannot be read (a gap), the room goes on with what this node has.
   */
  private load(room: PresenceRoom): void {
    const number = ++room.loads;
    room.buffered ??= [];
    const loaded = (snapshot: PresenceSnapshot | null): void => {
      if (this.rooms.get(room.name) !== room || room.loads !== number) return;
      if (snapshot !== null) room.replace(snapshot);
      const buffered = room.buffered ?? [];
      room.buffered = null;
      for (const change of buffered) room.apply(change);
      room.ready = true;
      this.changed(room);
    };
    this.store.loadPresence(room.name).then(loaded, () => loaded(null));
  }

  private changed(room: PresenceRoom): void {
    this.dirty.add(room);
    this.timer ??= setTimeout(this.flush, PRESENCE_WINDOW_MS);
  }

  private readonly flush = (): void => {
    this.timer = null;
    const deliver = this.deliver;
    if (deliver === null) return;
    const retry: PresenceRoom[] = [];
    for (const room of this.dirty) {
      // A room still loading is flushed once loaded.
      if (!room.ready) continue;
      this.dirty.delete(room);
      const diff = room.subscribed > 0 ? room.takeDiff() : (room.discardChanges(), null);
      if (diff !== null) deliver(room.topic, diff);
      if (room.newcomers.size === 0) continue;
      const state = room.stateFrame();
      for (const member of room.newcomers) {
        // A reader past maxBackpressure drops the state: it stays a newcomer and gets a fresh one next window.
        if (!member.sendPayload(state)) continue;
        member.socket?.subscribe(room.topic);
        room.subscribed++;
        room.newcomers.delete(member);
      }
      if (room.newcomers.size > 0) retry.push(room);
    }
    for (const room of retry) this.changed(room);
  };
}

/** An entry of node `owner`, its meta JSON with the connection id first. */
function entryOf(id: string, key: string, meta: string, owner: string): PresenceEntry {
  return { id, key, meta: meta === '{}' ? `{"id":${JSON.stringify(id)}}` : `{"id":${JSON.stringify(id)},${meta.slice(1)}`, owner };
}

/** Checks `options` of `ws.join(room, options)`; the presence asked for, `'observe'`, or null. */
export function joinOptions(where: string, options: unknown): PresenceSpec | 'observe' | null {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw invalidArgument(where, 'options', 'an object like { presence: { key, meta } }', options);
  checkKeys(where, options, ['presence']);
  const presence = (options as { presence?: unknown }).presence;
  if (presence === undefined) return null;
  if (presence === 'observe') return presence;
  if (presence === null || typeof presence !== 'object' || Array.isArray(presence))
    throw invalidOption(where, 'presence', "an object { key?, meta? } or 'observe'", presence);
  checkKeys(where, presence, ['key', 'meta']);
  const { key, meta } = presence as { key?: unknown; meta?: unknown };
  if (key !== undefined && (typeof key !== 'string' || key === '' || key.length > 256 || key === '__proto__'))
    throw invalidOption(where, 'presence.key', 'a non-empty string of at most 256 characters (not "__proto__")', key);
  const json = meta === undefined ? '{}' : metaJson(meta);
  if (json === null) throw invalidOption(where, 'presence.meta', META, meta);
  return { key: key ?? null, meta: json };
}

/** Checks the meta of `ws.updatePresence(room, meta)`; its JSON. */
export function updateMeta(where: string, meta: unknown): string {
  const json = metaJson(meta);
  if (json === null) throw invalidArgument(where, 'meta', META, meta);
  return json;
}

const META = `a plain object that JSON can encode (at most ${MAX_META_CHARS} characters of JSON), without an "id" (the connection id takes that place)`;

/** The JSON of a valid meta, or null. */
function metaJson(meta: unknown): string | null {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta) || Object.hasOwn(meta, 'id')) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(meta);
  } catch {
    return null;
  }
  return json !== undefined && json.startsWith('{') && json.length <= MAX_META_CHARS ? json : null;
}
