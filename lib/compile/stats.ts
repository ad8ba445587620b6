/**
 * What one route counts while it serves: plain number fields, made with its RoutePlan at listen() and
 * incremented by the runtime on the per-message path (no Map, no labels, no allocation there). The
 * metrics exposition reads them only when scraped (docs/metrics.md).
 */
// Imported, not the global: Node's global `performance` is a lazy accessor, a third dearer per call
// (measured with callgrind).
import { performance } from 'node:perf_hooks';

/** Upper bounds of the handler duration buckets, in seconds (Prometheus `le`); +Inf is implied. */
export const DURATION_BUCKETS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One message in this many per route has its handler timed. Timing every one costs two clock reads and a
 * bucket search, about 8% of an echo's instructions (`npm run bench:instructions`).
 */
export const SAMPLE_EVERY = 16;

/** A timed handler still pending after this long gives up its slot, counted in the +Inf bucket. */
const STALE_MS = DURATION_BUCKETS[DURATION_BUCKETS.length - 1]! * 1000;

export class RouteStats {
  /** Connections of the route open now. */
  connectionsOpen = 0;
  /** Connections opened since listen(). */
  connectionsTotal = 0;
  /** Frames received from clients. */
  messagesIn = 0;
  /** The value of messagesIn at which the next message is timed. */
  nextTimed = SAMPLE_EVERY;
  /** Frames sent to one connection of the route (replies, error frames, ws.send, sendTo) and not dropped. */
  messagesOut = 0;
  /** A handler threw or rejected with anything but a WsError, returned what cannot be sent, or @OnClose/@OnDrain failed. */
  handlerErrors = 0;
  /** An event's schema rejected its data; the handler did not run. */
  validationFailures = 0;
  /** Connections closed with 1008 because more than maxQueuedMessages waited behind an async handler. */
  queueOverflows = 0;
  /** Messages refused by the route's rate limit (`rate_limited` frames, and the one that closed a connection). */
  rateLimited = 0;
  /** Connections closed with 1008 for going far past the rate limit. */
  rateLimitCloses = 0;
  /** Frames dropped because the reader was past maxBackpressure (`send` returned false). */
  backpressureDrops = 0;
  /** Timed handler durations: counts per bucket of DURATION_BUCKETS, the last one +Inf. */
  readonly durationBuckets = new Float64Array(DURATION_BUCKETS.length + 1);
  durationSum = 0;
  durationCount = 0;
  /** The connection whose handler is being timed: one at a time per route, so no per-connection field. */
  private timing: object | null = null;
  private startedAt = 0;

  /**
   * The handler of `owner` starts, and it is this route's turn to time one. Which run is timed does not
   * depend on how long it takes, so the sample is unbiased; while another is pending, this one is not timed.
   */
  started(owner: object): void {
    this.nextTimed = this.messagesIn + SAMPLE_EVERY;
    const now = performance.now();
    if (this.timing !== null) {
      if (now - this.startedAt < STALE_MS) return;
      this.record(now - this.startedAt);
    }
    this.timing = owner;
    this.startedAt = now;
  }

  /** The handler of `owner` has finished (returned, or its Promise settled); nothing when it was not timed. */
  finished(owner: object): void {
    if (this.timing !== owner) return;
    this.timing = null;
    this.record(performance.now() - this.startedAt);
  }

  private record(ms: number): void {
    const seconds = ms / 1000;
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]!) i++;
    this.durationBuckets[i]!++;
    this.durationSum += seconds;
    this.durationCount++;
  }
}

/** Upgrades refused by admission control (runtime/admission.ts), by cause: app-wide, not per route. */
export interface AdmissionStats {
  /** Refused with 503: the process held `maxConnections`. */
  maxConnections: number;
  /** Refused with 429: the address held `maxConnectionsPerIp`. */
  maxConnectionsPerIp: number;
  /** Refused with 503: app.close() had begun. */
  closing: number;
}
