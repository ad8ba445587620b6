/**
 * The composition root: routes, providers and HTTP handlers are collected and validated, then frozen
 * at listen(), where the transport, the runtime and the bus are wired together.
 */
import { resolveAppOptions, type AppOptions, type ResolvedApp } from './app-options';
import type { Bus } from './bus/bus';
import { LocalBus } from './bus/local';
import { bindRoute } from './compile/bind';
import { parseFixedPath, parsePattern, type ParsedPattern } from './compile/pattern';
import type { CompiledRoute, RoutePlan } from './compile/plan';
import { compileRoute } from './compile/route';
import type { Reply } from './declare/connector';
import { isToken, type ProviderToken, type RouteClass } from './declare/route-options';
import { clientModuleHandler } from './http/client-module';
import { httpHandler, type HttpHandler } from './http/handler';
import { staticRoute } from './http/static';
import { Admin } from './operate/admin';
import type { AdminOptions } from './operate/admin-options';
import { asyncApiDocument, type AsyncApiDocument, type AsyncApiInfo } from './operate/asyncapi';
import { defaultInfo, docsRoutes } from './operate/docs';
import { metricsText } from './operate/metrics';
import { PROMETHEUS_CONTENT_TYPE } from './operate/prometheus';
import { Admission } from './runtime/admission';
import { holdClock, releaseClock } from './runtime/clock';
import { GOING_AWAY, sendToId, type AppContext, type Connection } from './runtime/connection';
import type { PresenceState } from './contract/presence-frames';
import { LocalDelivery } from './runtime/delivery';
import { Presence } from './runtime/presence';
import { Recovery, type HistoryItem } from './runtime/recovery';
import { SharedRecovery } from './runtime/recovery-shared';
import { Registry } from './runtime/registry';
import { RoomCounts } from './runtime/room-counts';
import { RouteTopics } from './runtime/route-topics';
import { encode } from './runtime/reply';
import { endConnections, resolveClose, type CloseOptions } from './runtime/shutdown';
import { upgrade } from './runtime/upgrade';
import { chooseTransport, type TransportChoice } from './transport/choose';
import type { HttpMethod, TransportName, TransportServer } from './transport/types';
import { invalidArgument, invalidOption, SwitchboardError } from './util/errors';
import { listenShared } from './util/symbols';
import { checkRoom, roomTopic, routeTopic } from './util/topics';

interface HttpRoute {
  readonly method: HttpMethod;
  readonly pattern: ParsedPattern;
  readonly label: string;
  readonly handler: HttpHandler;
}

type Phase = 'new' | 'starting' | 'listening' | 'closing' | 'closed';

/**
 * A switchboard server: WebSocket routes, HTTP handlers and providers on one port.
 * @example
 * const app = new App({ routes: [Chat] });
 * app.get('/', () => '<h1>Chat</h1>');
 * const { port } = await app.listen(8000);
 */
export class App {
  private readonly options: ResolvedApp;
  /** What every connection of this app shares. */
  private readonly context: AppContext;
  private readonly bus: Bus;
  private readonly routes: CompiledRoute[] = [];
  /** Each route's broadcast topic by its class and by its pattern, resolved at register() for app.broadcast(). */
  private readonly routeTopicOf = new Map<RouteClass | string, string>();
  private readonly providers = new Map<ProviderToken, unknown>();
  private readonly httpRoutes: HttpRoute[] = [];
  /** The routes as served, made at listen(): their counters are what metrics() reads. */
  private readonly plans: RoutePlan[] = [];
  private delivery: LocalDelivery | null = null;
  /** The inspection page, when app.admin() was called. */
  private adminPage: Admin | null = null;
  private readonly transportChoice: TransportChoice;
  private server: TransportServer | null = null;
  private phase: Phase = 'new';
  /** Connections closed with 1012 by app.close({ code: 1012 }) (a rolling restart), for the metrics. */
  private restartCloses = 0;
  /** A route has a rate limit: the shared coarse clock runs while this app listens. */
  private clockHeld = false;
  /** The one shutdown, once close() has been called. */
  private shutdown: Promise<void> | null = null;

