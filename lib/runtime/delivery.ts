/**
 * What this process offers its bus (the BusNode): delivery to local subscribers of a topic through uWS
 * pub/sub (fan-out in C++, no JS loop over sockets), and to one local connection by id.
 */
import type { BusNode } from '../bus/bus';
import type { Payload, Publisher, Socket } from '../transport/types';
import type { Logger } from '../util/validate';
import type { Registry } from './registry';

/** A connection as delivery sees it: its socket while open, and how to send it one frame. */
interface Recipient {
  readonly seq: number;
  readonly id: string;
  sendPayload(payload: Payload): boolean;
}

export class LocalDelivery implements BusNode {
  /** Frames delivered to local connections by publishes (from this process or, through the bus, others). */
  deliveries = 0;

  constructor(
    private readonly registry: Registry<Recipient>,
    private readonly publisher: Publisher,
    readonly logger: Logger,
    /** permessage-deflate is on for some route: publishes then ask uWS to compress for the sockets that negotiated it. */
    private readonly compress: boolean,
  ) {}

  get nodeId(): string {
    return this.registry.nodeId;
  }

  publishLocal(topic: string, payload: Payload, except: Socket | null): number {
    const isBinary = typeof payload !== 'string';
    let count = this.publisher.numSubscribers(topic);
    if (except === null) {
      this.publisher.publish(topic, payload, isBinary, this.compress);
    } else {
      // uWS's ws.publish skips the sender in C++.
      if (except.isSubscribed(topic)) count--;
      except.publish(topic, payload, isBinary, this.compress);
    }
    this.deliveries += count;
    return count;
  }

  sendLocal(id: string, payload: Payload): boolean {
    const c = this.registry.find(id);
    return c !== undefined && c.sendPayload(payload);
  }
}
