import { Connector, OnConnect, OnMessage, SwitchboardError, WebSocketRoute } from '../../lib';
import { closeAll, connect, start } from '../helpers';

afterEach(closeAll);

describe('Connector', () => {
  test('params from :name and {name} segments, decoded; query, headers, remote address, id', async () => {
    @WebSocketRoute('/rooms/:room/users/{userId}')
    class Info {
      @OnConnect()
      connect(ws: Connector) {
        return {
          params: { ...ws.params },
          name: ws.queryParams.get('name'),
          desg: ws.queryParams.get('desg'),
          header: ws.headers['x-custom'],
          remoteAddress: ws.remoteAddress,
          idIsString: typeof ws.id === 'string' && ws.id.length > 0,
          isOpen: ws.isOpen,
        };
      }
    }
    const { url } = await start({ routes: [Info] });
    const c = await connect(url('/rooms/main%20hall/users/42?name=gordon&desg=commissioner'), { headers: { 'X-Custom': 'yes' } });
    expect(await c.nextJson()).toEqual({
      params: { room: 'main hall', userId: '42' },
      name: 'gordon',
      desg: 'commissioner',
      header: 'yes',
      remoteAddress: '127.0.0.1',
      idIsString: true,
      isOpen: true,
    });
  });

  test('ids are unique; sendTo reaches another connection by id; unknown and closed ids → false', async () => {
    const connectors: Connector[] = [];
    @WebSocketRoute('/ids')
    class Ids {
      @OnConnect()
      connect(ws: Connector) {
        connectors.push(ws);
        return ws.id;
      }
      @OnMessage()
      message(ws: Connector, target: string) {
        return { delivered: ws.sendTo(target, `from ${ws.id}`) };
      }
    }
    const { url } = await start({ routes: [Ids] });
    const a = await connect(url('/ids'));
    const b = await connect(url('/ids'));
    const idA = (await a.next()) as string;
    const idB = (await b.next()) as string;
    expect(idA).not.toBe(idB);
    a.send(idB);
    expect(await b.next()).toBe(`from ${idA}`);
    expect(await a.next()).toBe('{"delivered":true}');
    // Near misses of a live id: a prefix parseInt would accept, another case, a suffix.
    for (const wrong of ['no-such-id', `${idB}.5`, `${idB} `, idB.toUpperCase(), `${idB}-1`, idB.slice(0, -1)]) {
      if (wrong === idA) continue;
      a.send(wrong);
      expect(await a.next()).toBe('{"delivered":false}');
    }
    await b.close();
    a.send(idB);
    expect(await a.next()).toBe('{"delivered":false}');
    expect(() => connectors[0]!.sendTo(42 as unknown as string, 'x')).toThrow(SwitchboardError);
  });

  test('broadcast reaches every connection of the route, exceptSelf skips the sender, and returns the count', async () => {
    @WebSocketRoute('/room')
    class Room {
      @OnMessage()
      message(ws: Connector, text: string) {
        const count = text === 'all' ? ws.broadcast('to all') : ws.broadcast('to others', { exceptSelf: true });
        return `count ${count}`;
      }
    }
    @WebSocketRoute('/elsewhere')
    class Elsewhere {}
    const { url } = await start({ routes: [Room, Elsewhere] });
    const a = await connect(url('/room'));
    const b = await connect(url('/room'));
    const other = await connect(url('/elsewhere'));
    a.send('all');
    expect(await a.next()).toBe('to all');
    expect(await a.next()).toBe('count 2');
    expect(await b.next()).toBe('to all');
    a.send('others');
    expect(await a.next()).toBe('count 1');
    expect(await b.next()).toBe('to others');
    expect(await a.silentFor(50)).toBe(true);
    expect(await other.silentFor(10)).toBe(true);
  });

  test('a route subscribes its connections on its first broadcast: those opened before and after all receive', async () => {
    @WebSocketRoute('/late')
    class Late {
      @OnMessage()
      message(ws: Connector, text: string) {
        return `count ${ws.broadcast(text, { exceptSelf: true })}`;
      }
    }
    const { app, url } = await start({ routes: [Late] });
    const a = await connect(url('/late'));
    const b = await connect(url('/late'));
    // The very first broadcast of the route, with exceptSelf: the sender is subscribed, then skipped.
    a.send('first');
    expect(await a.next()).toBe('count 1');
    expect(await b.next()).toBe('first');
    const c = await connect(url('/late'));
    expect(app.broadcast(Late, 'to everyone')).toBe(3);
    for (const client of [a, b, c]) expect(await client.next()).toBe('to everyone');
    c.send('from c');
    expect(await c.next()).toBe('count 2');
    expect(await a.next()).toBe('from c');
    expect(await b.next()).toBe('from c');
  });

  test('state is per connection and seeded empty', async () => {
    @WebSocketRoute('/counter')
    class Counter {
      @OnMessage()
      message(ws: Connector<{ count?: number }>) {
        ws.state.count = (ws.state.count ?? 0) + 1;
        return ws.state.count;
      }
    }
    const { url } = await start({ routes: [Counter] });
    const a = await connect(url('/counter'));
    const b = await connect(url('/counter'));
    a.send('x');
    a.send('x');
    b.send('x');
    expect(await a.next()).toBe('1');
    expect(await a.next()).toBe('2');
    expect(await b.next()).toBe('1');
  });

  test('close() validates its code and reason', async () => {
    const results: unknown[] = [];
    @WebSocketRoute('/close-args')
    class CloseArgs {
      @OnConnect()
      connect(ws: Connector) {
        for (const [code, reason] of [
          [1005, ''],
          [1006, ''],
          [1010, ''],
          [2000, ''],
          [5000, ''],
          [1000.5, ''],
          [4000, 'x'.repeat(124)],
          [4000, 'é'.repeat(62)],
        ] as const) {
          try {
            ws.close(code, reason);
            results.push('accepted');
          } catch (error) {
            results.push((error as SwitchboardError).code);
          }
        }
        return 'checked';
      }
    }
    const { url } = await start({ routes: [CloseArgs] });
    const c = await connect(url('/close-args'));
    expect(await c.next()).toBe('checked');
    expect(results).toEqual(Array(8).fill('SWB_ERR_INVALID_CLOSE_CODE'));
  });
});