  constructor(options: AppOptions = {}) {
    this.options = resolveAppOptions(options);
    this.transportChoice = chooseTransport(this.options.transport, this.options.logger);
    this.bus = options.bus ?? new LocalBus();
    const recovery = this.options.recovery;
    if (recovery !== null && !(this.bus instanceof LocalBus) && this.bus.keepHistory === undefined)
      throw invalidOption(
        'new App(options)',
        'recovery',
        'used with the in-process bus or a bus that keeps history (RedisBus; docs/recovery.md)',
        'a custom bus without keepHistory',
      );
    const registry = new Registry<Connection<object>>();
    const presence = new Presence(registry.nodeId, this.bus);
    const shared = recovery === null || this.bus instanceof LocalBus ? null : this.bus.keepHistory!(recovery);
    this.context = {
      registry,
      routeTopics: new RouteTopics(registry),
      bus: this.bus,
      presence,
      recovery:
        recovery === null
          ? null
          : shared === null
            ? new Recovery(recovery, presence, this.bus)
            : new SharedRecovery(recovery, presence, this.bus, shared, registry),
      logger: this.options.logger,
      rooms: null,
      admission: new Admission(this.options.admission, registry.open),
      closing: false,
      goodbye: { code: 1001, reason: GOING_AWAY },
    };
    if (options.routes !== undefined) {
      const routes: unknown = options.routes;
      if (!Array.isArray(routes)) throw invalidArgument('new App(options)', 'routes', 'an array of route classes', routes);
      this.register(...(routes as RouteClass[]));
    }
  }

  /**
   * The transport this App runs on: `'uws'` (uWebSockets.js) or `'node'` (the portable one on node:http and ws).
   * @example
   * logger.info(`serving on ${app.transport}`);
   */
  get transport(): TransportName {
    return this.transportChoice.name;
  }

  /** Open WebSocket connections on this process. */
  get connectionCount(): number {
    return this.context.registry.open.size;
  }

  private assertNew(what: string): void {
    if (this.phase === 'closing' || this.phase === 'closed')
      throw new SwitchboardError('SWB_ERR_APP_CLOSED', `${what} after close(): a closed app cannot be restarted. Create a new App.`);
    if (this.phase !== 'new')
      throw new SwitchboardError(
        'SWB_ERR_APP_STARTED',
        `${what} after listen(): the app's routes and providers are frozen once it starts. Call it before listen().`,
      );
  }

  /**
   * Adds route classes; their declarations are checked now, and every mistake throws here.
   * @example
   * app.register(Chat, Notifications);
   */
  register(...routes: RouteClass[]): this {
    this.assertNew('app.register()');
    for (const cls of routes) {
      const route = compileRoute(cls, this.options.routeDefaults, this.options.logger);
      const clash = this.routes.find((r) => r.cls === cls || r.shape === route.shape);
      if (clash !== undefined)
        throw new SwitchboardError(
          'SWB_ERR_DUPLICATE_ROUTE',
          clash.cls === cls
            ? `${cls.name} is registered twice.`
            : `${cls.name} and ${clash.cls.name} both use the pattern ${route.pattern}. Give each route its own path.`,
        );
      this.routes.push(route);
      const topic = routeTopic(route.uwsPattern);
      this.routeTopicOf.set(cls, topic).set(route.pattern, topic);
    }
    return this;
  }

  /**
   * Makes a value injectable by token: a class (injected by type), a string or a symbol (with `@Inject`).
   * With a class token, `value` must be an instance of it (of its type), checked at compile time.
   * @example
   * app.provide(Database, new Database(url)).provide('greeting', 'Hello');
   */
  provide<T>(token: abstract new (...args: never[]) => T, value: NoInfer<T>): this;
  provide(token: string | symbol, value: unknown): this;
  provide(token: ProviderToken, value: unknown): this {
    if (!isToken(token)) throw invalidArgument('app.provide(token, value)', 'token', 'a class, a non-empty string or a symbol', token);
    this.assertNew('app.provide()');
    this.providers.set(token, value);
    return this;
  }

