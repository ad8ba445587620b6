/**
 * The framework's half of an upgrade: origin policy, path parameters, @OnUpgrade, and the Connection
 * that becomes the socket's user data. Throws HttpError to reject; transport/uws.ts writes the status.
 */
import { decodeParams } from '../compile/pattern';
import type { RoutePlan } from '../compile/plan';
import type { UpgradeRequest } from '../declare/upgrade-request';
import { offersSwitchboard } from '../transport/handshake';
import type { RawUpgrade } from '../transport/types';
import { HttpError } from '../util/errors';
import { headersOf } from '../util/headers';
import { isThenable } from '../util/thenable';
import { Connection, type AppContext } from './connection';
import type { Session } from './recovery';

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

/** A session for a client offering the switchboard subprotocol on a route with recovery; null otherwise. */
function sessionOf(app: AppContext, plan: RoutePlan, raw: RawUpgrade): Session | null {
  if (!plan.recovery || app.recovery === null) return null;
  const headers = raw.headers;
  for (let i = 0; i < headers.length; i += 2)
    if (headers[i] === 'sec-websocket-protocol') return offersSwitchboard(headers[i + 1]!) ? app.recovery.session(raw.query) : null;
  return null;
}

/** Returns the new Connection (or a Promise of it when @OnUpgrade is async). */
export function upgrade(app: AppContext, plan: RoutePlan, raw: RawUpgrade): Connection | Promise<Connection> {
  const admission = app.admission;
  if (app.closing) throw admission.closing();
  if (!originAllowed(plan, raw.origin, raw.host)) throw new HttpError(403, 'Origin not allowed');
  const remoteAddress = admission.address(raw);
  admission.admit(remoteAddress);
  const params = decodeParams(plan.paramNames, raw.params);
  const session = sessionOf(app, plan, raw);
  const make = (state: Record<string, unknown> | undefined): Connection => {
    if (app.closing) throw admission.closing();
    if (async) admission.admit(remoteAddress);
    const c = new Connection(app, plan, app.registry.nextSeq(), params, raw.query, plan.keepsHeaders ? raw.headers : null, remoteAddress, state);
    c.session = session;
    return c;
  };
  let async = false;
  // A resume on a shared store is read once the guard has passed, before the connection opens.
  const ready = (c: Connection): Connection | Promise<Connection> => {
    const reading = session === null ? null : app.recovery!.prepare(session, plan.uwsPattern);
    return reading === null ? c : reading.then(() => c);
  };
  const onUpgrade = plan.onUpgrade;
  if (onUpgrade === null) return ready(make(undefined));
  const request: UpgradeRequest = {
    url: raw.url,
    params,
    queryParams: new URLSearchParams(raw.query),
    headers: headersOf(raw.headers),
    remoteAddress,
  };
  const decide = (result: unknown): Connection => {
    if (result === false) {
      if (session !== null) app.recovery!.refused(session);
      throw new HttpError(403, 'Forbidden');
    }
    return make(result !== null && typeof result === 'object' ? (result as Record<string, unknown>) : undefined);
  };
  const fail = (error: unknown): never => {
    if (session !== null) app.recovery!.refused(session);
    if (error instanceof HttpError) throw error;
    app.logger.error(`switchboard: @OnUpgrade of ${plan.name} threw; the upgrade was rejected with 500`, error);
    throw new HttpError(500, 'Internal Server Error');
  };
  let result: unknown;
  try {
    result = onUpgrade(request);
  } catch (error) {
    return fail(error);
  }
  if (!isThenable(result)) return ready(decide(result));
  // Connections may have opened while the guard awaited: the limits are checked again.
  async = true;
  return Promise.resolve(result).then(decide, fail).then(ready);
}
