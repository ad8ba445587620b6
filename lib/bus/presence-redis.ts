/**
 * Presence across nodes on Redis (docs/presence.md): each node writes its own entries to one hash per
 * room and tells the others on the bus's channel; a sorted set says which nodes are alive.
 *
 * - Track/untrack: HSET of the entry, or its removal if it is still this node's (a connection that
 *   resumed elsewhere keeps its id), then a change on `<prefix>:all`, pipelined in order.
 * - Liveness: every ttl/3 a node keeps itself alive for ttl, removes from Redis the entries of nodes
 *   found expired (the script is atomic: once, whichever node gets there first) and hears which nodes
 *   are alive. Each node then drops from its own view the entries of nodes found expired, or absent
 *   from Redis for a whole ttl: every node tells its own clients, so no leave is broadcast twice.
 * - After a gap (or when this node finds it was counted dead): it writes all its entries again,
 *   replacing what Redis had of it, announces them per room, and reloads the rooms it holds. Nothing
 *   is removed from a view for an owner that is merely not back yet, so a Redis restart makes no
 *   leave and join storm: views change only where entries really changed.
 */
import type { BusNode, PresenceEntry, PresenceSnapshot } from './bus';
import { LEAVE, LOAD, RESYNC, TICK, UNTRACK } from './presence-scripts';
import { decodeChange, encodeChange, storedEntry, storedValue } from './presence-wire';

/** What presence needs of the bus: commands and announcements on Redis, each null/false while it is unreachable. */
export interface PresenceLink {
  command(args: string[]): Promise<unknown> | null;
  announce(room: string, change: string): boolean;
}

export class RedisPresence {
  private readonly self: string;
  private readonly roomsKey: string;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  /** Owners whose entries this node holds but whom Redis did not list, since when (Date.now()). */
  private readonly absent = new Map<string, number>();
  /** Rooms whose writes may not have reached Redis or the other nodes: announced again at the next resync. */
  private unsynced = new Set<string>();

  constructor(
    private readonly prefix: string,
    /** Milliseconds a node stays alive without a heartbeat. */
    private readonly ttl: number,
    private readonly node: BusNode,
    private readonly link: PresenceLink,
  ) {
    this.self = node.nodeId;
    this.roomsKey = `${prefix}:presence:rooms:${this.self}`;
  }

  /** At open, once Redis is reachable: registers this node, then beats every ttl/3. */
  async start(): Promise<void> {
    await this.resync();
    this.timer = setInterval(() => void this.tick(), Math.max(1, Math.round(this.ttl / 3)));
    this.timer.unref();
  }

  /** At close, while Redis may still be reachable: this node's entries leave, everywhere, now. */
  async stop(): Promise<void> {
    this.stopBeating();
    for (const room of this.node.presence.own().keys()) this.link.announce(room, encodeChange(this.self, true, [], []));
    await this.link.command(['EVAL', LEAVE, '0', this.prefix, this.self])?.catch(() => undefined);
  }