  private http(method: HttpMethod, name: string, path: string, handler: HttpHandler): this {
    const where = `app.${name}(path, handler)`;
    if (typeof handler !== 'function') throw invalidArgument(where, 'handler', 'a function (req) => response', handler);
    this.assertNew(`app.${name}()`);
    const pattern = parsePattern(path, where);
    const label = `${method.toUpperCase()} ${path}`;
    if (this.httpRoutes.some((r) => r.method === method && r.pattern.shape === pattern.shape))
      throw new SwitchboardError('SWB_ERR_DUPLICATE_ROUTE', `${label} has two handlers. Keep one.`);
    this.httpRoutes.push({ method, pattern, label, handler });
    return this;
  }

  /**
   * Serves GET requests. A string reply is sent as text/html; see docs/http.md for the rest.
   * @example
   * app.get('/', () => html);
   */
  get(path: string, handler: HttpHandler): this {
    return this.http('get', 'get', path, handler);
  }

  /**
   * Serves POST requests; `req.body` is parsed by content type.
   * @example
   * app.post('/orders', (req) => ({ delivered: app.broadcast(Notifications, req.body as object) }));
   */
  post(path: string, handler: HttpHandler): this {
    return this.http('post', 'post', path, handler);
  }

  /** Serves PUT requests. @example app.put('/items/:id', (req) => save(req.params.id, req.body)); */
  put(path: string, handler: HttpHandler): this {
    return this.http('put', 'put', path, handler);
  }

  /** Serves DELETE requests. @example app.delete('/items/:id', (req) => remove(req.params.id)); */
  delete(path: string, handler: HttpHandler): this {
    return this.http('del', 'delete', path, handler);
  }

  /**
   * Serves the files under `directory` at `prefix`, with their content types and `index.html` for
   * directories. Nothing outside `directory` is reachable (`..`, encoded dots and symlinks give 404).
   * @example
   * app.static('/assets', join(import.meta.dirname, 'public')); // __dirname in CommonJS
   */
  static(prefix: string, directory: string): this {
    const { path, handler } = staticRoute(prefix, directory);
    return this.http('get', 'static', path, handler);
  }

  /**
   * Serves switchboard/client as one ES module at `path` (GET, `text/javascript`), so a page without a
   * bundler can import it: `import { connect } from '/switchboard/client.js'`. The module is the one
   * `npm run build` makes (run from the sources, it is bundled from them on the first request).
   * @example
   * app.serveClient('/switchboard/client.js');
   */
  serveClient(path = '/switchboard/client.js'): this {
    const where = 'app.serveClient(path)';
    parseFixedPath(path, where, 'path');
    return this.http('get', 'serveClient', path, clientModuleHandler(where));
  }

  /**
   * Starts serving. Port 0 picks a free port; the promise resolves with the one bound.
   * The port is this App's alone unless the App was made with `reusePort: true`: when another
   * process (or App) listens there, it rejects with SWB_ERR_PORT_IN_USE.
   * Rejects if a provider is missing or the port cannot be bound.
   * @example
   * const { port } = await app.listen(Number(process.env.PORT ?? 8000));
   */
  listen(port = 0, host?: string): Promise<{ port: number }> {
    return this.start(port, host, this.options.reusePort);
  }

  /** @internal serve() workers share their port whatever the App's own `reusePort`. */
  [listenShared](port: number, host?: string): Promise<{ port: number }> {
    return this.start(port, host, true);
  }

