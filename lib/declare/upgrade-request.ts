import type { RouteContract, RouteParams } from './connector';

/**
 * What `@OnUpgrade` sees. Everything is copied out of uWS's stack-allocated request before the handler
 * runs, so it stays valid across `await`. `UpgradeRequest<typeof chat>` (or a pattern) types `params` by name.
 * @example
 * @OnUpgrade() auth(req: UpgradeRequest<typeof chat>) { return { room: req.params.room, token: req.queryParams.get('token') }; }
 */
export interface UpgradeRequest<R extends RouteContract = string> {
  /** Path of the request, without the query string. */
  readonly url: string;
  readonly params: RouteParams<R>;
  readonly queryParams: URLSearchParams;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
}
