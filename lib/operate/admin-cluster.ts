/**
 * The cluster as the inspection page shows it, made from the nodes' reports (this node's own and, on a
 * cross-process bus, every other node's): the nodes, alive or gone; the total of connections; the rooms,
 * largest first; and per-second rates over the last 15 minutes. Everything here is bounded by the number
 * of nodes, their top rooms and the points of the window, never by connections or rooms.
 */
import type { PresenceSizes } from '../bus/bus';
import type { Counters, NodeReport, RoomSize } from './admin-report';

/** The rates window: the charts show this much history. */
export const WINDOW_MS = 15 * 60_000;
/** A node is gone after this many of its report intervals without a report. */
export const MISSED_REPORTS = 3;
/** A gone node stays listed (as gone) this long, then is forgotten. */
const FORGET_MS = WINDOW_MS;

/** One point of the charts: per-second rates over the interval that ends at `at`, summed over the nodes. */
export interface RatePoint {
  readonly at: number;
  readonly received: number;
  readonly delivered: number;
  readonly errors: number;
  readonly dropped: number;
}

export interface NodeView {
  readonly id: string;
  readonly alive: boolean;
  readonly lastReport: number;
  readonly startedAt: number;
  readonly uptime: number;
  readonly connections: number;
  readonly cpu: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly rooms: number;
  readonly presence: PresenceSizes;
}

export interface ClusterStats {
  readonly at: number;
  readonly interval: number;
  readonly nodes: NodeView[];
  readonly connections: number;
  readonly rooms: RoomSize[];
  readonly totals: Readonly<Record<keyof Omit<RatePoint, 'at'>, number>>;
  readonly rates: RatePoint[];
}

interface Sample {
  readonly at: number;
  readonly counters: Counters;
}

interface NodeRecord {
  last: NodeReport;
  /** The node's samples inside the window, oldest first. */
  readonly samples: Sample[];
}

/** Rates to the thousandth: enough for the charts, and a short JSON. */
const round = (rate: number): number => Math.round(rate * 1000) / 1000;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isRoom = (v: unknown): v is RoomSize =>
  typeof v === 'object' && v !== null && typeof (v as RoomSize).name === 'string' && isNumber((v as RoomSize).members);

/** A report read from the bus: checked, as it comes from another process; null when malformed. */
export function parseReport(text: string): NodeReport | null {
  let r: Partial<NodeReport>;
  try {
    r = JSON.parse(text) as Partial<NodeReport>;
  } catch {
    return null;
  }
  const ok =
    r !== null &&
    typeof r === 'object' &&
    typeof r.node === 'string' &&
    [r.at, r.interval, r.startedAt, r.connections, r.cpu, r.rss, r.heapUsed, r.rooms].every(isNumber) &&
    Array.isArray(r.top) &&
    (r.top as unknown[]).every(isRoom) &&
    Array.isArray(r.counters) &&
    r.counters.length === 4 &&
    r.counters.every(isNumber) &&
    typeof r.presence === 'object' &&
    r.presence !== null;
  return ok ? (r as NodeReport) : null;
}

export class ClusterView {
  private readonly nodes = new Map<string, NodeRecord>();

  constructor(
    private readonly interval: number,
    private readonly topRooms: number,
  ) {}

  /** Keeps a node's report; a node's reports arrive in order (one publisher per node, one channel). */
  add(report: NodeReport): void {
    const record = this.nodes.get(report.node);
    const sample = { at: report.at, counters: report.counters };
    if (record === undefined) {
      this.nodes.set(report.node, { last: report, samples: [sample] });
      return;
    }
    record.last = report;
    record.samples.push(sample);
    while (record.samples.length > 0 && record.samples[0]!.at < report.at - WINDOW_MS) record.samples.shift();
  }

  stats(now: number): ClusterStats {
    const nodes: NodeView[] = [];
    const rooms = new Map<string, number>();
    const totals = { received: 0, delivered: 0, errors: 0, dropped: 0 };
    const buckets = new Map<number, [number, number, number, number]>();
    let connections = 0;
    for (const [id, { last, samples }] of this.nodes) {
      if (now - last.at > FORGET_MS) {
        this.nodes.delete(id);
        continue;
      }
      const alive = now - last.at <= last.interval * MISSED_REPORTS;
      nodes.push({
        id,
        alive,
        lastReport: last.at,
        startedAt: last.startedAt,
        uptime: Math.round((last.at - last.startedAt) / 1000),
        connections: alive ? last.connections : 0,
        cpu: last.cpu,
        rss: last.rss,
        heapUsed: last.heapUsed,
        rooms: last.rooms,
        presence: last.presence,
      });
      if (!alive) continue;
      connections += last.connections;
      totals.received += last.counters[0];
      totals.delivered += last.counters[1];
      totals.errors += last.counters[2];
      totals.dropped += last.counters[3];
      for (const room of last.top) rooms.set(room.name, (rooms.get(room.name) ?? 0) + room.members);
      this.addRates(samples, buckets);
    }
    nodes.sort((a, b) => Number(b.alive) - Number(a.alive) || a.id.localeCompare(b.id));
    const rates: RatePoint[] = [...buckets]
      .filter(([bucket]) => bucket * this.interval >= now - WINDOW_MS)
      .sort((a, b) => a[0] - b[0])
      .map(([bucket, [received, delivered, errors, dropped]]) => ({
        at: bucket * this.interval,
        received: round(received),
        delivered: round(delivered),
        errors: round(errors),
        dropped: round(dropped),
      }));
    const top = [...rooms]
      .map(([name, members]) => ({ name, members }))
      .sort((a, b) => b.members - a.members || (a.name < b.name ? -1 : 1))
      .slice(0, this.topRooms);
    return { at: now, interval: this.interval, nodes, connections, rooms: top, totals, rates };
  }

  /** Adds a node's per-second rates between consecutive samples into the bucket of the later one. */
  private addRates(samples: readonly Sample[], buckets: Map<number, [number, number, number, number]>): void {
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1]!;
      const b = samples[i]!;
      const seconds = (b.at - a.at) / 1000;
      if (seconds <= 0) continue;
      const bucket = Math.floor(b.at / this.interval);
      let sum = buckets.get(bucket);
      if (sum === undefined) buckets.set(bucket, (sum = [0, 0, 0, 0]));
      // A counter going down means the node restarted under the same id: no rate for that step.
      for (let k = 0; k < 4; k++) sum[k]! += Math.max(0, b.counters[k]! - a.counters[k]!) / seconds;
    }
  }
}
