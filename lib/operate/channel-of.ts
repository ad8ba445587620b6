/**
 * The typed channel a route was declared with (`@WebSocketRoute(channel)`), read from its route
 * metadata: the contract takes reply schemas and push events from it. The one place that knows where
 * the metadata keeps it.
 */
import type { AnyChannel } from '../contract/channel';
import { getRoute } from '../declare/metadata';
import type { RouteClass } from '../declare/route-options';

/** The route's channel, or null when it was declared with a plain pattern. */
export function channelOf(cls: RouteClass): AnyChannel | null {
  const channel = (getRoute(cls) as { readonly channel?: unknown } | undefined)?.channel;
  const c = channel as Partial<AnyChannel> | null | undefined;
  return c !== null && typeof c === 'object' && typeof c.pattern === 'string' && typeof c.requests === 'object' && typeof c.events === 'object'
    ? (c as AnyChannel)
    : null;
}
