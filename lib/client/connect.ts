/**
 * connect(): the URL of a channel's route (base URL, pattern with its parameters, query) and a
 * client on it; or, without a channel, an untyped client on a full URL.
 */
import type { AnyChannel, UntypedChannel } from '../contract/channel';
import { describe, usageError } from '../contract/errors';
import { fillPath, type PathParams } from '../contract/path';
import type { Client } from './client';
import { Connection } from './connection';
import { resolveOptions, type ChannelOptions, type ClientOptions } from './options';

type OptionsArgs<P extends string> = keyof PathParams<P> extends never ? [options?: ChannelOptions<P>] : [options: ChannelOptions<P>];

/** After a channel: the base URL and its options (required when the pattern has parameters); after a URL: options. */
type ConnectArgs<T> = T extends AnyChannel ? [url: string, ...options: OptionsArgs<T['pattern']>] : [options?: ClientOptions];

function withQuery(url: string, query: ClientOptions['query']): string {
  const params = typeof query === 'function' ? query() : query;
  const pairs = Object.entries(params ?? {}).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  return pairs.length === 0 ? url : `${url}${url.includes('?') ? '&' : '?'}${pairs.join('&')}`;
}

/**
 * Opens a client that reconnects by itself (see the `reconnect` option).
 *
 * With a channel, `url` is the server's base URL (`ws://host:port`, or with a path prefix); the path
 * comes from the channel's pattern and `params`, and requests, replies and pushes are typed by the
 * channel. Without one, `url` is the whole URL and the client is untyped: any name, data and
 * replies `unknown`.
 * @example
 * const client = connect(chat, 'ws://localhost:8000', { params: { room: 'lobby' }, query: { token } });
 * const { at } = await client.request('say', { text: 'hi' });
 *
 * const untyped = connect('ws://localhost:8000/chat/lobby');
 */
export function connect<T extends AnyChannel | string>(target: T, ...args: ConnectArgs<T>): Client<T extends AnyChannel ? T : UntypedChannel>;
export function connect(target: AnyChannel | string, url?: unknown, options?: unknown): Client<AnyChannel> {
  if (typeof target === 'string') {
    const resolved = resolveOptions(url, false);
    return new Connection(() => withQuery(target, resolved.query), resolved);
  }
  if (typeof target?.pattern !== 'string')
    throw usageError('SWB_ERR_INVALID_ARGUMENT', `connect(channel, url): channel must be made by defineChannel(), got ${describe(target)}`);
  if (typeof url !== 'string')
    throw usageError('SWB_ERR_INVALID_ARGUMENT', `connect(channel, url): url must be a string like 'ws://host:port', got ${describe(url)}`);
  const resolved = resolveOptions(options, true);
  const path = fillPath(target.pattern, (options as { params?: Readonly<Record<string, unknown>> } | undefined)?.params ?? {});
  const base = url.replace(/\/+$/, '') + path;
  return new Connection(() => withQuery(base, resolved.query), resolved);
}
