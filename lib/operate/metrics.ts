/**
 * `app.metrics()`: the app's counters as Prometheus families (docs/metrics.md). Read at scrape time from
 * the plain fields the runtime increments (RouteStats per route, the bus's stats, local fan-out), so
 * scraping costs the per-message path nothing.
 */
import type { BusStats, PresenceSizes } from '../bus/bus';
import type { RoutePlan } from '../compile/plan';
import { DURATION_BUCKETS, SAMPLE_EVERY, type AdmissionStats, type RouteStats } from '../compile/stats';
import { exposition, histogramSamples, type Family } from './prometheus';

/** What the metrics are read from. */
export interface MetricsSource {
  /** The routes being served (none before listen()). */
  readonly routes: readonly RoutePlan[];
  /** The bus's counters, null when the bus keeps none. */
  readonly bus: BusStats | null;
  /** Frames delivered to local connections by publishes. */
  readonly deliveries: number;
  /** What presence follows on this process. */
  readonly presence: PresenceSizes;
  /** Resumes and history (App option `recovery`); null when it is off. */
  readonly recovery: RecoveryStats | null;
  /** Upgrades refused by admission control, by cause. */
  readonly refusals: AdmissionStats;
  /** Connections closed with 1012 by app.close({ code: 1012 }). */
  readonly restartCloses: number;
}

/** What recovery counts (runtime/recovery.ts), as the metrics read it. */
export interface RecoveryStats {
  readonly resumed: number;
  /** Failed resumes by cause. */
  readonly failed: Readonly<Record<string, number>>;
  readonly parkedCount: number;
  readonly history: { readonly topics: number; readonly entries: number };
}

type Counted = { [K in keyof RouteStats]: RouteStats[K] extends number ? K : never }[keyof RouteStats];

/** The per-route families: name, help, type and the RouteStats field. */
const perRoute: readonly { name: string; help: string; type: 'counter' | 'gauge'; field: Counted }[] = [
  { name: 'switchboard_connections_open', help: 'WebSocket connections open now.', type: 'gauge', field: 'connectionsOpen' },
  { name: 'switchboard_connections_total', help: 'WebSocket connections opened.', type: 'counter', field: 'connectionsTotal' },
  { name: 'switchboard_messages_in_total', help: 'Frames received from clients.', type: 'counter', field: 'messagesIn' },
  {
    name: 'switchboard_messages_out_total',
    help: 'Frames sent to one connection (replies, error frames, ws.send, sendTo); fan-out is switchboard_fanout_deliveries_total.',
    type: 'counter',
    field: 'messagesOut',
  },
  {
    name: 'switchboard_handler_errors_total',
    help: 'Handler failures logged by the server: a throw or rejection other than a WsError, an unsendable return value, @OnClose or @OnDrain failing.',
    type: 'counter',
    field: 'handlerErrors',
  },
  { name: 'switchboard_validation_failures_total', help: "Event data rejected by the event's schema.", type: 'counter', field: 'validationFailures' },
  {
    name: 'switchboard_queue_overflows_total',
    help: 'Connections closed with 1008: more than maxQueuedMessages waited behind an async handler.',
    type: 'counter',
    field: 'queueOverflows',
  },
  {
    name: 'switchboard_rate_limited_total',
    help: "Messages refused by the route's rate limit; their handlers did not run.",
    type: 'counter',
    field: 'rateLimited',
  },
  {
    name: 'switchboard_rate_limit_closes_total',
    help: 'Connections closed with 1008 for sending far past the rate limit.',
    type: 'counter',
    field: 'rateLimitCloses',
  },
  {
    name: 'switchboard_backpressure_drops_total',
    help: 'Frames to one connection dropped because its reader was past maxBackpressure.',
    type: 'counter',
    field: 'backpressureDrops',
  },
];

const perPresence: readonly { name: string; help: string; field: keyof PresenceSizes }[] = [
  { name: 'switchboard_presence_rooms', help: 'Rooms with presence that a connection of this process is tracked in.', field: 'rooms' },
  {
    name: 'switchboard_presence_entries',
    help: 'Presence entries (one per connection and room) of those rooms, on every process, as this one sees them.',
    field: 'entries',
  },
  { name: 'switchboard_presence_local_entries', help: 'Presence entries of connections of this process.', field: 'local' },
];

