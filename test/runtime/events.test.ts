import { z } from 'zod';
import { App, Connector, OnMessage, SwitchboardError, WebSocketRoute, WsError } from '../../lib';
import type { StandardSchemaV1 } from '../../lib';
import { closeAll, connect, delay, recordingLogger, start } from '../helpers';

afterEach(closeAll);

/** A hand-written Standard Schema with an async validate, to prove no validator library is assumed. */
const positive: StandardSchemaV1<unknown, number> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: async (value) => (typeof value === 'number' && value > 0 ? { value } : { issues: [{ message: 'must be a positive number', path: [] }] }),
  },
};

@WebSocketRoute('/events')
class Events {
  @OnMessage('chat', { schema: z.object({ text: z.string().min(1) }) })
  chat(ws: Connector, msg: { text: string }) {
    return { echoed: msg.text };
  }

  @OnMessage('double', { schema: positive })
  async double(ws: Connector, n: number) {
    await delay(5);
    return n * 2;
  }

  @OnMessage('fail')
  fail() {
    throw new WsError('nope', 'Not today');
  }

  @OnMessage('crash')
  crash() {
    throw new Error('internal detail');
  }

  @OnMessage('silent')
  silent() {
    return undefined;
  }

  @OnMessage('name')
  name(ws: Connector, text: string) {
    return text.toUpperCase();
  }

  @OnMessage()
  plain(ws: Connector, text: string) {
    return `plain: ${text}`;
  }
}

@WebSocketRoute('/events-only')
class EventsOnly {
  @OnMessage('ping')
  ping() {
    return 'pong';
  }
}

describe('JSON events', () => {
  test('routing by event, data as the message parameter, reply wrapped, id copied', async () => {
    const { url } = await start({ routes: [Events] });
    const c = await connect(url('/events'));
    c.send('{"event":"chat","data":{"text":"hi"}}');
    expect(await c.next()).toBe('{"event":"chat","data":{"echoed":"hi"}}');
    c.send(JSON.stringify({ event: 'chat', data: { text: 'again' }, id: 7 }));
    expect(await c.next()).toBe('{"event":"chat","id":7,"data":{"echoed":"again"}}');
    c.send(JSON.stringify({ event: 'name', data: 'ann', id: 'r1' }));
    expect(await c.next()).toBe('{"event":"name","id":"r1","data":"ANN"}');
  });

  test('a plain @OnMessage beside events receives what matched none', async () => {
    const { url } = await start({ routes: [Events] });
    const c = await connect(url('/events'));
    c.send('hello');
    expect(await c.next()).toBe('plain: hello');
    c.send('{"event":"nobody","data":1}');
    expect(await c.next()).toBe('plain: {"event":"nobody","data":1}');
    c.send('{"no":"event"}');
    expect(await c.next()).toBe('plain: {"no":"event"}');
  });

  test('without a plain handler: unknown_event and invalid_event error frames, connection open', async () => {
    const { url } = await start({ routes: [EventsOnly] });
    const c = await connect(url('/events-only'));
    c.send('{"event":"pong","id":3}');
    expect(await c.next()).toBe('{"event":"pong","id":3,"error":{"code":"unknown_event","message":"No handler for event \\"pong\\""}}');
    c.send('not json');
    expect(await c.next()).toBe('{"error":{"code":"invalid_event","message":"Expected a JSON text frame {\\"event\\":…,\\"data\\":…}"}}');
    c.send(Buffer.from([1, 2]));
    expect(await c.nextJson()).toEqual({ error: { code: 'invalid_event', message: 'Expected a JSON text frame {"event":…,"data":…}' } });
    c.send('{"event":"ping"}');
    expect(await c.next()).toBe('{"event":"ping","data":"pong"}');
  });

  test('validation failures (sync zod, async custom) never run the handler and keep the id', async () => {
    const { url } = await start({ routes: [Events] });
    const c = await connect(url('/events'));
    c.send(JSON.stringify({ event: 'chat', data: { text: '' }, id: 1 }));
    const failure = (await c.nextJson()) as {
      event: string;
      id: number;
      error: { code: string; message: string; issues: { message: string; path: unknown[] }[] };
    };
    expect(failure.event).toBe('chat');
    expect(failure.id).toBe(1);
    expect(failure.error.code).toBe('validation_failed');
    expect(failure.error.issues).toHaveLength(1);
    expect(failure.error.issues[0]!.path).toEqual(['text']);
    c.send(JSON.stringify({ event: 'double', data: -1, id: 2 }));
    expect(await c.nextJson()).toEqual({
      event: 'double',
      id: 2,
      error: { code: 'validation_failed', message: 'must be a positive number', issues: [{ message: 'must be a positive number', path: [] }] },
    });
    c.send(JSON.stringify({ event: 'double', data: 21, id: 3 }));
    expect(await c.next()).toBe('{"event":"double","id":3,"data":42}');
  });

  test('errors are event-shaped; an id is always answered, even with nothing to return', async () => {
    const logger = recordingLogger();
    const { url } = await start({ routes: [Events], logger });
    const c = await connect(url('/events'));
    c.send('{"event":"fail","id":9}');
    expect(await c.next()).toBe('{"event":"fail","id":9,"error":{"code":"nope","message":"Not today"}}');
    c.send('{"event":"crash"}');
    expect(await c.next()).toBe('{"event":"crash","error":{"code":"internal_error","message":"Internal server error"}}');
    expect((logger.errors[0]!.error as Error).message).toBe('internal detail');
    c.send('{"event":"silent","id":10}');
    expect(await c.next()).toBe('{"event":"silent","id":10,"data":null}');
    c.send('{"event":"silent"}');
    c.send('{"event":"name","data":42}');
    expect(await c.next()).toBe('{"event":"name","error":{"code":"invalid_data","message":"Expected \\"data\\" to be a string"}}');
  });

  test('async event handlers keep the arrival order with plain messages', async () => {
    const { url } = await start({ routes: [Events] });
    const c = await connect(url('/events'));
    c.send('{"event":"double","data":1}');
    c.send('x');
    c.send('{"event":"double","data":2}');
    expect(await c.next()).toBe('{"event":"double","data":2}');
    expect(await c.next()).toBe('plain: x');
    expect(await c.next()).toBe('{"event":"double","data":4}');
  });

  test('declaration errors: duplicate events, bytes for event data, schema that is not a Standard Schema', () => {
    @WebSocketRoute('/dup')
    class Dup {
      @OnMessage('a') one() {}
      @OnMessage('a') two() {}
    }
    expect(() => new App().register(Dup)).toThrow(
      "Dup declares two @OnMessage('a') handlers (one and two). Keep one and call the other from it. [SWB_ERR_DUPLICATE_HANDLER]",
    );
    @WebSocketRoute('/bytes')
    class Bytes {
      @OnMessage('a') one(data: Buffer) {
        return data;
      }
    }
    expect(() => new App().register(Bytes)).toThrow(/Bytes\.one: parameter #0 \(Buffer\) asks for bytes, but event data is JSON/);
    expect(() => OnMessage('a', { schema: { parse: () => 1 } as never })).toThrow(SwitchboardError);
  });
});
