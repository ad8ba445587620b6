/**
 * What `@OnUpgrade` sees. Everything is copied out of uWS's stack-allocated request before the handler
 * runs, so it stays valid across `await`.
 */
export interface UpgradeRequest {
  /** Path of the request, without the query string. */
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly queryParams: URLSearchParams;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
}
