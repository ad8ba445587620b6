/**
 * `app.admin(path, options)`: the inspection page for operators (docs/admin.md). Its routes, all under
 * `path`: the page and its script (no data, served to anyone), and, behind a bearer token, `stats.json`
 * (the cluster at a glance), `connection.json?id=` (one connection of this node in detail) and, unless
 * readonly, the actions `disconnect` and `push`, each logged with the name of the token that made it.
 *
 * Cost: this node makes a report every `reportInterval` (a timer; nothing on the per-message path) and
 * shares it on the bus; a request for stats.json merges the reports it holds. Neither walks connections.
 */
import { join } from 'node:path';
import type { Bus } from '../bus/bus';
import { browserModuleText } from '../util/browser-module';
import { HttpError, SwitchboardError } from '../util/errors';
import { checkRoom } from '../util/topics';
import type { Logger } from '../util/validate';
import { operatorOf, unauthorized } from './admin-auth';
import { ClusterView, parseReport } from './admin-cluster';
import { connectionDetail, type InspectedConnection } from './admin-connection';
import { resolveAdminOptions, type ResolvedAdmin } from './admin-options';
import { adminPage } from './admin-page';
import { Reporter, type ReportSource } from './admin-report';

/** What the admin routes need of the app, beside what a report is made of. */
export interface AdminTarget extends ReportSource {
  readonly bus: Bus;
  readonly logger: Logger;
  /** The open connection of this process with this id. */
  find(id: string): InspectedConnection | undefined;
  sendTo(id: string, frame: string): boolean;
  publish(room: string, frame: string): number;
}

/** The part of an HTTP request the admin routes read. */
export interface AdminRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly queryParams: URLSearchParams;
  readonly body: unknown;
}

export interface AdminRoute {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly handler: (req: AdminRequest) => unknown;
}

/** One action, as the page lists the latest ones. */
interface ActionRecord {
  readonly at: number;
  readonly operator: string;
  readonly action: string;
}

const KEPT_ACTIONS = 20;

/**
 * The page's script: built next to this file (dist/lib/operate/admin-ui/page.mjs), or bundled from its
 * source when run from lib/. An app bundled with switchboard inside has neither: its page then fails to load
 * its script (a 500, logged), while stats.json and the actions still answer.
 */
const scriptFiles = (): { built: string; source: string } => ({
  built: join(__dirname, 'admin-ui', 'page.mjs'),
  source: join(__dirname, 'admin-ui', 'page.ts'),
});

export class Admin {
  private readonly options: ResolvedAdmin;
  private readonly base: string;
  private target: AdminTarget | null = null;
  private reporter: Reporter | null = null;
  private cluster: ClusterView;
  private timer: NodeJS.Timeout | null = null;
  private readonly actions: ActionRecord[] = [];

  constructor(path: string, options: unknown) {
    this.options = resolveAdminOptions(options);
    this.base = path.replace(/\/$/, '');
    this.cluster = new ClusterView(this.options.reportInterval, this.options.topRooms);
  }

  /** The routes to serve, in the app's terms. */
  routes(): AdminRoute[] {
    const { base } = this;
    const { built, source } = scriptFiles();
    const page = adminPage(base, this.options.readonly);
    const authorized = (handler: (req: AdminRequest, operator: string) => unknown) => (req: AdminRequest) => {
      const operator = operatorOf(this.options.tokens, req.headers.authorization);
      return operator === null ? unauthorized() : handler(req, operator);
    };
    const acting = (handler: (req: AdminRequest, operator: string) => unknown) =>
      authorized((req, operator) => {
        if (this.options.readonly) throw new HttpError(403, 'This admin page is readonly: it shows, it does not act.');
        return handler(req, operator);
      });
    return [
      { method: 'get', path: base === '' ? '/' : base, handler: () => page },
      {
        method: 'get',
        path: `${base}/admin.js`,
        handler: async () => new Response(await browserModuleText(built, source), { headers: { 'content-type': 'text/javascript; charset=utf-8' } }),
      },
      { method: 'get', path: `${base}/stats.json`, handler: authorized((_req, operator) => this.stats(operator)) },
      { method: 'get', path: `${base}/connection.json`, handler: authorized((req) => this.connection(req.queryParams.get('id'))) },
      { method: 'post', path: `${base}/disconnect`, handler: acting((req, operator) => this.disconnect(req.body, operator)) },
      { method: 'post', path: `${base}/push`, handler: acting((req, operator) => this.push(req.body, operator)) },
    ];
  }

