import { Connector, OnClose, OnMessage, SwitchboardError, WebSocketRoute } from '../../lib';
import { closeAll, connect, eventually, start } from '../helpers';

afterEach(closeAll);

@WebSocketRoute('/rooms')
class Rooms {
  @OnMessage('join')
  join(ws: Connector, room: string) {
    return { joined: ws.join(room), rooms: [...ws.rooms] };
  }
  @OnMessage('leave')
  leave(ws: Connector, room: string) {
    return { left: ws.leave(room), rooms: [...ws.rooms] };
  }
  @OnMessage('say')
  say(ws: Connector, msg: { room: string; text: string; others?: boolean }) {
    return { recipients: ws.publish(msg.room, msg.text, { exceptSelf: msg.others === true }) };
  }
  @OnClose()
  close(ws: Connector) {
    closedRooms.push(ws.rooms.size);
  }
}
const closedRooms: number[] = [];

describe('rooms', () => {
  test('join, publish (with and without exceptSelf), leave, rooms', async () => {
    const { app, url } = await start({ routes: [Rooms] });
    const a = await connect(url('/rooms'));
    const b = await connect(url('/rooms'));
    const outsider = await connect(url('/rooms'));
    a.send('{"event":"join","data":"lobby"}');
    expect(await a.next()).toBe('{"event":"join","data":{"joined":true,"rooms":["lobby"]}}');
    a.send('{"event":"join","data":"lobby"}');
    expect(await a.next()).toBe('{"event":"join","data":{"joined":false,"rooms":["lobby"]}}');
    b.send('{"event":"join","data":"lobby"}');
    expect(await b.next()).toBe('{"event":"join","data":{"joined":true,"rooms":["lobby"]}}');
    expect(app.roomSize('lobby')).toBe(2);

    a.send('{"event":"say","data":{"room":"lobby","text":"hello all"}}');
    expect(await a.next()).toBe('hello all');
    expect(await a.next()).toBe('{"event":"say","data":{"recipients":2}}');
    expect(await b.next()).toBe('hello all');
    a.send('{"event":"say","data":{"room":"lobby","text":"hello others","others":true}}');
    expect(await a.next()).toBe('{"event":"say","data":{"recipients":1}}');
    expect(await b.next()).toBe('hello others');
    outsider.send('{"event":"say","data":{"room":"lobby","text":"from outside"}}');
    expect(await outsider.next()).toBe('{"event":"say","data":{"recipients":2}}');
    expect(await a.next()).toBe('from outside');
    expect(await b.next()).toBe('from outside');

    expect(app.publish('lobby', { system: 'hi' })).toBe(2);
    expect(await a.next()).toBe('{"system":"hi"}');
    expect(await b.next()).toBe('{"system":"hi"}');

    b.send('{"event":"leave","data":"lobby"}');
    expect(await b.next()).toBe('{"event":"leave","data":{"left":true,"rooms":[]}}');
    expect(app.publish('lobby', 'after leave')).toBe(1);
    expect(await a.next()).toBe('after leave');
    expect(await b.silentFor(30)).toBe(true);
    expect(await outsider.silentFor(0)).toBe(true);
  });

  test('a connection in no room and no topic publishes to a room, with exceptSelf', async () => {
    @WebSocketRoute('/outsider')
    class Outsider {
      @OnMessage()
      message(ws: Connector, text: string) {
        if (text === 'join') return String(ws.join('r'));
        return `count ${ws.publish('r', 'hello', { exceptSelf: true })}`;
      }
    }
    const { url } = await start({ routes: [Outsider] });
    const member = await connect(url('/outsider'));
    member.send('join');
    expect(await member.next()).toBe('true');
    // A fresh connection has no uWS subscription at all (route topics are subscribed on first broadcast).
    const outsider = await connect(url('/outsider'));
    outsider.send('say');
    expect(await outsider.next()).toBe('count 1');
    expect(await member.next()).toBe('hello');
    expect(await outsider.silentFor(30)).toBe(true);
  });

  test('a closed connection leaves all its rooms', async () => {
    const { app, url } = await start({ routes: [Rooms] });
    const a = await connect(url('/rooms'));
    a.send('{"event":"join","data":"one"}');
    a.send('{"event":"join","data":"two"}');
    await a.next();
    await a.next();
    expect(app.roomSize('one')).toBe(1);
    closedRooms.length = 0;
    await a.close();
    await eventually(() => closedRooms.length > 0, '@OnClose to run');
    expect(closedRooms).toEqual([0]);
    expect([app.roomSize('one'), app.roomSize('two'), app.publish('one', 'x')]).toEqual([0, 0, 0]);
  });

  test('room names are validated', async () => {
    const { app } = await start({ routes: [Rooms] });
    expect(() => app.publish('', 'x')).toThrow(
      'app.publish(room, data): room must be a non-empty string of at most 256 characters, got "". [SWB_ERR_INVALID_ARGUMENT]',
    );
    expect(() => app.roomSize(42 as unknown as string)).toThrow(SwitchboardError);
  });
});
