/**
 * What an idle connection keeps and what it makes only when used (docs/limits.md#idle-memory): the upgrade's
 * headers only on routes whose code can read them, and the queue behind an async handler as a ring.
 */
import { App, Connector, Header, OnConnect, OnMessage, OnUpgrade, SwitchboardError, WebSocketRoute } from '../../lib';
import type { UpgradeRequest } from '../../lib';
import { MessageQueue } from '../../lib/runtime/queue';
import { closeAll, connect, delay, recordingLogger, start } from '../helpers';

afterEach(closeAll);

/** Code outside any route class that reads headers: what the route option `headers: true` is for. */
function userAgentOf(ws: Connector): string {
  return ws.headers['user-agent'] ?? 'none';
}

describe('the upgrade headers an idle connection keeps', () => {
  test('a route whose code never mentions them keeps none: ws.headers says so, queryParams still work', async () => {
    const logger = recordingLogger();
    @WebSocketRoute('/plain')
    class Plain {
      @OnMessage()
      message(ws: Connector, text: string) {
        if (text === 'query') return ws.queryParams.get('q');
        return userAgentOf(ws);
      }
    }
    const { url } = await start({ routes: [Plain], logger });
    const c = await connect(url('/plain?q=kept'), { headers: { 'User-Agent': 'jest' } });
    c.send('query');
    expect(await c.next()).toBe('kept');
    c.send('headers');
    expect(await c.nextJson()).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
    const failure = logger.errors[0]?.error;
    expect(failure).toBeInstanceOf(SwitchboardError);
    expect((failure as SwitchboardError).code).toBe('SWB_ERR_HEADERS_NOT_KEPT');
    expect((failure as SwitchboardError).message).toContain('{ headers: true }');
  });

  test('the route option headers: true keeps them for code outside the class; headers: false drops them', async () => {
    @WebSocketRoute('/kept', { headers: true })
    class Kept {
      @OnMessage()
      message(ws: Connector) {
        return userAgentOf(ws);
      }
    }
    @WebSocketRoute('/dropped', { headers: false })
    class Dropped {
      @OnMessage()
      message(ws: Connector) {
        return ws.headers['user-agent'];
      }
    }
    const logger = recordingLogger();
    const { url } = await start({ routes: [Kept, Dropped], logger });
    const kept = await connect(url('/kept?a=1'), { headers: { 'User-Agent': 'jest' } });
    kept.send('x');
    expect(await kept.next()).toBe('jest');
    const dropped = await connect(url('/dropped'), { headers: { 'User-Agent': 'jest' } });
    dropped.send('x');
    expect(await dropped.nextJson()).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
    expect((logger.errors[0]?.error as SwitchboardError).code).toBe('SWB_ERR_HEADERS_NOT_KEPT');
    expect(() => new App({ routes: [routeWithOption({ headers: 'yes' })] })).toThrow(/option "headers" must be/);
  });

  test('kept when the class mentions them or takes @Header, and not for a mention in @OnUpgrade alone', async () => {
    @WebSocketRoute('/mentions')
    class Mentions {
      @OnConnect()
      connect(ws: Connector) {
        return { agent: ws.headers['user-agent'], query: ws.queryParams.get('q') };
      }
    }
    @WebSocketRoute('/takes')
    class Takes {
      @OnMessage()
      message(_ws: Connector, @Header('user-agent') agent: string) {
        return agent;
      }
    }
    @WebSocketRoute('/guard')
    class Guard {
      @OnUpgrade()
      upgrade(req: UpgradeRequest) {
        return { agent: req.headers['user-agent'] };
      }
      @OnMessage()
      message(ws: Connector<{ agent: string }>) {
        return ws.state.agent;
      }
    }
    const app = new App({ routes: [Mentions, Takes, Guard] });
    const { url } = await start(app);
    const mentions = await connect(url('/mentions?q=1'), { headers: { 'User-Agent': 'jest' } });
    expect(await mentions.nextJson()).toEqual({ agent: 'jest', query: '1' });
    const takes = await connect(url('/takes'), { headers: { 'User-Agent': 'jest' } });
    takes.send('x');
    expect(await takes.next()).toBe('jest');
    // The guard reads the request's own headers; the connection afterwards keeps none, and its state has the value.
    const guard = await connect(url('/guard'), { headers: { 'User-Agent': 'jest' } });
    guard.send('x');
    expect(await guard.next()).toBe('jest');
    const plans = (app as unknown as { plans: { name: string; keepsHeaders: boolean }[] }).plans;
    expect(Object.fromEntries(plans.map((p) => [p.name, p.keepsHeaders]))).toEqual({ Mentions: true, Takes: true, Guard: false });
  });
});

