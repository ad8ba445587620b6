/**
 * A chat with named rooms and who is online, on JSON events (docs/events.md), rooms (docs/rooms.md)
 * and presence (docs/presence.md):
 *   {"event":"join","data":{"room":"lobby","name":"ann"},"id":1} → {"event":"join","id":1,"data":{"room":"lobby"}}
 *     then {"event":"presence_state","room":"lobby","data":{"ann":{"metas":[{"id":"…","name":"ann"}]},…}}
 *     and a {"event":"presence_diff",…} whenever people come and go (batched, each join and leave once)
 *   {"event":"say","data":"hello"}                               → everyone else in the room: {"event":"said","data":{"name":"ann","text":"hello"}}
 *   {"event":"who","id":2}                                       → {"event":"who","id":2,"data":{"room":"lobby","here":["ann","bob"]}}
 * A name is the presence key: two tabs of one name are one person with two metas. One room at a time
 * per connection. With a RedisBus (the cluster example's), the list spans every process.
 *
 * Run: npm run build && PORT=8000 node dist/examples/rooms/main.js, then open http://localhost:8000 (the API's
 * docs and a console: http://localhost:8000/docs).
 */
import { App, Connector, OnMessage, WebSocketRoute, WsError, type AppOptions, type StandardSchemaV1 } from 'switchboard';
import { roomsPage } from './page';

interface Member {
  name?: string;
  room?: string;
}

interface Join {
  room: string;
  name: string;
}

const joinJsonSchema = {
  type: 'object',
  required: ['room', 'name'],
  properties: { room: { type: 'string', pattern: '^[\\w -]{1,32}$' }, name: { type: 'string', pattern: '^[\\w -]{1,32}$' } },
  examples: [{ room: 'lobby', name: 'ann' }],
};

/**
 * A tiny hand-written Standard Schema, so the example needs no validator library. Its `jsonSchema` (the
 * Standard JSON Schema interface, which zod 4 has built in) is what /docs and app.asyncapi() show.
 */
const join: StandardSchemaV1<unknown, Join> & { '~standard': { jsonSchema: { input: () => object; output: () => object } } } = {
  '~standard': {
    version: 1,
    vendor: 'example',
    jsonSchema: { input: () => joinJsonSchema, output: () => joinJsonSchema },
    validate: (value) => {
      const { room, name } = (value ?? {}) as Partial<Join>;
      const ok = (s: unknown): s is string => typeof s === 'string' && /^[\w -]{1,32}$/.test(s);
      if (ok(room) && ok(name)) return { value: { room, name } };
      return { issues: [{ message: 'room and name must be 1–32 letters, digits, spaces or dashes', path: ok(room) ? ['name'] : ['room'] }] };
    },
  },
};

@WebSocketRoute('/rooms')
export class Rooms {
  @OnMessage('join', { schema: join })
  join(ws: Connector<Member>, msg: Join) {
    if (ws.state.room !== undefined) ws.leave(ws.state.room); // the others see the leave in their next presence_diff
    ws.state.name = msg.name;
    ws.state.room = msg.room;
    ws.join(msg.room, { presence: { key: msg.name, meta: { name: msg.name } } });
    return { room: msg.room };
  }

  @OnMessage('say')
  say(ws: Connector<Member>, text: string) {
    const { room, name } = ws.state;
    if (room === undefined) throw new WsError('not_in_room', 'Join a room first');
    ws.publish(room, { event: 'said', data: { name, text } }, { exceptSelf: true });
  }

  @OnMessage('who')
  async who(ws: Connector<Member>) {
    const room = ws.state.room;
    if (room === undefined) throw new WsError('not_in_room', 'Join a room first');
    return { room, here: Object.keys(await ws.presence(room)) };
  }
}

export function createApp(options: AppOptions = {}): App {
  return new App({ ...options, routes: [Rooms] })
    .get('/', () => roomsPage)
    .docs('/docs', { title: 'Rooms', version: '1.0.0', description: 'A chat with named rooms that shows who is online, on JSON events and presence.' });
}
