/**
 * A chat with named rooms and who is online, on JSON events (docs/events.md), rooms (docs/rooms.md)
 * and presence (docs/presence.md), as declared by the channel in rooms.api.ts:
 *   {"event":"join","data":{"room":"lobby","name":"ann"},"id":1} → {"event":"join","id":1,"data":{"room":"lobby"}}
 *     then {"event":"presence_state","room":"lobby","data":{"ann":{"metas":[{"id":"…","name":"ann"}]},…}}
 *     and a {"event":"presence_diff",…} whenever people come and go (batched, each join and leave once)
 *   {"event":"say","data":"hello"}                               → everyone else in the room: {"event":"said","data":{"name":"ann","text":"hello"}}
 *   {"event":"who","id":2}                                       → {"event":"who","id":2,"data":{"room":"lobby","here":["ann","bob"]}}
 * A name is the presence key: two tabs of one name are one person with two metas. One room at a time
 * per connection. With a RedisBus (the cluster example's), the list spans every process.
 * The page at GET / imports switchboard/client from GET /switchboard/client.js.
 *
 * Run: npm run build && PORT=8000 node dist/examples/rooms/main.js, then open http://localhost:8000 (the API's
 * docs and a console: http://localhost:8000/docs).
 */
import { App, Connector, OnMessage, WebSocketRoute, WsError, type AppOptions } from 'switchboard';
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

@WebSocketRoute(rooms)
export class Rooms {
  @OnMessage(rooms.requests.join)
  join(ws: Connector<Member>, msg: { room: string; name: string }) {
    if (ws.state.room !== undefined) ws.leave(ws.state.room); // the others see the leave in their next presence_diff
    ws.state.name = msg.name;
    ws.state.room = msg.room;
    ws.join(msg.room, { presence: { key: msg.name, meta: { name: msg.name } } });
    return { room: msg.room };
  }

  @OnMessage(rooms.requests.say)
  say(ws: Connector<Member>, text: string) {
    const { room, name } = joined(ws);
    ws.publish(room, rooms.event('said', { name, text }), { exceptSelf: true });
  }

  @OnMessage(rooms.requests.who)
  async who(ws: Connector<Member>) {
    const { room } = joined(ws);
    return { room, here: Object.keys(await ws.presence(room)) };
  }
}

export function createApp(options: AppOptions = {}): App {
  return new App({ ...options, routes: [Rooms] })
    .get('/', () => roomsPage)
    .serveClient('/switchboard/client.js')
    .docs('/docs', { title: 'Rooms', version: '1.0.0', description: 'A chat with named rooms that shows who is online, on JSON events and presence.' });
}