  private async start(port: number, host: string | undefined, reusePort: boolean): Promise<{ port: number }> {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalidArgument('app.listen(port, host)', 'port', 'an integer from 0 to 65535', port);
    if (host !== undefined && (typeof host !== 'string' || host === ''))
      throw invalidArgument('app.listen(port, host)', 'host', 'a host name or address', host);
    this.assertNew('app.listen()');
    this.phase = 'starting';
    const server = this.transportChoice.create(this.options.limits);
    let busOpen = false;
    try {
      const providers = new Map(this.providers);
      for (const route of this.routes) {
        const plan = bindRoute(route, providers, this.options.json, this.context.recovery !== null);
        this.context.routeTopics.add(plan.topic);
        this.plans.push(plan);
        server.addWebSocketRoute({ pattern: plan.uwsPattern, shape: plan.shape, paramCount: plan.paramNames.length }, plan.transport, (raw) =>
          upgrade(this.context, plan, raw),
        );
      }
      const { maxBodyLength, logger, json } = this.options;
      for (const r of this.httpRoutes)
        server.addHttpRoute(
          r.method,
          { pattern: r.pattern.uws, shape: r.pattern.shape, paramCount: r.pattern.names.length },
          maxBodyLength,
          httpHandler(r.handler, r.pattern.names, r.label, logger, json),
        );
      server.addNotFound();
      const compress = this.routes.some((r) => r.transport.compression);
      const delivery = new LocalDelivery(this.context.registry, server, this.context.routeTopics, logger, compress, this.context.presence);
      this.delivery = delivery;
      await this.bus.open(delivery);
      busOpen = true;
      this.context.presence.open((topic, payload) => delivery.publishLocal(topic, payload, null));
      if (this.adminPage !== null) this.startAdmin(this.adminPage, delivery);
      this.context.recovery?.start(server, delivery);
      const bound = await server.listen(host, port, reusePort);
      this.server = server;
      this.phase = 'listening';
      this.clockHeld = this.plans.some((plan) => plan.transport.rateLimit !== null);
      if (this.clockHeld) holdClock();
      return { port: bound };
    } catch (error) {
      this.adminPage?.stop();
      this.context.presence.close();
      this.context.recovery?.stop();
      // A bus holding connections (Redis) must not keep the process alive after a failed listen.
      if (busOpen) await this.bus.close();
      server.closeAll();
      this.phase = 'closed';
      throw error;
    }
  }

  /**
   * Sends to one connection by id, from anywhere (a timer, an HTTP handler).
   * @returns false when the id is unknown or closed, or there was nothing to send. An id of another
   * process (with a RedisBus) cannot be checked synchronously: true once handed to Redis (docs/scale-out.md).
   * @example
   * app.sendTo(job.connectionId, { progress: 100 }); // a ws.id kept when the job started
   * // To reach a user's every tab, on every process: each connection joins `user:<id>`, then
   * app.publish(`user:${userId}`, { title: 'New order' });
   */
  sendTo(id: string, data: Reply): boolean {
    if (typeof id !== 'string') throw invalidArgument('app.sendTo(id, data)', 'id', 'a connection id string', id);
    return sendToId(this.context, id, data);
  }

  /**
   * Sends to every connection of a route, given by its class or its pattern.
   * @returns the number of recipients on this process.
   * @example
   * app.broadcast(Notifications, { title: 'New order', message: '#42' });
   */
  broadcast(route: RouteClass | string, data: Reply): number {
    const topic = this.routeTopicOf.get(route);
    if (topic === undefined)
      throw new SwitchboardError(
        'SWB_ERR_UNKNOWN_ROUTE',
        `app.broadcast(): ${typeof route === 'function' ? route.name : String(route)} is not a registered route. Registered: ${this.routes.map((r) => r.pattern).join(', ') || 'none'}.`,
      );
    return this.push(topic, data);
  }

  /**
   * Sends to every connection in a room, from anywhere.
   * @returns the number of recipients on this process.
   * @example
   * app.publish('lobby', { system: 'Maintenance in 5 minutes' });
   */
  publish(room: string, data: Reply): number {
    checkRoom('app.publish(room, data)', room);
    return this.push(roomTopic(room), data);
  }

