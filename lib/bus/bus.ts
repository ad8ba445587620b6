/**
 * The seam between fan-out and its delivery. Every broadcast and every sendTo goes through a Bus, so
 * a bus that spans processes (Redis) can replace the in-process one without touching handlers.
 */
import type { Payload, Socket } from '../transport/types';
import type { Logger } from '../util/validate';

/** What the app offers a bus: delivery to the connections of this process. */
export interface BusNode {
  /** Prefix of every connection id minted by this process; unique per process. */
  readonly nodeId: string;
  /** The app's logger, for a bus that has something to report (a lost connection to its broker). */
  readonly logger: Logger;
  /** Delivers to local subscribers of `topic`, skipping `except`; returns how many got it. */
  publishLocal(topic: string, payload: Payload, except: Socket | null): number;
  /** Delivers to the local connection `id`; false when it is not here or closed. */
  sendLocal(id: string, payload: Payload): boolean;
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
 */
export interface Bus {
  open(node: BusNode): Promise<void>;
  publish(topic: string, payload: Payload, except: Socket | null): number;
  sendTo(id: string, payload: Payload): boolean;
  close(): Promise<void>;
  /** Counters for the metrics; a bus without them shows none. */
  readonly stats?: BusStats;
}
