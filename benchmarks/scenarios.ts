/**
 * The scenarios, as data. Every scenario runs on every server; results are reported as ratios
 * against raw uWebSockets.js. `smoke` overrides the counts for `npm run bench:smoke`.
 */
import type { Route } from './harness/protocols';

interface Base {
  /** Stable key used in results files and comparisons. */
  id: string;
  title: string;
  /** One line for the docs: what the number means. */
  measures: string;
}

export interface EchoScenario extends Base {
  kind: 'echo';
  route: Route;
  /** Message body size in bytes (for JSON, the size of the object's JSON text). */
  bytes: number;
  connections: number;
  /** Messages in flight per connection: a new one is sent as each reply arrives. */
  inFlight: number;
  /** One more connection floods this route as fast as it can; the latency measured is still that of the others. */
  flood?: '/echo' | '/echo-async';
  smoke: { connections: number };
}

export interface BroadcastScenario extends Base {
  kind: 'broadcast';
  route: '/broadcast';
  bytes: number;
  /** Connections that only listen; one more connection sends (and receives its own broadcasts). */
  receivers: number;
  /** Broadcasts in flight: a new one is published when one has reached every connection. */
  inFlight: number;
  smoke: { receivers: number };
}

export interface ConnectScenario extends Base {
  kind: 'connect';
  route: '/echo';
  /** Clients opening connections one after the other, each: connect, upgrade, (handshake), close. */
  parallel: number;
  smoke: { parallel: number };
}

export interface IdleScenario extends Base {
  kind: 'idle';
  route: '/echo';
  connections: number;
  smoke: { connections: number };
}

export type Scenario = EchoScenario | BroadcastScenario | ConnectScenario | IdleScenario;

export const scenarios: readonly Scenario[] = [
  {
    id: 'echo-32b-x1',
    title: 'Echo 32 B, 100 connections, 1 in flight',
    measures: 'round trips per second and round-trip latency with one message outstanding per connection',
    kind: 'echo',
    route: '/echo',
    bytes: 32,
    connections: 100,
    inFlight: 1,
    smoke: { connections: 10 },
  },
  {
    id: 'echo-32b-x16',
    title: 'Echo 32 B, 100 connections, 16 in flight',
    measures: 'messages per second at saturation (16 outstanding per connection), and latency under that load',
    kind: 'echo',
    route: '/echo',
    bytes: 32,
    connections: 100,
    inFlight: 16,
    smoke: { connections: 10 },
  },
  {
    id: 'echo-4kb-x16',
    title: 'Echo 4 KB, 100 connections, 16 in flight',
    measures: 'messages per second with 4096-byte text messages (UTF-8 decode and copy cost)',
    kind: 'echo',
    route: '/echo',
    bytes: 4096,
    connections: 100,
    inFlight: 16,
    smoke: { connections: 10 },
  },
  {
    id: 'echo-async-x16',
    title: 'Async handler echo 32 B, 100 connections, 16 in flight',
    measures: 'messages per second when the handler awaits a resolved promise before replying (the queued path)',
    kind: 'echo',
    route: '/echo-async',
    bytes: 32,
    connections: 100,
    inFlight: 16,
    smoke: { connections: 10 },
  },
  {
    id: 'echo-json-x16',
    title: 'JSON object echo ~100 B, 100 connections, 16 in flight',
    measures: 'messages per second when the message is parsed as a JSON object and the reply is that object as JSON',
    kind: 'echo',
    route: '/echo-json',
    bytes: 100,
    connections: 100,
    inFlight: 16,
    smoke: { connections: 10 },
  },
  {
    id: 'echo-32b-x1-flood',
    title: 'Echo 32 B, 100 connections, 1 in flight, beside one client flooding the same route',
    measures: 'fairness: the latency of 100 well-behaved connections (as echo-32b-x1) while one more sends to the same route as fast as its socket allows',
    kind: 'echo',
    route: '/echo',
    bytes: 32,
    connections: 100,
    inFlight: 1,
    flood: '/echo',
    smoke: { connections: 10 },
  },
  {
    id: 'echo-32b-x1-flood-async',
    title: 'Echo 32 B, 100 connections, 1 in flight, beside one client flooding an async handler',
    measures: 'fairness when the flood goes to an async handler (its messages queue behind the pending one): latency of the 100 others',
    kind: 'echo',
    route: '/echo',
    bytes: 32,
    connections: 100,
    inFlight: 1,
    flood: '/echo-async',
    smoke: { connections: 10 },
  },
  {
    id: 'broadcast-1000',
    title: 'Broadcast 32 B to 1,000 receivers',
    measures: 'deliveries per second (one sender, 1,000 receivers + the sender), and publish-to-delivery latency',
    kind: 'broadcast',
    route: '/broadcast',
    bytes: 32,
    receivers: 1000,
    inFlight: 8,
    smoke: { receivers: 20 },
  },
  {
    id: 'connect-rate',
    title: 'Connection rate, 4 clients in parallel',
    measures: 'completed upgrades per second (TCP connect, HTTP upgrade, protocol handshake; then a close frame)',
    kind: 'connect',
    route: '/echo',
    parallel: 4,
    smoke: { parallel: 2 },
  },
  {
    id: 'idle-memory-10k',
    title: 'Idle memory at 10,000 connections',
    measures:
      'server RSS per open idle connection: (VmRSS with the connections − VmRSS before) / connections; marginal: the slope over the second half, (VmRSS with all − VmRSS with half) / half',
    kind: 'idle',
    route: '/echo',
    connections: 10000,
    smoke: { connections: 100 },
  },
];

