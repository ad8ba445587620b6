/**
 * The seam between fan-out and its delivery. Every broadcast and every sendTo goes through a Bus, so
 * a bus that spans processes (Redis) can replace the in-process one without touching handlers.
 */
import type { Connector } from '../connector';
import type { Payload } from '../reply';

/** What the app offers a bus: delivery to the connections of this process. */
export interface BusNode {
  /** Prefix of every connection id minted by this process; unique per process. */
  readonly nodeId: string;
  /** Delivers to local subscribers of `topic`, skipping `except`; returns how many got it. */
  publishLocal(topic: string, payload: Payload, except: Connector | null): number;
  /** Delivers to the local connection `id`; false when it is not here or closed. */
  sendLocal(id: string, payload: Payload): boolean;
}

/**
 * Fan-out. `open` is called once by `app.listen()`, `close` once by `app.close()`.
 * Counts returned by `publish` are the recipients this process knows of.
 */
export interface Bus {
  open(node: BusNode): Promise<void>;
  publish(topic: string, payload: Payload, except: Connector | null): number;
  sendTo(id: string, payload: Payload): boolean;
  close(): Promise<void>;
}