  private push(topic: string, data: Reply): number {
    const payload = encode(data);
    if (payload === null || this.phase !== 'listening') return 0;
    const recovery = this.context.recovery;
    return recovery === null ? this.bus.publish(topic, payload, null) : recovery.publish(topic, payload, null);
  }

  /**
   * A room's stored pushes (App option `recovery`), oldest first, each with its position: those after
   * the offset `since` (default: all held), at most the last `limit` (default: all). Only JSON objects are
   * stored; what the window or `historySize` dropped is gone (docs/recovery.md).
   * @example
   * const recent = await app.history('lobby', { limit: 50 }); // on join: the last 50 messages
   */
  history(room: string, options: { since?: number; limit?: number } = {}): Promise<HistoryItem[]> {
    const where = 'app.history(room, options)';
    checkRoom(where, room);
    if (options === null || typeof options !== 'object') throw invalidArgument(where, 'options', 'an object { since?, limit? }', options);
    const { since = 0, limit = Infinity } = options;
    if (!Number.isSafeInteger(since) || since < 0) throw invalidArgument(where, 'since', 'an offset (an integer ≥ 0)', since);
    if (limit !== Infinity && (!Number.isSafeInteger(limit) || limit < 1)) throw invalidArgument(where, 'limit', 'an integer ≥ 1', limit);
    const recovery = this.context.recovery;
    if (recovery === null)
      throw new SwitchboardError('SWB_ERR_RECOVERY_OFF', `${where}: the App keeps no history. Make it with new App({ recovery: true }) (docs/recovery.md).`);
    return recovery.read(room, since, limit);
  }

  /**
   * Connections in a room on this process (the transport's subscriber count).
   * @example
   * app.roomSize('lobby'); // 3
   */
  roomSize(room: string): number {
    checkRoom('app.roomSize(room)', room);
    return this.server === null ? 0 : this.server.numSubscribers(roomTopic(room));
  }

  /**
   * Who is in a room, by presence key, on every process sharing the bus (docs/presence.md): what this
   * process holds when a connection here is tracked in the room, else what the bus stores.
   * @returns `{ [key]: { metas: [{ id, ...meta }] } }`; `{}` for a room nobody is tracked in.
   * @example
   * const online = Object.keys(await app.presence('board:42')); // ['alice', 'bob']
   */
  presence(room: string): Promise<PresenceState> {
    checkRoom('app.presence(room)', room);
    return this.context.presence.list(room);
  }

  /**
   * An AsyncAPI 3.0.0 document of the registered routes: channels, events with their schemas, replies
   * and the error frame (docs/asyncapi.md).
   * @example
   * writeFileSync('asyncapi.json', JSON.stringify(app.asyncapi({ title: 'Chat', version: '1.0.0' }), null, 2));
   */
  asyncapi(info: AsyncApiInfo): AsyncApiDocument {
    return asyncApiDocument(this.routes, info, this.context.recovery !== null);
  }

  /**
   * Serves the API's documentation: a page at `path` with every route, event, schema, example and error,
   * and a live console that connects and sends; the AsyncAPI document at `path/asyncapi.json`. Self-contained
   * (no CDN). Call it before listen(), like get().
   * @example
   * app.docs('/docs', { title: 'Chat', version: '1.0.0' });
   */
  docs(path = '/docs', info: AsyncApiInfo = defaultInfo): this {
    const routes = docsRoutes(path, info, (i) => this.asyncapi(i));
    return this.get(path, routes.page).get(routes.jsonPath, routes.json);
  }