const perBus: readonly { name: string; help: string; field: keyof BusStats }[] = [
  { name: 'switchboard_bus_published_total', help: 'Messages handed to the bus (publishes; with Redis, sendTo of remote ids too).', field: 'published' },
  { name: 'switchboard_bus_received_total', help: 'Messages received from other processes through the bus.', field: 'received' },
  { name: 'switchboard_bus_dropped_total', help: 'Messages lost because the broker was unreachable.', field: 'dropped' },
  { name: 'switchboard_bus_reconnects_total', help: 'Times the bus got its broker back after losing it.', field: 'reconnects' },
];

/** The exposition text of every family. */
export function metricsText(source: MetricsSource): string {
  const families: Family[] = perRoute.map(({ name, help, type, field }) => ({
    name,
    help,
    type,
    samples: source.routes.map((r) => ({ labels: { route: r.pattern }, value: r.stats[field] })),
  }));
  families.push({
    name: 'switchboard_handler_duration_seconds',
    help: `Time from a handler's call to its return or settlement; one run in every ${SAMPLE_EVERY} per route is timed.`,
    type: 'histogram',
    samples: source.routes.flatMap((r) => histogramSamples({ route: r.pattern }, DURATION_BUCKETS, r.stats.durationBuckets, r.stats.durationSum)),
  });
  families.push({
    name: 'switchboard_fanout_deliveries_total',
    help: 'Frames delivered to connections of this process by broadcasts and room publishes.',
    type: 'counter',
    samples: [{ labels: {}, value: source.deliveries }],
  });
  families.push({
    name: 'switchboard_refused_connections_total',
    help: 'Upgrades refused by admission control: maxConnections (503), maxConnectionsPerIp (429), closing (503 while app.close() runs).',
    type: 'counter',
    samples: (Object.keys(source.refusals) as (keyof AdmissionStats)[]).map((cause) => ({ labels: { cause }, value: source.refusals[cause] })),
  });
  families.push({
    name: 'switchboard_restart_closes_total',
    help: 'Connections closed with 1012 (Service Restart) by app.close({ code: 1012 }), as in a rolling restart.',
    type: 'counter',
    samples: [{ labels: {}, value: source.restartCloses }],
  });
  for (const { name, help, field } of perPresence) families.push({ name, help, type: 'gauge', samples: [{ labels: {}, value: source.presence[field] }] });
  const recovery = source.recovery;
  if (recovery !== null) families.push(...recoveryFamilies(recovery));
  const bus = source.bus;
  if (bus !== null) for (const { name, help, field } of perBus) families.push({ name, help, type: 'counter', samples: [{ labels: {}, value: bus[field] }] });
  return exposition(families);
}

function recoveryFamilies(r: RecoveryStats): Family[] {
  const gauge = (name: string, help: string, value: number): Family => ({ name, help, type: 'gauge', samples: [{ labels: {}, value }] });
  return [
    {
      name: 'switchboard_recoveries_succeeded_total',
      help: 'Reconnecting clients that resumed their session.',
      type: 'counter',
      samples: [{ labels: {}, value: r.resumed }],
    },
    {
      name: 'switchboard_recoveries_failed_total',
      help: 'Resumes asked for that failed, by cause: unknown (no such session), expired, overflow (history dropped a missed push), epoch (history lost), refused (by @OnUpgrade).',
      type: 'counter',
      samples: Object.entries(r.failed).map(([cause, value]) => ({ labels: { cause }, value })),
    },
    gauge('switchboard_sessions_parked', 'Sessions of dropped connections waiting for their client to come back.', r.parkedCount),
    gauge('switchboard_history_topics', 'Topics (rooms, routes, connection ids) with a history ring.', r.history.topics),
    gauge('switchboard_history_entries', 'Pushes held in history, all topics together.', r.history.entries),
  ];
}
