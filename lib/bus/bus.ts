/**
 * The seam between fan-out and its delivery (`switchboard/bus`). Every broadcast and every sendTo goes
 * through a Bus, so a bus that spans processes (Redis) can replace the in-process one without touching
 * handlers. The seam speaks topics, connection ids and payloads; the sender a publish skips is an opaque
 * handle that the bus only hands back. Presence storage is a second, optional interface (PresenceStore):
 * a bus that implements it stores and spreads each node's presence entries; one that does not keeps
 * presence within its process (docs/presence.md).
 */
import type { Payload, Sender } from '../transport/types';
import type { Logger } from '../util/validate';

/**
 * One connection tracked in a room: its id (which starts with its node's id), its presence key, and
 * its meta as the JSON text `{"id":<id>,…meta}`, made once when it is tracked.
 */
export interface PresenceEntry {
  readonly id: string;
  readonly key: string;
  readonly meta: string;
  /**
   * The node that holds the connection. Not always the node that minted its id: a connection that
   * resumed on another node keeps its id (docs/recovery.md).
   */
  readonly owner: string;
}

/**
 * What node `owner` changed in a room: entries added or replaced (`set`, each owned by `owner`), ids
 * removed (only where the entry is still `owner`'s). With `whole`, `set` is everything `owner` has in
 * the room now: its entries there that `set` lacks are gone.
 */
export interface PresenceChange {
  readonly owner: string;
  readonly whole: boolean;
  readonly set: readonly PresenceEntry[];
  readonly removed: readonly string[];
}

/**
 * A room's presence as the shared store has it: `entries` are complete for the nodes in `owners` (the
 * live ones); what the node holds of any other node is not contradicted.
 */
export interface PresenceSnapshot {
  readonly entries: readonly PresenceEntry[];
  readonly owners: ReadonlySet<string>;
}

/** What the app offers a bus: delivery to the connections of this process, and its presence. */
export interface BusNode {
  /** Prefix of every connection id minted by this process; unique per process. */
  readonly nodeId: string;
  /** The app's logger, for a bus that has something to report (a lost connection to its broker). */
  readonly logger: Logger;
  /** Delivers to local subscribers of `topic`, skipping `except` (the handle `Bus.publish` got); returns how many got it. */
  publishLocal(topic: string, payload: Payload, except: Sender | null): number;
  /** Delivers to the local connection `id`; false when it is not here or closed. */
  sendLocal(id: string, payload: Payload): boolean;
  /** Another node's report for the inspection page (JSON text; lib/operate/admin-cluster.ts reads it). */
  reportReceived(report: string): void;
  /** This node's presence, for a bus that stores it (a PresenceStore); any other bus leaves it alone. */
  readonly presence: PresenceNode;
  /**
   * A push stored by a {@link SharedHistory} (this node's too: it is delivered only when it comes back
   * with its position, so every node stamps the same one). `except`: the id it skips, '' for none.
   */
  storedReceived?(topic: string, payload: string, epoch: string, offset: number, except: string): void;
}

/** What a presence store is told by, and tells, this node's presence. */
export interface PresenceNode {
  /** Another node changed its entries in `room`. */
  remoteChange(room: string, change: PresenceChange): void;
  /** The other nodes whose entries this node holds (for the store to check they are alive). */
  owners(): ReadonlySet<string>;
  /** Node `owner` is dead: drop every entry of it. */
  gone(owner: string): void;
  /** This node's own entries, by room: what the store re-asserts after a gap. */
  own(): ReadonlyMap<string, readonly PresenceEntry[]>;
  /** The store is back after a gap: the node reloads what it holds of the other nodes. */
  reload(): void;
}

/** One push of a shared history: its offset in its topic, the frame without its position, the id it skips ('' for none). */
export interface StoredEntry {
  readonly offset: number;
  readonly payload: string;
  readonly except: string;
}

/** A topic as the shared history has it: its epoch (null: no epoch, the topic is unknown), top offset, and the entries asked for. */
export interface StoredTopic {
  readonly epoch: string | null;
  readonly top: number;
  readonly entries: readonly StoredEntry[];
}

/**
 * History and resumable sessions kept where every node sees them (recovery on a bus across processes,
 * docs/recovery.md). Writes are fire-and-forget and ordered per node; reads resolve once the store answered.
 * `keep` is how long (ms) a topic's epoch must outlive its last write.
 */
