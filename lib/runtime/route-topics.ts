/**
 * The uWS topics of routes, subscribed lazily. A route's topic is what `broadcast` publishes to, so every
 * connection of the route must be subscribed to it, but only once something broadcasts to that route
 * (from this node or, through the bus, another one). Until then a connection has no subscription: about
 * 0.19 KiB less per idle connection in uWS's topic tree (benchmarks idle-memory-10k).
 */
import type { Socket } from '../transport/types';
import type { Registry } from './registry';

/** A connection as this module sees it. */
interface Subscriber {
  readonly seq: number;
  readonly id: string;
  readonly socket: Socket | null;
  readonly route: { readonly topic: string };
}

export class RouteTopics {
  private readonly routes = new Set<string>();
  private readonly live = new Set<string>();

  constructor(private readonly registry: Registry<Subscriber>) {}

  /** Declares a route's topic (at listen). */
  add(topic: string): void {
    this.routes.add(topic);
  }

  /** A connection opened: it joins its route's topic if that topic is already in use. */
  opened(topic: string, socket: Socket): void {
    if (this.live.has(topic)) socket.subscribe(topic);
  }

  /** Before a publish: a route topic used for the first time gets every open connection of the route. */
  ensure(topic: string): void {
    if (this.live.has(topic) || !this.routes.has(topic)) return;
    this.live.add(topic);
    for (const c of this.registry.open.values()) if (c.route.topic === topic) c.socket?.subscribe(topic);
  }
}
