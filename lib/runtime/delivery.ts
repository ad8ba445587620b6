/**
 * What this process offers its bus (the BusNode): delivery to local subscribers of a topic through uWS
 * pub/sub (fan-out in C++, no JS loop over sockets), to one local connection by id, and the node's
 * presence (runtime/presence.ts, handed over as it is).
 */
import type { BusNode } from '../bus/bus';
import type { Payload, Publisher, Sender, Socket } from '../transport/types';
import type { Logger } from '../util/validate';
import type { Presence } from './presence';
import type { Registry } from './registry';
import type { RouteTopics } from './route-topics';

/** A connection as delivery sees it: its socket while open, and how to send it one frame. */
interface Recipient {
  readonly seq: number;
  readonly id: string;
  sendPayload(payload: Payload): boolean;
}

export class LocalDelivery implements BusNode {
  /** Frames delivered to local connections by publishes (from this process or, through the bus, others). */
  deliveries = 0;
  /** Where other nodes' reports go: the inspection page's cluster view, when the app serves one. */
  onReport: ((report: string) => void) | null = null;
  /** Where stored pushes go: recovery on a shared store (runtime/recovery-shared.ts), which stamps and delivers them. */
  onStored: ((topic: string, payload: string, epoch: string, offset: number, except: string) => void) | null = null;

  constructor(
    private readonly registry: Registry<Recipient>,
    private readonly publisher: Publisher,
    private readonly routeTopics: RouteTopics,
    readonly logger: Logger,
    /** permessage-deflate is on for some route: publishes then ask uWS to compress for the sockets that negotiated it. */
    private readonly compress: boolean,
    readonly presence: Presence,
  ) {}

  get nodeId(): string {
    return this.registry.nodeId;
  }

  publishLocal(topic: string, payload: Payload, sender: Sender | null): number {
    this.routeTopics.ensure(topic);
    // The handle is the sender's own socket (Connection.publish passes it), given back by the bus unopened.
    const except = sender as Socket | null;
    const isBinary = typeof payload !== 'string';
    const count = this.publisher.numSubscribers(topic);
    // uWS's ws.publish skips the sender in C++. A sender outside the topic has nobody to skip, and must
    // not be the publisher: uWS v20.30 delivers nothing from a socket that has never subscribed to a topic.
    if (except !== null && except.isSubscribed(topic)) {
      except.publish(topic, payload, isBinary, this.compress);
      this.deliveries += count - 1;
      return count - 1;
    }
    this.publisher.publish(topic, payload, isBinary, this.compress);
    this.deliveries += count;
    return count;
  }

  sendLocal(id: string, payload: Payload): boolean {
    const c = this.registry.find(id);
    return c !== undefined && c.sendPayload(payload);
  }

  reportReceived(report: string): void {
    this.onReport?.(report);
  }

  storedReceived(topic: string, payload: string, epoch: string, offset: number, except: string): void {
    this.onStored?.(topic, payload, epoch, offset, except);
  }
}