export interface SharedHistory {
  /** Stores a push with the next offset of `topic` and publishes it to every node; false when the store is unreachable. */
  append(topic: string, payload: string, except: string, keep: number): boolean;
  /** Starts session `token` (connection `id` on route `route`). */
  openSession(token: string, id: string, route: string): void;
  /** Session `token` follows `topic` from its current top (made with a new epoch when it has none), which it resolves to. */
  follow(token: string, topic: string, keep: number): Promise<{ readonly epoch: string; readonly top: number }>;
  /** Moves where session `token` follows `topic` from (a push reached its node before the follow was written). */
  rebase(token: string, topic: string, epoch: string, offset: number): void;
  unfollow(token: string, topic: string): void;
  /** The session's connection dropped: it may be claimed until `until` (ms since the epoch). */
  park(token: string, until: number): void;
  end(token: string): void;
  /** Keeps the sessions of open connections alive. */
  refresh(tokens: Iterable<string>): void;
  /** Takes session `token` over as `next`, once: its fields, or null when there is no such session. */
  claim(token: string, next: string): Promise<Readonly<Record<string, string>> | null>;
  /** The epoch, top and the entries after `after` of `topic`, read together. */
  read(topic: string, after: number): Promise<StoredTopic>;
  /**
   * Resolves once every push the store published before it was called has been handed to this node
   * (its replies and its publications may travel apart: a read can answer before the pushes it saw arrive).
   */
  barrier(): Promise<void>;
}

/**
 * The size of what a process follows of presence, for its metrics: rooms with a connection of it tracked,
 * their entries on every process (as it sees them), and its own entries.
 */
export interface PresenceSizes {
  readonly rooms: number;
  readonly entries: number;
  readonly local: number;
}

/** What a bus has counted since it was opened; the app's metrics read it (docs/metrics.md). */
export interface BusStats {
  /** Messages handed to the bus for other processes (for an in-process bus: every publish). */
  published: number;
  /** Messages received from other processes and delivered here. */
  received: number;
  /** Messages lost because the broker was unreachable. */
  dropped: number;
  /** Times the bus got its broker back after losing it. */
  reconnects: number;
}

/**
 * Fan-out. `open` is called once by `app.listen()` before the port is bound (a rejection fails
 * listen()), `close` once by `app.close()` after every @OnClose has run, so their broadcasts still
 * go out. Counts returned by `publish` are the recipients on this process; `sendTo` of an id on
 * another process returns whether the message was handed on (see docs/scale-out.md).
 * @example
 * class LoggingBus implements Bus {
 *   constructor(private readonly inner: Bus) {}
 *   open(node: BusNode) { return this.inner.open(node); }
 *   publish(topic: string, payload: Payload, except: Sender | null) { console.log('publish', topic); return this.inner.publish(topic, payload, except); }
 *   sendTo(id: string, payload: Payload) { return this.inner.sendTo(id, payload); }
 *   close() { return this.inner.close(); }
 * }
 */
export interface Bus {
  open(node: BusNode): Promise<void>;
  /** To every subscriber of `topic`; `except` is the sender that skips itself, to be handed to `node.publishLocal` unopened. */
  publish(topic: string, payload: Payload, except: Sender | null): number;
  sendTo(id: string, payload: Payload): boolean;
  close(): Promise<void>;
  /**
   * Hands this node's report for the inspection page (`app.admin()`, JSON text) to every other node, each
   * of which gets it through `reportReceived`. Absent on a bus within one process: there is nobody to tell.
   */
  shareReport?(report: string): void;
  /** Counters for the metrics; a bus without them shows none. */
  readonly stats?: BusStats;
  /**
   * The App has recovery: history and sessions go to this bus's store, so a client resumes on any node.
   * Called once, before `open`. Absent on a bus that cannot share them (recovery then stays in process).
   */
  keepHistory?(options: { readonly window: number; readonly historySize: number }): SharedHistory;
}

/**
 * Presence across processes, implemented by a bus that spans them (RedisBus does): `trackPresence` and
 * `untrackPresence` store this node's entries and tell the other nodes (`node.presence.remoteChange`
 * there); `loadPresence` reads a room as the store has it (null while unreachable). A bus without it
 * keeps presence within its process: every entry is this node's own.
 */
export interface PresenceStore {
  /** Adds or replaces an entry of this node in `room`. */
  trackPresence(room: string, entry: PresenceEntry): void;
  /** Removes an entry of this node; `last` when it was this node's last entry in `room`. */
  untrackPresence(room: string, id: string, last: boolean): void;
  loadPresence(room: string): Promise<PresenceSnapshot | null>;
}

/** The bus as a presence store when it implements PresenceStore (`new App()` has checked it implements all of it or none). */
export function presenceStoreOf(bus: Bus): PresenceStore | null {
  const b = bus as Bus & Partial<PresenceStore>;
  return typeof b.trackPresence === 'function' ? (b as Bus & PresenceStore) : null;
}