/** How long things run. */
export interface Timing {
  warmupMs: number;
  windowMs: number;
  repetitions: number;
  /** Pause after connections open before idle memory is read. */
  settleMs: number;
}

export const fullTiming: Timing = { warmupMs: 2000, windowMs: 3000, repetitions: 5, settleMs: 2000 };
export const smokeTiming: Timing = { warmupMs: 200, windowMs: 600, repetitions: 1, settleMs: 300 };

/** The scenario with its smoke counts applied. */
export function forSmoke(s: Scenario): Scenario {
  switch (s.kind) {
    case 'echo':
    case 'idle':
      return { ...s, connections: s.smoke.connections };
    case 'broadcast':
      return { ...s, receivers: s.smoke.receivers };
    case 'connect':
      return { ...s, parallel: s.smoke.parallel };
  }
}

/**
 * Cross-process fan-out (`node dist/benchmarks/fanout.js`): `workers` processes of one machine on one
 * port, sharing a Redis bus; the kernel spreads the receivers and the sender over them. `bus: 'local'`
 * is the in-process baseline (one process, no Redis). Switchboard only: the other servers have no
 * cross-process bus.
 */
export interface FanoutScenario extends Base {
  kind: 'fanout';
  route: '/broadcast';
  bus: 'local' | 'redis';
  workers: number;
  bytes: number;
  receivers: number;
  inFlight: number;
  smoke: { receivers: number };
}

const fanout = (bus: 'local' | 'redis', workers: number): FanoutScenario => ({
  id: `fanout-${bus}-${workers}w`,
  title: `Broadcast 32 B to 1,000 receivers, ${workers} worker${workers > 1 ? 's' : ''}, ${bus === 'local' ? 'in-process bus' : 'Redis bus'}`,
  measures:
    bus === 'local'
      ? 'deliveries per second with the in-process bus (the baseline for the Redis bus overhead)'
      : `deliveries per second when receivers are spread over ${workers} processes sharing Redis pub/sub`,
  kind: 'fanout',
  route: '/broadcast',
  bus,
  workers,
  bytes: 32,
  receivers: 1000,
  inFlight: 8,
  smoke: { receivers: 20 },
});

export const fanoutScenarios: readonly FanoutScenario[] = [fanout('local', 1), fanout('redis', 1), fanout('redis', 2), fanout('redis', 4)];