  stopBeating(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  track(room: string, entry: PresenceEntry): void {
    if (this.write(room, ['HSET', this.roomKey(room), entry.id, storedValue(entry)], ['SADD', this.roomsKey, room]))
      this.announce(room, encodeChange(this.self, false, [entry], []));
  }

  untrack(room: string, id: string, last: boolean): void {
    if (this.write(room, ['EVAL', UNTRACK, '0', this.prefix, this.self, room, id, last ? '1' : '0']))
      this.announce(room, encodeChange(this.self, false, [], [id]));
  }

  async load(room: string): Promise<PresenceSnapshot | null> {
    const reply = this.link.command(['EVAL', LOAD, '0', this.prefix, room]);
    if (reply === null) return null;
    let alive: string[], hash: string[];
    try {
      [alive, hash] = (await reply) as [string[], string[]];
    } catch {
      return null;
    }
    const owners = new Set(alive);
    const entries: PresenceEntry[] = [];
    for (let i = 0; i + 1 < hash.length; i += 2) {
      const entry = storedEntry(hash[i]!, hash[i + 1]!);
      if (entry !== null && owners.has(entry.owner)) entries.push(entry);
    }
    return { entries, owners };
  }

  /** A change announced by another node. */
  received(room: string, text: string): void {
    const change = decodeChange(text);
    if (change === null) this.node.logger.warn(`switchboard: RedisBus ignored a malformed presence change for room ${JSON.stringify(room)}.`);
    else this.node.presence.remoteChange(room, change);
  }

  /** The bus has Redis again after a gap. */
  reconnected(): void {
    void this.resync();
  }

  /**
   * Replaces everything Redis has of this node by its entries now, and announces them per room (in
   * the same write as the script, so before any later change of this node). Rooms where it had entries
   * before and has none now are announced empty. Then the rooms this node holds are reloaded.
   */
  private resync(): Promise<void> {
    const own = this.node.presence.own();
    const args = ['EVAL', RESYNC, '0', this.prefix, this.self, String(this.ttl)];
    for (const [room, entries] of own) {
      args.push(room, String(entries.length));
      for (const entry of entries) args.push(entry.id, storedValue(entry));
    }
    const reply = this.link.command(args);
    if (reply === null) return Promise.resolve();
    const unsynced = this.unsynced;
    this.unsynced = new Set();
    for (const [room, entries] of own) this.link.announce(room, encodeChange(this.self, true, entries, []));
    for (const room of unsynced) if (!own.has(room)) this.link.announce(room, encodeChange(this.self, true, [], []));
    return reply.then(
      (before) => {
        for (const room of before as string[])
          if (!own.has(room) && !unsynced.has(room)) this.link.announce(room, encodeChange(this.self, true, this.node.presence.own().get(room) ?? [], []));
        this.node.presence.reload();
      },
      () => {
        // Redis went away again: the next reconnection resyncs these too.
        for (const room of unsynced) this.unsynced.add(room);
      },
    );
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    const reply = this.link.command(['EVAL', TICK, '0', this.prefix, this.self, String(this.ttl)]);
    if (reply === null) return;
    this.ticking = true;
    try {
      const [lapsed, alive, expired] = (await reply) as [number, string[], string[]];
      // Found dead by the others (an event loop blocked for longer than ttl), or Redis lost our keys.
      if (lapsed === 1) void this.resync();
      this.judge(new Set(alive), new Set(expired));
    } catch {
      // Redis went away: the bus reports the gap, and resyncs when it is back.
    } finally {
      this.ticking = false;
    }
  }

  /** Drops the entries of owners found expired, or absent from Redis for a whole ttl (lost while Redis was away). */
  private judge(alive: ReadonlySet<string>, expired: ReadonlySet<string>): void {
    const now = Date.now();
    const held = this.node.presence.owners();
    for (const owner of this.absent.keys()) if (!held.has(owner) || alive.has(owner)) this.absent.delete(owner);
    for (const owner of held) {
      if (alive.has(owner)) continue;
      const since = this.absent.get(owner);
      if (expired.has(owner) || (since !== undefined && now - since >= this.ttl)) {
        this.absent.delete(owner);
        this.node.presence.gone(owner);
      } else if (since === undefined) this.absent.set(owner, now);
    }
  }

  /** Sends the commands in order; false (the room marked unsynced) when Redis is unreachable now. */
  private write(room: string, ...commands: string[][]): boolean {
    for (const command of commands) {
      const reply = this.link.command(command);
      if (reply === null) {
        this.unsynced.add(room);
        return false;
      }
      void reply.catch(() => this.unsynced.add(room));
    }
    return true;
  }

  private announce(room: string, change: string): void {
    if (!this.link.announce(room, change)) this.unsynced.add(room);
  }

  private roomKey(room: string): string {
    return `${this.prefix}:presence:room:${room}`;
  }
}
