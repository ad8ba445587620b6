/**
 * Multi-user chat, ported from seed 001 (FastAPI, "WebSocket多人在线聊天室", example 2):
 * the sender reads "You wrote: …", everyone else "Client #<id> says: …", and when a client leaves
 * everyone else reads "Client #<id> left the chat". The chat page is served at GET /, the API's docs at /docs.
 *
 * FastAPI needs a ConnectionManager holding a list of sockets; here `ws.broadcast` reaches every
 * connection of the route through uWS pub/sub, and the handler's return value is the sender's reply.
 *
 * Run: npm start (builds, then listens on PORT or 8000); open http://localhost:8000 in two tabs.
 */
import { App, Connector, OnClose, OnMessage, WebSocketRoute, type AppOptions } from 'switchboard';
import { chatPage } from './page';

@WebSocketRoute('/ws/{client_id}')
export class Chat {
  @OnMessage()
  message(ws: Connector, text: string) {
    ws.broadcast(`Client #${ws.params.client_id} says: ${text}`, { exceptSelf: true });
    return `You wrote: ${text}`;
  }

  @OnClose()
  close(ws: Connector) {
    // This connection has already left the route, so only the others hear it.
    ws.broadcast(`Client #${ws.params.client_id} left the chat`);
  }
}

/** Builds the chat app without listening; `options` (a logger, limits) pass through to `new App`. */
export function createApp(options: AppOptions = {}): App {
  return new App({ ...options, routes: [Chat] })
    .get('/', () => chatPage)
    .docs('/docs', { title: 'Chat', version: '1.0.0', description: "Multi-user chat: send text, read everyone else's." });
}
