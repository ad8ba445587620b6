/**
 * Echo, ported from seeds 004 and 002 (FastAPI tutorials):
 * - `/ws` answers each message with "Message text was: <text>" (seed 004, and seed 001's first example);
 * - `/ws/{client_id}` answers with the same line and then a second frame "Client ID: <id>" (seed 002);
 * - `/chat/` is seed 002's broadcast room: every member, the sender included, reads "Someone said: …",
 *   and the others read "A user left the chat" when someone leaves.
 * GET / serves the echo page, which can talk to any of the three; /docs documents them.
 *
 * Run: npm run build && node dist/examples/echo/main.js (PORT, default 9999 as in seed 004).
 */
import { App, Connector, OnClose, OnMessage, WebSocketRoute, type AppOptions } from 'switchboard';
import { echoPage } from './page';

@WebSocketRoute('/ws')
export class Echo {
  @OnMessage()
  message(text: string) {
    return `Message text was: ${text}`;
  }
}

@WebSocketRoute('/ws/{client_id}')
export class EchoWithId {
  @OnMessage()
  message(ws: Connector, text: string) {
    // Two frames, in order: send() goes out now, the return value right after the handler.
    ws.send(`Message text was: ${text}`);
    return `Client ID: ${ws.params.client_id}`;
  }
}

@WebSocketRoute('/chat/')
export class ChatRoom {
  @OnMessage()
  message(ws: Connector, text: string) {
    ws.broadcast(`Someone said: ${text}`);
  }

  @OnClose()
  close(ws: Connector) {
    ws.broadcast('A user left the chat');
  }
}

/** Builds the echo app without listening; `options` (a logger, limits) pass through to `new App`. */
export function createApp(options: AppOptions = {}): App {
  return new App({ ...options, routes: [Echo, EchoWithId, ChatRoom] }).get('/', () => echoPage).docs('/docs', { title: 'Echo', version: '1.0.0' });
}
