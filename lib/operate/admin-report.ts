/**
 * What each node tells the inspection page about itself, every `reportInterval`: made here from counters
 * that already exist (each route's RouteStats, the fan-out count, presence sizes, the room counts) and
 * process figures. Making one costs the same whatever the number of connections: nothing here walks them;
 * the one walk is over this node's rooms, bounded to its top N (admin-cluster.ts merges the nodes').
 */
import type { PresenceSizes } from '../bus/bus';
import type { RoutePlan } from '../compile/plan';

/** A room and its members, as the page lists it. */
export interface RoomSize {
  readonly name: string;
  readonly members: number;
}

/** What a node's report is read from (the app provides it; the names say where each comes from). */
export interface ReportSource {
  readonly nodeId: string;
  readonly routes: readonly RoutePlan[];
  /** Open connections of this process. */
  connections(): number;
  /** Frames delivered by fan-out (broadcasts and room publishes) on this process. */
  deliveries(): number;
  presence(): PresenceSizes;
  /** Rooms with a connection of this process, and the largest of them. */
  readonly rooms: { readonly size: number; top(limit: number): RoomSize[] };
}

/**
 * Cumulative counters of a node since it started, in this order: frames received from clients, frames
 * delivered (sent to one connection, and by fan-out), errors (handler failures and rejected event data),
 * and frames dropped (backpressure, queue overflows closing a connection).
 */
export type Counters = readonly [received: number, delivered: number, errors: number, dropped: number];

/** One node's report: JSON on the bus between nodes. */
export interface NodeReport {
  readonly node: string;
  /** Date.now() when it was made. */
  readonly at: number;
  /** The node's reportInterval: it counts as gone after three of them without a report. */
  readonly interval: number;
  readonly startedAt: number;
  readonly connections: number;
  /** CPU used by the process since its previous report, in % of one core. */
  readonly cpu: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly rooms: number;
  readonly top: readonly RoomSize[];
  readonly presence: PresenceSizes;
  readonly counters: Counters;
}

/** Makes this node's reports; each measures its CPU since the one before. */
export class Reporter {
  private readonly startedAt = Date.now();
  private cpuAt = performance.now();
  private cpu = process.cpuUsage();

  constructor(
    private readonly source: ReportSource,
    private readonly interval: number,
    private readonly topRooms: number,
  ) {}

  report(): NodeReport {
    const { source } = this;
    const now = performance.now();
    const cpu = process.cpuUsage(this.cpu);
    const elapsedMs = Math.max(1, now - this.cpuAt);
    this.cpu = process.cpuUsage();
    this.cpuAt = now;
    let received = 0;
    let delivered = source.deliveries();
    let errors = 0;
    let dropped = 0;
    for (const { stats } of source.routes) {
      received += stats.messagesIn;
      delivered += stats.messagesOut;
      errors += stats.handlerErrors + stats.validationFailures;
      dropped += stats.backpressureDrops + stats.queueOverflows;
    }
    const memory = process.memoryUsage();
    return {
      node: source.nodeId,
      at: Date.now(),
      interval: this.interval,
      startedAt: this.startedAt,
      connections: source.connections(),
      cpu: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 1000) / 10,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      rooms: source.rooms.size,
      top: source.rooms.top(this.topRooms),
      presence: source.presence(),
      counters: [received, delivered, errors, dropped],
    };
  }
}
