/**
 * A chat with named rooms and who is online, on JSON events (docs/events.md), rooms (docs/rooms.md)
 * and presence (docs/presence.md), as declared by the channel in rooms.api.ts:
 *   {"event":"join","data":{"room":"lobby","name":"ann"},"id":1} → {"event":"join","id":1,"data":{"room":"lobby","recent":[{"name":"bob","text":"hi"}]}}
 *     then {"event":"presence_state","room":"lobby","data":{"ann":{"metas":[{"id":"…","name":"ann"}]},…}}
 *     and a {"event":"presence_diff",…} whenever people come and go (batched, each join and leave once)
 *   {"event":"say","data":"hello"}                               → everyone else in the room: {"event":"said","data":{"name":"ann","text":"hello"}}
 *   {"event":"who","id":2}                                       → {"event":"who","id":2,"data":{"room":"lobby","here":["ann","bob"]}}
 * A name is the presence key: two tabs of one name are one person with two metas. One room at a time
 * per connection. With a RedisBus (the cluster example's), the list spans every process.
 * The join answer holds the room's last messages (`recent`, from app.history: the App has `recovery`), and a
 * page that drops and comes back within two minutes gets what it missed (docs/recovery.md); with a RedisBus
 * also when the process it was on restarted, and on any process.
 * The page at GET / imports switchboard/client from GET /switchboard/client.js.
 *
 * Run: npm run build && PORT=8000 node dist/examples/rooms/main.js, then open http://localhost:8000 (the API's
 * docs and a console: http://localhost:8000/docs).
 */
import { App, Connector, OnConnect, OnMessage, WebSocketRoute, WsError, type AppOptions, type HistoryItem } from 'switchboard';
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

/** A room's last messages: app.history, provided to the route (a route class does not see its App). */
type Recent = (room: string) => Promise<HistoryItem[]>;

/** How many messages a join answers with. */
const RECENT = 20;

@WebSocketRoute(rooms, { inject: ['recent'] })
export class Rooms {
  constructor(private readonly recent: Recent) {}

  /** A resumed connection is back in its room, but its state is new (from the upgrade): read it back from the room's presence. */
  @OnConnect()
  async connect(ws: Connector<Member>) {
    const [room] = ws.rooms;
    if (!ws.recovered || room === undefined) return;
    const here = await ws.presence(room);
    const name = Object.keys(here).find((key) => here[key]!.metas.some((meta) => meta.id === ws.id));
    if (name !== undefined) Object.assign(ws.state, { room, name });
  }

  @OnMessage(rooms.requests.join)
  async join(ws: Connector<Member>, msg: { room: string; name: string }) {
    // A page joins again after every reconnect. Resumed where its presence entry lives, it is there already.
    if (ws.state.room !== msg.room || ws.state.name !== msg.name) {
      // Another room (the others see the leave in their next presence_diff), or resumed on a process that
      // restarted since: in the room, but untracked and nameless. Leaving and joining in one turn drops no push.
      for (const room of [...ws.rooms]) ws.leave(room);
      ws.state.name = msg.name;
      ws.state.room = msg.room;
      ws.join(msg.room, { presence: { key: msg.name, meta: { name: msg.name } } });
    }
    // Every push to a room is a `said` event: its data is the message.
    const recent = (await this.recent(msg.room)).map((item) => (item.data as { data: { name: string; text: string } }).data);
    return { room: msg.room, recent };
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
  // On the in-process bus recovery keeps history and sessions in the process; on a RedisBus in Redis, so a
  // page resumes on any process, also after the one it was on restarted (docs/recovery.md).
  const app = new App({ recovery: true, ...options, routes: [Rooms] });
  return app
    .provide('recent', ((room) => app.history(room, { limit: RECENT })) satisfies Recent)
    .get('/', () => roomsPage)
    .serveClient('/switchboard/client.js')
    .docs('/docs', { title: 'Rooms', version: '1.0.0', description: 'A chat with named rooms that shows who is online, on JSON events and presence.' });
}