function routeWithOption(options: object): new () => object {
  @WebSocketRoute('/option', options)
  class WithOption {}
  return WithOption;
}

describe('an event frame no event handler takes reaches the plain handler decoded once', () => {
  test('as text, as its JSON object, and as bytes; a binary frame as bytes', async () => {
    @WebSocketRoute('/fallthrough')
    class Fallthrough {
      @OnMessage('known')
      known(_ws: Connector, data: unknown) {
        return { known: data };
      }
      @OnMessage({ as: 'json' })
      message(_ws: Connector, msg: { event?: string; n?: number }) {
        return { plain: msg };
      }
    }
    @WebSocketRoute('/fallthrough-text')
    class FallthroughText {
      @OnMessage('known')
      known() {
        return 'known';
      }
      @OnMessage({ as: 'raw' })
      message(_ws: Connector, msg: string | Buffer) {
        return typeof msg === 'string' ? `text:${msg}` : `bytes:${msg.length}`;
      }
    }
    const { url } = await start({ routes: [Fallthrough, FallthroughText] });
    const json = await connect(url('/fallthrough'));
    json.send('{"event":"known","data":1}');
    expect(await json.nextJson()).toEqual({ event: 'known', data: { known: 1 } });
    json.send('{"event":"other","n":2}');
    expect(await json.nextJson()).toEqual({ plain: { event: 'other', n: 2 } });
    json.send('{"n":3}');
    expect(await json.nextJson()).toEqual({ plain: { n: 3 } });
    // Not an object: the plain handler's own parse says why.
    json.send('[1]');
    expect(await json.nextJson()).toEqual({ plain: [1] });
    json.send('{oops');
    expect(await json.nextJson()).toMatchObject({ error: { code: 'invalid_json' } });

    const text = await connect(url('/fallthrough-text'));
    text.send('\uFEFF{"event":"other"}');
    expect(await text.next()).toBe('text:\uFEFF{"event":"other"}');
    text.send(' not json');
    expect(await text.next()).toBe('text: not json');
    text.send(Buffer.from([1, 2, 3]));
    expect(await text.next()).toBe('bytes:3');
  });
});

describe('the queue behind an async handler', () => {
  test('a ring: order kept across wrap-around and growth', () => {
    const queue = new MessageQueue();
    const taken: number[] = [];
    let next = 0;
    // Push 5, take 3, repeatedly: the head wraps around the 8 slots, then the queue grows past them.
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 5; i++) queue.push({ data: new ArrayBuffer(next++), isBinary: false });
      for (let i = 0; i < 3; i++) taken.push(queue.shift()!.data.byteLength);
    }
    while (queue.size > 0) taken.push(queue.shift()!.data.byteLength);
    expect(taken).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(queue.shift()).toBeUndefined();
    queue.push({ data: new ArrayBuffer(1), isBinary: true });
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });

  test('100 messages behind a slow handler are handled in order', async () => {
    @WebSocketRoute('/slow')
    class Slow {
      @OnMessage()
      async message(_ws: Connector, text: string) {
        if (text === '0') await delay(50);
        return text;
      }
    }
    const { url } = await start({ routes: [Slow] });
    const c = await connect(url('/slow'));
    for (let i = 0; i < 100; i++) c.send(String(i));
    const replies: string[] = [];
    for (let i = 0; i < 100; i++) replies.push(String(await c.next()));
    expect(replies).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
  });
});
