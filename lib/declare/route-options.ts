/**
 * The options a route class declares (`@WebSocketRoute(pattern, options)`) and the tokens it injects: the
 * public types only. Their checks and defaults are compile/'s (route-settings.ts), at register().
 */
import type { Connector, Reply } from './connector';

/** Transport limits, settable on the App (defaults for every route) and on one route. */
export interface TransportOptions {
  /** Largest incoming message in bytes; bigger ones close the connection. Default 1 MiB. */
  maxPayloadLength?: number;
  /** Seconds without traffic before a peer is dropped; pings are sent automatically before that. 0 disables. Default 120. */
  idleTimeout?: number;
  /** Bytes that may wait in a slow reader's send buffer; past it sends are dropped (`send` returns false). Default 1 MiB. */
  maxBackpressure?: number;
  /** Close (instead of dropping messages for) a reader past `maxBackpressure`. Default false. */
  closeOnBackpressureLimit?: boolean;
  /** permessage-deflate with a shared compressor, when the client offers it. Default false. */
  compression?: boolean;
  /** Messages that may wait behind a pending async handler before the connection is closed with 1008. Default 1024. */
  maxQueuedMessages?: number;
  /**
   * Browser origins allowed to connect, besides same-origin pages and clients that send no Origin.
   * `'*'` allows any. Default: none besides those.
   */
  origins?: readonly string[] | '*';
  /** Rooms one connection may be in at once; `ws.join` past it throws a `too_many_rooms` WsError. Default 1000. */
  maxRooms?: number;
  /**
   * Messages one connection may send: a token bucket of `burst` tokens (default `messages`) refilled at
   * `messages` per `per` ms. A message past it gets a `rate_limited` error frame and its handler does not
   * run; `false` turns an App's limit off for a route. Default: no limit (docs/limits.md).
   */
  rateLimit?: RateLimitOptions | false;
}

/** The `rateLimit` option: `messages` per `per` milliseconds, bursts of up to `burst`. */
export interface RateLimitOptions {
  messages: number;
  per: number;
  burst?: number;
}

/** Options of `@WebSocketRoute(pattern, options)`. */
export interface RouteOptions extends TransportOptions {
  /** Turns a handler's error into the reply to send instead of the default error frame. */
  onError?: (error: unknown, ws: Connector) => Reply | Promise<Reply>;
  /**
   * The tokens of the route class's constructor parameters, in order (values given to `app.provide`):
   * the way to inject without design types or parameter decorators (standard decorators, tsx, esbuild).
   */
  inject?: readonly ProviderToken[];
  /** `false`: this route's connections get no resumable session even when the App has `recovery` (docs/recovery.md). Default true. */
  recovery?: boolean;
  /**
   * Whether its connections keep the upgrade's headers for `ws.headers`. Default: when the route's code can
   * read them (a `@Header` parameter, or its class mentions `headers`); `true` when code elsewhere reads
   * them, `false` to drop them anyway (docs/limits.md#idle-memory).
   */
  headers?: boolean;
}

/** A class decorated with `@WebSocketRoute`. */
export type RouteClass = abstract new (...args: never[]) => object;

/** Anything `app.provide()` accepts as a key: a class, a string or a symbol. */
export type ProviderToken = string | symbol | (abstract new (...args: never[]) => unknown);

/** A key `app.provide()` accepts: a class, a non-empty string or a symbol. */
export function isToken(token: unknown): token is ProviderToken {
  return typeof token === 'function' || typeof token === 'symbol' || (typeof token === 'string' && token !== '');
}