  /**
   * Serves the inspection page for operators at `path` (docs/admin.md): connections, nodes (cluster-wide on a
   * RedisBus), rates over the last 15 minutes, the largest rooms, presence, one connection in detail by id,
   * and actions (disconnect, push) unless `readonly`. Its data (`path/stats.json` and the rest) answers only
   * `Authorization: Bearer <token>`; the page asks for the token. Call it before listen().
   * @example
   * app.admin('/admin', { token: process.env.SWITCHBOARD_ADMIN_TOKEN! });
   * app.admin('/admin', { tokens: { alice: aliceToken, oncall: oncallToken }, readonly: true });
   */
  admin(path: string, options: AdminOptions): this {
    const where = 'app.admin(path, options)';
    parseFixedPath(path, where, 'path');
    this.assertNew('app.admin()');
    if (this.adminPage !== null) throw new SwitchboardError('SWB_ERR_DUPLICATE_ROUTE', `${where} is called twice: an app has one inspection page.`);
    const admin = new Admin(path, options);
    for (const route of admin.routes()) this.http(route.method, 'admin', route.path, route.handler);
    this.adminPage = admin;
    this.context.rooms = new RoomCounts();
    return this;
  }

  private startAdmin(admin: Admin, delivery: LocalDelivery): void {
    const { registry, presence, rooms } = this.context;
    delivery.onReport = (report) => admin.received(report);
    admin.start({
      nodeId: registry.nodeId,
      routes: this.plans,
      connections: () => registry.open.size,
      deliveries: () => delivery.deliveries,
      presence: () => presence.sizes(),
      rooms: rooms!,
      bus: this.bus,
      logger: this.options.logger,
      find: (id) => registry.find(id),
      sendTo: (id, frame) => this.bus.sendTo(id, frame),
      publish: (room, frame) => this.bus.publish(roomTopic(room), frame, null),
    });
  }

  /**
   * The app's counters in the Prometheus text format: connections, messages, errors, drops and handler
   * durations per route, and the bus's counters (docs/metrics.md). Zero cost per message to read.
   * @example
   * console.log(app.metrics()); // switchboard_connections_open{route="/chat/{room}"} 3 …
   */
  metrics(): string {
    return metricsText({
      routes: this.plans,
      bus: this.bus.stats ?? null,
      deliveries: this.delivery?.deliveries ?? 0,
      presence: this.context.presence.sizes(),
      recovery: this.context.recovery,
      refusals: this.context.admission.stats,
      restartCloses: this.restartCloses,
    });
  }

  /**
   * {@link App.metrics} as an HTTP response with the Content-Type Prometheus expects.
   * @example
   * app.get('/metrics', () => app.metricsResponse());
   */
  metricsResponse(): Response {
    return new Response(this.metrics(), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE } });
  }

  /**
   * Graceful shutdown: stops accepting, sends 1001 (or `code: 1012` for a restart) to every connection
   * once what was queued for it has gone out, waits (up to `timeout`) for in-flight handlers and every
   * @OnClose, then releases the port. Safe to call more than once (the first call's code holds).
   * @example
   * process.on('SIGTERM', () => void app.close());
   * await app.close({ code: 1012, reconnectWindow: 10_000 }); // a new version is taking over
   */
  close(options: CloseOptions = {}): Promise<void> {
    const { timeout, goodbye } = resolveClose(options, this.options.closeTimeout);
    if (this.shutdown === null) this.context.goodbye = goodbye;
    this.shutdown ??= this.stop(timeout);
    return this.shutdown;
  }

  private async stop(timeout: number): Promise<void> {
    const server = this.server;
    this.phase = 'closing';
    // From here, upgrades get 503, and a connection still flushing is ended once it has drained.
    this.context.closing = true;
    if (server === null) {
      this.phase = 'closed';
      return;
    }
    server.stopListening();
    if (this.context.goodbye.code === 1012) this.restartCloses += this.context.registry.open.size;
    await endConnections(this.context, timeout);
    this.adminPage?.stop();
    this.context.presence.close();
    this.context.recovery?.stop();
    await this.bus.close();
    server.closeAll();
    if (this.clockHeld) releaseClock();
    this.phase = 'closed';
  }
}
