/**
 * Multi-user chat, ported from seed 001 (FastAPI, "WebSocket多人在线聊天室", example 2): the sender
 * reads "You wrote: …", everyone else "Client #<id> says: …", and when a client leaves everyone else
 * reads "Client #<id> left the chat". The chat page is served at GET /, the client module it imports at
 * GET /switchboard/client.js, the API's docs at /docs.
 *
 * The messages are the JSON events of the channel in chat.api.ts (the seed sent plain text):
 *   {"event":"say","data":{"text":"hi"},"id":1} → the sender: {"event":"say","id":1,"data":"You wrote: hi"}
 *                                                → the others: {"event":"said","data":{"from":"<id>","text":"hi"}}
 *   a client leaves                             → the others: {"event":"left","data":{"from":"<id>"}}
 *
 * FastAPI needs a ConnectionManager holding a list of sockets; here `ws.broadcast` reaches every
 * connection of the route through uWS pub/sub, and the handler's return value is the sender's reply.
 *
 * Run: npm start (builds, then listens on PORT or 8000); open http://localhost:8000 in two tabs.
 */
import { App, Connector, OnClose, OnMessage, WebSocketRoute, type AppOptions } from 'switchboard';
import { chat } from './chat.api';
import { chatPage } from './page';

// Connector<State, typeof chat> types ws.params.client_id. Written out on each handler, not as a type alias:
// the decorator metadata names the Connector class only when the parameter's type names it.
@WebSocketRoute(chat)
export class Chat {
  @OnMessage(chat.requests.say) // the compiler checks msg and the return against the channel's schemas
  say(ws: Connector<object, typeof chat>, msg: { text: string }) {
    ws.broadcast(chat.event('said', { from: ws.params.client_id, text: msg.text }), { exceptSelf: true });
    return `You wrote: ${msg.text}`;
  }

  @OnClose()
  close(ws: Connector<object, typeof chat>) {
    // This connection has already left the route, so only the others hear it.
    ws.broadcast(chat.event('left', { from: ws.params.client_id }));
  }
}

/** Builds the chat app without listening; `options` (a logger, limits) pass through to `new App`. */
export function createApp(options: AppOptions = {}): App {
  return new App({ ...options, routes: [Chat] })
    .get('/', () => chatPage)
    .serveClient('/switchboard/client.js')
    .docs('/docs', { title: 'Chat', version: '1.0.0', description: "Multi-user chat: say something, hear everyone else's." });
}
