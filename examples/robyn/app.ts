/**
 * Robyn's WebSocket chapter (seed 003), ported. Robyn's `WebSocket(app, "/web_socket")` with
 * `@websocket.on("connect" | "message" | "close")` becomes a class with @OnConnect/@OnMessage; as in
 * Robyn, a handler's return value is the reply and "" sends nothing. Each snippet of the chapter is one
 * command, so a single route shows them all:
 *
 * | client sends | Robyn call                  | the client(s) receive                                      |
 * | ------------ | --------------------------- | ---------------------------------------------------------- |
 * | (connects)   | on("connect")               | "Connected to ws"                                          |
 * | "self"       | ws.sync_send_to(ws.id, …)   | this client: "This is a message to self"                   |
 * | "broadcast"  | ws.sync_broadcast(…)        | every client: "This is a broadcast"                        |
 * | "login"      | ws.query_params.get(…)      | with ?name=gordon&desg=commissioner, every client:         |
 * |              |                             | "Gordon authorized to login!"; otherwise "Message received"|
 * | "disconnect" | ws.close()                  | "Closing connection", then the close frame (code 1000)     |
 * | anything else|                             | "Message received"                                         |
 *
 * Robyn's async_send_to/async_broadcast need no counterpart: sendTo and broadcast never block, and an
 * `async` handler works the same way. Robyn's on("close") return value has nowhere to go (the socket is
 * gone), so switchboard ignores it; this example has no @OnClose.
 *
 * Robyn's untyped style, `def message(ws, msg, global_dependencies)`, is what switchboard does for code
 * compiled without design types (esbuild, tsx, swc): arguments come positionally as (ws, message, deps).
 * With tsc's emitDecoratorMetadata, as here, an untyped parameter would mean "parse JSON", so type them.
 *
 * GET / serves a page to try the commands from a browser; /docs the API's docs and a console.
 *
 * Run: npm run build && node dist/examples/robyn/main.js (PORT, default 8080 as Robyn's).
 */
import { App, Connector, OnConnect, OnMessage, WebSocketRoute, type AppOptions } from 'switchboard';
import { robynPage } from './page';

@WebSocketRoute('/web_socket')
export class RobynSocket {
  @OnConnect()
  connect() {
    return 'Connected to ws';
  }

  @OnMessage()
  message(ws: Connector, msg: string) {
    if (msg === 'disconnect') {
      ws.close(); // takes effect after this handler's reply has been sent
      return 'Closing connection';
    }
    if (msg === 'self') {
      ws.sendTo(ws.id, 'This is a message to self');
      return '';
    }
    if (msg === 'broadcast') {
      ws.broadcast('This is a broadcast');
      return '';
    }
    if (msg === 'login' && ws.queryParams.get('name') === 'gordon' && ws.queryParams.get('desg') === 'commissioner') {
      ws.broadcast('Gordon authorized to login!');
      return '';
    }
    return 'Message received';
  }
}

/** Builds the app without listening; `options` (a logger, limits) pass through to `new App`. */
export function createApp(options: AppOptions = {}): App {
  return new App({ ...options, routes: [RobynSocket] }).get('/', () => robynPage).docs('/docs', { title: 'Robyn WebSocket chapter', version: '1.0.0' });
}
