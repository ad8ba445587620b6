/**
 * The per-app runtime context every Connector points to: the id registry, the bus, the logger and the
 * count of connections whose @OnClose has not finished yet (what a graceful app.close() waits for).
 */
import { randomBytes } from 'node:crypto';
import type { Bus, BusNode } from './bus/bus';
import type { Connector } from './connector';
import type { Logger } from './options';
import type { Payload } from './reply';
import type { Publisher } from './transport/socket';

/** The reason of the 1001 every connection gets from app.close(). */
export const GOING_AWAY = 'Server shutting down';

export class Hub implements BusNode {
  /** 12 hex digits: ids stay unique across the processes sharing a bus. */
  readonly nodeId = randomBytes(6).toString('hex');
  /**
   * Open connections by sequence number. Number keys rather than the id strings: an id is only
   * built when something reads `ws.id` (less memory per idle connection, benchmarks idle-memory-10k).
   */
  readonly connections = new Map<number, Connector>();
  publisher: Publisher | null = null;
  /** app.close() has begun: connections still flushing are ended (1001) when they drain. */
  closing = false;
  private seq = 0;
  private unfinished = 0;
  private onIdle: (() => void) | null = null;

  constructor(
    readonly bus: Bus,
    readonly logger: Logger,
  ) {}

  private readonly idPrefix = `${this.nodeId}-`;

  nextSeq(): number {
    return ++this.seq;
  }

  /** The id of this process's connection `seq`: `<nodeId>-<seq in base 36>`. */
  idOf(seq: number): string {
    return this.idPrefix + seq.toString(36);
  }

  opened(c: Connector): void {
    this.connections.set(c.seq, c);
    this.unfinished++;
  }

  closed(c: Connector): void {
    this.connections.delete(c.seq);
  }

  /** Called once per connection, after its @OnClose (or its last handler) has finished. */
  finalized(): void {
    if (--this.unfinished === 0 && this.onIdle !== null) this.onIdle();
  }

  /** Resolves once every connection has been finalized. */
  whenIdle(): Promise<void> {
    if (this.unfinished === 0) return Promise.resolve();
    return new Promise((resolve) => (this.onIdle = resolve));
  }

  publishLocal(topic: string, payload: Payload, except: Connector | null): number {
    const publisher = this.publisher;
    if (publisher === null) return 0;
    const isBinary = typeof payload !== 'string';
    const socket = except === null ? null : except.socket;
    let count = publisher.numSubscribers(topic);
    if (socket === null) {
      publisher.publish(topic, payload, isBinary, true);
    } else {
      // uWS's ws.publish skips the sender in C++; no JS loop over sockets.
      if (socket.isSubscribed(topic)) count--;
      socket.publish(topic, payload, isBinary, true);
    }
    return count;
  }

  sendLocal(id: string, payload: Payload): boolean {
    if (!id.startsWith(this.idPrefix)) return false;
    const c = this.connections.get(parseInt(id.slice(this.idPrefix.length), 36));
    // parseInt reads a prefix ("1.5" → 1): only the exact id matches.
    return c !== undefined && c.id === id && c.sendPayload(payload);
  }
}
