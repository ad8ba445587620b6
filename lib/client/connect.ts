/**
 * connect(): the URL of a channel's route (base URL, pattern with its parameters, query) and a
 * client on it; or, without a channel, an untyped client on a full URL.
 */
import type { AnyChannel } from './channel';
import type { Client } from './client';
import { Connection } from './connection';
import { describe, usageError } from './errors';
import { resolveOptions, type ChannelOptions, type ClientOptions } from './options';
import { fillPath, type PathParams } from './path';

type OptionsArgs<P extends string> = keyof PathParams<P> extends never ? [options?: ChannelOptions<P>] : [options: ChannelOptions<P>];

function withQuery(url: string, query: ClientOptions['query']): string {
  const params = typeof query === 'function' ? query() : query;
  const pairs = Object.entries(params ?? {}).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  return pairs.length === 0 ? url : `${url}${url.includes('?') ? '&' : '?'}${pairs.join('&')}`;
}

/**
 * Opens a client on a channel's route: `url` is the server's base URL (`ws://host:port`, or with a
 * path prefix), the path comes from the channel's pattern and `params`. Requests, replies and
 * pushes are typed by the channel. Reconnects by itself (see `reconnect`).
 * @example
 * const client = connect(chat, 'ws://localhost:8000', { params: { room: 'lobby' }, query: { token } });
 * const { at } = await client.request('say', { text: 'hi' });
 */
export function connect<C extends AnyChannel>(channel: C, url: string, ...options: OptionsArgs<C['pattern']>): Client<C>;
/**
 * Opens an untyped client on a full URL: any request or event name, data and replies `unknown`.
 * @example
 * const client = connect('ws://localhost:8000/chat/lobby');
 * const reply = await client.request('say', { text: 'hi' });
 */
export function connect(url: string, options?: ClientOptions): Client;
export function connect(target: AnyChannel | string, url?: unknown, options?: unknown): Client {
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
