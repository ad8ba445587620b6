/**
 * Room history in process: a ring of the latest pushes per topic, bounded in count (`historySize`) and
 * in age (`window`). Each push gets the next offset of its topic; each ring has an epoch, so a client
 * holding a position of a ring that was dropped and made again can tell (docs/recovery.md).
 */
import { randomBytes } from 'node:crypto';

/** One stored push: the frame as published (without its position), when, and the connection it skipped. */
export interface HistoryEntry {
  readonly offset: number;
  readonly time: number;
  readonly payload: string;
  /** The id of the publisher that published with `exceptSelf` (it never got this push), else null. */
  readonly except: string | null;
}

/** The history of one topic. */
export class Ring {
  /** Offset of the newest push (0 before the first). */
  top = 0;
  /** Highest offset no longer held (dropped for size or age): a client behind it cannot be made whole. */
  lost = 0;
  /** Bytes of payload held (UTF-16 code units), for the metrics. */
  bytes = 0;
  /** The position prefix of this ring's frames, made by the runtime when it first stamps one. */
  prefix: string | null = null;
  /** Pushes held. */
  count = 0;
  /** Index of the oldest in `slots`: a circular buffer, so dropping the oldest moves nothing. */
  private head = 0;
  private readonly slots: (HistoryEntry | undefined)[] = [];

  constructor(
    readonly epoch: string,
    /** The topic's name as a client sees it (`room:lobby`, `route`, `direct`). */
    readonly label: string,
    private readonly capacity: number,
  ) {}

  /** The `i`-th oldest entry held (0 ≤ i < count). */
  at(i: number): HistoryEntry {
    return this.slots[(this.head + i) % this.capacity]!;
  }

  /** The entries held, oldest first. */
  list(): HistoryEntry[] {
    const list: HistoryEntry[] = [];
    for (let i = 0; i < this.count; i++) list.push(this.at(i));
    return list;
  }

  /** Stores `entry` behind the newest; the ring must not be full. */
  add(entry: HistoryEntry): void {
    this.slots[(this.head + this.count) % this.capacity] = entry;
    this.count++;
  }

  /** Drops the oldest entry (the ring must not be empty) and returns it. */
  shift(): HistoryEntry {
    const entry = this.slots[this.head]!;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return entry;
  }
}

export class MemoryHistory {
  private readonly rings = new Map<string, Ring>();
  /** Random per history: a restarted process never reuses an epoch. */
  private readonly epochBase = randomBytes(4).toString('hex');
  private generation = 0;
  /** Pushes held in every ring, for the metrics. */
  entries = 0;

  constructor(
    private readonly window: number,
    private readonly size: number,
  ) {}

  /** Topics with a ring. */
  get topics(): number {
    return this.rings.size;
  }

  peek(topic: string): Ring | undefined {
    return this.rings.get(topic);
  }

  /** The ring of `topic`, made (with a new epoch) when it has none. */
  ring(topic: string, label: string): Ring {
    let ring = this.rings.get(topic);
    if (ring === undefined) this.rings.set(topic, (ring = new Ring(this.epochBase + (++this.generation).toString(36), label, this.size)));
    return ring;
  }

  /** Stores a push; returns its offset. */
  append(ring: Ring, payload: string, except: string | null, now: number): number {
    if (ring.count === this.size) this.drop(ring);
    const offset = ++ring.top;
    ring.add({ offset, time: now, payload, except });
    ring.bytes += payload.length;
    this.entries++;
    this.expire(ring, now);
    return offset;
  }

  /** Drops what is older than the window. */
  expire(ring: Ring, now: number): void {
    const oldest = now - this.window;
    while (ring.count > 0 && ring.at(0).time < oldest) this.drop(ring);
  }

  /** The pushes after `offset`, oldest first; null when one of them is no longer held. */
  since(ring: Ring, offset: number, now: number): readonly HistoryEntry[] | null {
    this.expire(ring, now);
    if (ring.lost > offset) return null;
    const missed: HistoryEntry[] = [];
    for (let i = 0; i < ring.count; i++) if (ring.at(i).offset > offset) missed.push(ring.at(i));
    return missed;
  }

  /**
   * Expires old pushes everywhere and forgets the rings left empty that `keep` does not need (a ring
   * someone follows must keep its epoch, or that follower could not tell what it missed).
   */
  sweep(now: number, keep: (topic: string) => boolean): void {
    for (const [topic, ring] of this.rings) {
      this.expire(ring, now);
      if (ring.count === 0 && !keep(topic)) this.rings.delete(topic);
    }
  }

  /** Forgets a topic and its pushes (a connection id that will never be resumed). */
  forget(topic: string): void {
    const ring = this.rings.get(topic);
    if (ring === undefined) return;
    this.entries -= ring.count;
    this.rings.delete(topic);
  }

  private drop(ring: Ring): void {
    const entry = ring.shift();
    ring.lost = entry.offset;
    ring.bytes -= entry.payload.length;
    this.entries--;
  }
}
