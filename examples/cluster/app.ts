/**
 * Chat across processes and machines: every process runs this app with a RedisBus on the same Redis,
 * so a message reaches the clients of every process, whichever one they are connected to. Nothing in
 * the route knows about Redis: `ws.broadcast`, `ws.sendTo` and `app.broadcast` just reach further.
 *
 * Run: see main.ts (N worker processes on one port, plus Redis).
 */
import { App, Connector, OnClose, OnConnect, OnMessage, WebSocketRoute, type AppOptions } from 'switchboard';
import { RedisBus } from 'switchboard/redis';

@WebSocketRoute('/ws/:name')
export class ClusterChat {
  @OnConnect()
  connect(ws: Connector) {
    ws.broadcast(`${ws.params.name} joined`, { exceptSelf: true });
    return `Welcome, ${ws.params.name}. Your id is ${ws.id}`;
  }

  /** "@<id> text" whispers to one connection, on whatever process it is; anything else goes to everyone. */
  @OnMessage()
  message(ws: Connector, text: string) {
    const whisper = /^@(\S+) (.+)$/.exec(text);
    if (whisper !== null) return ws.sendTo(whisper[1]!, `${ws.params.name} whispers: ${whisper[2]!}`) ? 'whispered' : 'no such connection';
    ws.broadcast(`${ws.params.name}: ${text}`, { exceptSelf: true });
    return `You wrote: ${text}`;
  }

  @OnClose()
  close(ws: Connector) {
    ws.broadcast(`${ws.params.name} left`);
  }
}

/**
 * Builds the app without listening. The bus defaults to a RedisBus on REDIS_URL (or the local Redis);
 * tests pass their own. POST /announce broadcasts its body to every process's clients; /docs documents the route.
 */
export function createApp(options: AppOptions = {}): App {
  const bus = options.bus ?? new RedisBus({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  const app = new App({ ...options, bus, routes: [ClusterChat] }).docs('/docs', { title: 'Cluster chat', version: '1.0.0' });
  return app.post('/announce', (req) => ({ local: app.broadcast(ClusterChat, typeof req.body === 'string' ? req.body : JSON.stringify(req.body)) }));
}
