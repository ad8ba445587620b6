/**
 * Every connection of this process, from the moment it opens until its @OnClose has finished: open
 * connections by sequence number (what sendTo finds and app.close() ends), and the count of those not
 * yet finished (what a graceful app.close() waits for). Connection ids are minted here.
 */
import { randomBytes } from 'node:crypto';

/** What the registry needs of a connection. */
export interface Registered {
  readonly seq: number;
  readonly id: string;
}

export class Registry<C extends Registered> {
  /** 12 hex digits: ids stay unique across the processes sharing a bus. */
  readonly nodeId = randomBytes(6).toString('hex');
  /**
   * Open connections by sequence number. Number keys rather than the id strings: an id is only
   * built when something reads `ws.id` (less memory per idle connection, benchmarks idle-memory-10k).
   */
  readonly open = new Map<number, C>();
  /** Open connections holding an id minted by another process (a session resumed here from there), by id. */
  private readonly adopted = new Map<string, C>();
  private readonly idPrefix = `${this.nodeId}-`;
  private seq = 0;
  private unfinished = 0;
  private onIdle: (() => void) | null = null;

  nextSeq(): number {
    return ++this.seq;
  }

  /** The id of this process's connection `seq`: `<nodeId>-<seq in base 36>`. */
  idOf(seq: number): string {
    return this.idPrefix + seq.toString(36);
  }

  /** The sequence number in an id this process minted; null for another process's id. */
  seqOf(id: string): number | null {
    return id.startsWith(this.idPrefix) ? parseInt(id.slice(this.idPrefix.length), 36) : null;
  }

  /** `c` opens with another process's id (set before it opens): find() reaches it by that id. */
  adopt(c: C): void {
    this.adopted.set(c.id, c);
  }

  /** The open connection with this id, if it is one of this process's (or adopted by it). */
  find(id: string): C | undefined {
    if (!id.startsWith(this.idPrefix)) return this.adopted.size === 0 ? undefined : this.adopted.get(id);
    const c = this.open.get(parseInt(id.slice(this.idPrefix.length), 36));
    // parseInt reads a prefix ("1.5" → 1): only the exact id matches.
    return c !== undefined && c.id === id ? c : undefined;
  }

  opened(c: C): void {
    this.open.set(c.seq, c);
    this.unfinished++;
  }

  closed(c: C): void {
    this.open.delete(c.seq);
    if (this.adopted.size !== 0 && this.adopted.get(c.id) === c) this.adopted.delete(c.id);
  }

  /** Called once per connection, after its @OnClose (or its last handler) has finished. */
  finished(): void {
    if (--this.unfinished === 0 && this.onIdle !== null) this.onIdle();
  }

  /** Resolves once every connection has finished. */
  whenIdle(): Promise<void> {
    if (this.unfinished === 0) return Promise.resolve();
    return new Promise((resolve) => (this.onIdle = resolve));
  }
}