  /** Called by app.listen(): this node reports now, then every reportInterval. */
  start(target: AdminTarget): void {
    this.target = target;
    this.reporter = new Reporter(target, this.options.reportInterval, this.options.topRooms);
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.reportInterval);
    this.timer.unref();
  }

  /** Called by app.close(). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Another node's report, from the bus. */
  received(text: string): void {
    const report = parseReport(text);
    if (report === null) this.target?.logger.warn(`switchboard: app.admin() ignored a malformed node report (${text.length} characters).`);
    else if (report.node !== this.target?.nodeId) this.cluster.add(report);
  }

  private tick(): void {
    const report = this.reporter!.report();
    this.cluster.add(report);
    this.target!.bus.shareReport?.(JSON.stringify(report));
  }

  private live(): AdminTarget {
    if (this.target === null) throw new HttpError(503, 'The app is not listening.');
    return this.target;
  }

  /** stats.json: the cluster, and who is asking. */
  stats(operator: string): object {
    const target = this.live();
    return {
      node: target.nodeId,
      operator,
      readonly: this.options.readonly,
      ...this.cluster.stats(Date.now()),
      presence: target.presence(),
      actions: this.actions,
    };
  }

  private connection(id: string | null): object {
    const target = this.live();
    if (id === null || id === '') throw new HttpError(400, 'Give the connection id: connection.json?id=<id>.');
    const c = target.find(id);
    if (c === undefined) throw new HttpError(404, notHere(id, target.nodeId));
    return connectionDetail(c, target.nodeId, this.options.readonly);
  }

  private disconnect(body: unknown, operator: string): object {
    const target = this.live();
    const { id, code = 1000, reason = 'Closed by an operator' } = objectBody(body, 'disconnect', '{ "id": "<connection id>", "code"?: 1000, "reason"?: "…" }');
    if (typeof id !== 'string') throw new HttpError(400, 'disconnect: "id" must be a connection id.');
    const c = target.find(id);
    if (c === undefined) throw new HttpError(404, notHere(id, target.nodeId));
    try {
      c.close(code as number, reason as string);
    } catch (error) {
      if (error instanceof SwitchboardError) throw new HttpError(400, error.message);
      throw error;
    }
    this.record(operator, `disconnected ${id} with ${String(code)} ${JSON.stringify(reason)}`);
    return { closed: id, code };
  }

  private push(body: unknown, operator: string): object {
    const target = this.live();
    const { id, room, event, data } = objectBody(body, 'push', '{ "id" or "room": "…", "event"?: "name", "data": … }');
    if ((id === undefined) === (room === undefined)) throw new HttpError(400, 'push: give exactly one of "id" (a connection) and "room".');
    if (event !== undefined && (typeof event !== 'string' || event === '')) throw new HttpError(400, 'push: "event" must be a non-empty string.');
    if (data === undefined) throw new HttpError(400, 'push: "data" is missing.');
    const frame = event === undefined ? (typeof data === 'string' ? data : JSON.stringify(data)) : JSON.stringify({ event, data });
    if (id !== undefined) {
      if (typeof id !== 'string') throw new HttpError(400, 'push: "id" must be a connection id.');
      const sent = target.sendTo(id, frame);
      this.record(operator, `pushed ${event === undefined ? 'a frame' : `"${event}"`} to connection ${id}${sent ? '' : ' (not delivered)'}`);
      return { sent };
    }
    try {
      checkRoom('push', room);
    } catch (error) {
      throw new HttpError(400, (error as Error).message);
    }
    const delivered = target.publish(room as string, frame);
    this.record(operator, `pushed ${event === undefined ? 'a frame' : `"${event}"`} to room ${JSON.stringify(room)}`);
    return { delivered };
  }

  /** Every action is logged with the operator's name, and the latest are kept for the page. */
  private record(operator: string, action: string): void {
    this.live().logger.warn(`switchboard admin: ${operator} ${action}`);
    this.actions.unshift({ at: Date.now(), operator, action });
    if (this.actions.length > KEPT_ACTIONS) this.actions.pop();
  }
}

function objectBody(body: unknown, action: string, shape: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body))
    throw new HttpError(400, `${action}: send a JSON body ${shape} with Content-Type: application/json.`);
  return body as Record<string, unknown>;
}

function notHere(id: string, nodeId: string): string {
  return id.startsWith(`${nodeId}-`)
    ? `No open connection ${id} on this node (it has closed, or never existed).`
    : `Connection ${id} is not on this node (${nodeId}): open the page served by node ${id.split('-')[0] ?? '?'} to inspect or disconnect it.`;
}
