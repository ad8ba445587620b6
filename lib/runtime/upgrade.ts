/**
 * The framework's half of an upgrade: origin policy, path parameters, @OnUpgrade, and the Connector
 * that becomes the socket's user data. Throws HttpError to reject; transport/uws.ts writes the status.
 */
import type { RoutePlan } from './compile';
import { Connector } from './connector';
import { HttpError } from './errors';
import { headersOf } from './headers';
import type { Hub } from './hub';
import { decodeParams } from './route-pattern';
import type { RawUpgrade } from './transport/uws';
import type { UpgradeRequest } from './upgrade-request';

/**
 * Cross-site WebSocket hijacking guard, as gorilla/websocket: no Origin (non-browser clients) or an
 * Origin whose host is the Host header passes; others only when listed in the route's `origins`.
 */
function originAllowed(plan: RoutePlan, origin: string, host: string): boolean {
  const allowed = plan.transport.origins;
  if (origin === '' || allowed === true) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.host.toLowerCase() === host.toLowerCase()) return true;
  return allowed !== null && allowed.has(url.origin.toLowerCase());
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** Returns the new connection's Connector (or a Promise of it when @OnUpgrade is async). */
export function upgrade(hub: Hub, plan: RoutePlan, raw: RawUpgrade, closing: () => boolean): Connector | Promise<Connector> {
  if (closing()) throw new HttpError(503, 'Server is shutting down');
  if (!originAllowed(plan, raw.origin, raw.host)) throw new HttpError(403, 'Origin not allowed');
  const params = decodeParams(plan.paramNames, raw.params);
  const make = (state: Record<string, unknown> | undefined): Connector => {
    if (closing()) throw new HttpError(503, 'Server is shutting down');
    return new Connector(hub, plan, hub.nextSeq(), params, raw.query, raw.headers.join('\n'), raw.remoteAddress, state);
  };
  const onUpgrade = plan.onUpgrade;
  if (onUpgrade === null) return make(undefined);
  const request: UpgradeRequest = {
    url: raw.url,
    params,
    queryParams: new URLSearchParams(raw.query),
    headers: headersOf(raw.headers),
    remoteAddress: raw.remoteAddress,
  };
  const decide = (result: unknown): Connector => {
    if (result === false) throw new HttpError(403, 'Forbidden');
    return make(result !== null && typeof result === 'object' ? (result as Record<string, unknown>) : undefined);
  };
  const fail = (error: unknown): never => {
    if (error instanceof HttpError) throw error;
    hub.logger.error(`switchboard: @OnUpgrade of ${plan.name} threw; the upgrade was rejected with 500`, error);
    throw new HttpError(500, 'Internal Server Error');
  };
  let result: unknown;
  try {
    result = onUpgrade(request);
  } catch (error) {
    return fail(error);
  }
  return isThenable(result) ? Promise.resolve(result).then(decide, fail) : decide(result);
}