describe('replies (docs/replies.md)', () => {
  @WebSocketRoute('/reply')
  class Replies {
    @OnMessage()
    message(ws: Connector, kind: string) {
      switch (kind) {
        case 'string':
          return 'text';
        case 'buffer':
          return Buffer.from([1, 2, 3]);
        case 'arraybuffer':
          return new Uint8Array([4, 5]).buffer;
        case 'int16':
          return new Int16Array([1]);
        case 'dataview':
          return new DataView(new Uint8Array([9, 8, 7]).buffer, 1, 2);
        case 'number':
          return 42;
        case 'boolean':
          return false;
        case 'object':
          return { a: [1, 'b'] };
        case 'array':
          return [1, 2];
        case 'undefined':
          return undefined;
        case 'null':
          return null;
        case 'empty':
          return '';
        case 'send-nothing':
          return { sent: ws.send(undefined) };
        default:
          return 'end';
      }
    }
  }

  test.each([
    ['string', 'text'],
    ['buffer', Buffer.from([1, 2, 3])],
    ['arraybuffer', Buffer.from([4, 5])],
    ['int16', Buffer.from(new Int16Array([1]).buffer)],
    ['dataview', Buffer.from([8, 7])],
    ['number', '42'],
    ['boolean', 'false'],
    ['object', '{"a":[1,"b"]}'],
    ['array', '[1,2]'],
    ['send-nothing', '{"sent":false}'],
  ])('%s → %p', async (kind, expected) => {
    const { url } = await start({ routes: [Replies] });
    const c = await connect(url('/reply'));
    c.send(kind);
    expect(await c.next()).toEqual(expected);
  });

  test.each(['undefined', 'null', 'empty'])('%s → nothing is sent', async (kind) => {
    const { url } = await start({ routes: [Replies] });
    const c = await connect(url('/reply'));
    c.send(kind);
    c.send('next');
    expect(await c.next()).toBe('end');
  });
});
