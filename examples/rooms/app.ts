/**
 * A chat with named rooms, on JSON events (docs/events.md) and rooms (docs/rooms.md), as declared by
 * the channel in rooms.api.ts:
 *   {"event":"join","data":{"room":"lobby","name":"ann"},"id":1} → {"event":"join","id":1,"data":{"room":"lobby","here":2}}
 *   {"event":"say","data":"hello"}                               → everyone else in the room: {"event":"said","data":{"name":"ann","text":"hello"}}
 *   {"event":"who","id":2}                                       → {"event":"who","id":2,"data":{"room":"lobby","here":2}}
 * Members are told when someone joins or leaves ({"event":"presence",…}); one room at a time per connection.
 * The page at GET / imports switchboard/client from GET /switchboard/client.js.
 *
 * Run: npm run build && PORT=8000 node dist/examples/rooms/main.js, then open http://localhost:8000 (the API's
 * docs and a console: http://localhost:8000/docs).
 */
import { App, Connector, OnClose, OnMessage, WebSocketRoute, WsError, type AppOptions } from 'switchboard';
import { roomsPage } from './page';
import { rooms } from './rooms.api';

interface Member {
  name?: string;
  room?: string;
}

/** The room and name of a connection that has joined; a WsError for one that has not. */
function joined(ws: Connector<Member>): { room: string; name: string } {
  const { room, name } = ws.state;
  if (room === undefined || name === undefined) throw new WsError('not_in_room', 'Join a room first');
  return { room, name };
}

@WebSocketRoute(rooms.pattern)
export class Rooms {
  constructor(private readonly app: App) {}

  @OnMessage('join', { schema: rooms.requests.join.data })
  join(ws: Connector<Member>, msg: { room: string; name: string }) {
    this.leaveRoom(ws);
    ws.state.name = msg.name;
    ws.state.room = msg.room;
    ws.join(msg.room);
    ws.publish(msg.room, rooms.event('presence', { name: msg.name, joined: true }), { exceptSelf: true });
    return this.who(ws);
  }

  @OnMessage('say', { schema: rooms.requests.say.data })
  say(ws: Connector<Member>, text: string) {
    const { room, name } = joined(ws);
    ws.publish(room, rooms.event('said', { name, text }), { exceptSelf: true });
  }

  @OnMessage('who')
  who(ws: Connector<Member>) {
    const { room } = joined(ws);
    return { room, here: this.app.roomSize(room) };
  }

  @OnClose()
  close(ws: Connector<Member>) {
    this.leaveRoom(ws);
  }

  private leaveRoom(ws: Connector<Member>): void {
    const { room, name } = ws.state;
    if (room === undefined || name === undefined) return;
    ws.leave(room);
    ws.publish(room, rooms.event('presence', { name, joined: false }));
  }
}

export function createApp(options: AppOptions = {}): App {
  const app = new App({ ...options, routes: [Rooms] })
    .get('/', () => roomsPage)
    .serveClient('/switchboard/client.js')
    .docs('/docs', { title: 'Rooms', version: '1.0.0', description: 'A chat with named rooms, on JSON events.' });
  return app.provide(App, app);
}
