import { App, Connector, OnMessage, WebSocketRoute, type AppOptions } from '../../lib';
import { jsonDefaults, parseJson, type PoisoningAction } from '../../lib/util/json';
import { closeAll, connect, naiveMerge, recordingLogger, start, takePollution } from '../helpers';

type Tree = Record<string, unknown>;

afterEach(closeAll);
// A test that fails while Object.prototype is polluted must not leave it so for the next one.
afterEach(() => void takePollution());

const proto = '{"__proto__":{"polluted":"yes"}}';
const ctor = '{"constructor":{"prototype":{"polluted":"yes"}}}';
const refused = (message: string): string => JSON.stringify({ error: { code: 'invalid_json', message } });
const protoRefused = refused('The JSON has a forbidden "__proto__" key');
const ctorRefused = refused('The JSON has a forbidden "constructor.prototype" path');

/** A route whose handlers deep-merge what the client sends into ws.state, as a naive app would. */
async function merging(options: AppOptions = {}): Promise<{ url: (path: string) => string; states: Tree[] }> {
  const states: Tree[] = [];
  @WebSocketRoute('/merge')
  class Merge {
    @OnMessage()
    message(ws: Connector<Tree>, body: Tree) {
      states.push(naiveMerge(ws.state, body));
      return body;
    }

    @OnMessage('merge')
    merge(ws: Connector<Tree>, data: Tree) {
      states.push(naiveMerge(ws.state, data));
      return data;
    }
  }
  const { url } = await start({ routes: [Merge], ...options });
  return { url, states };
}

describe('parseJson', () => {
  const policy = (protoAction: PoisoningAction, constructorAction: PoisoningAction) => ({ protoAction, constructorAction });
  const both = '{"a":{"__proto__":{"x":1}},"b":{"constructor":{"prototype":{"x":1}}},"c":1}';
  const outcome = (text: string, protoAction: PoisoningAction, constructorAction: PoisoningAction): unknown => {
    try {
      return parseJson(text, policy(protoAction, constructorAction));
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };

  test('JSON without the keys parses as JSON.parse does; a "constructor" without "prototype", and the words as values, pass', () => {
    for (const text of ['{"a":[1,{"b":null}],"c":"x"}', '[1,"__proto__"]', '{"constructor":{"name":"x"},"k":"constructor"}', '"__proto__"', '42', 'null'])
      expect(parseJson(text, jsonDefaults)).toEqual(JSON.parse(text));
    expect(outcome('{bad', 'error', 'error')).toMatch(/^SyntaxError: /);
  });

  test.each([
    ['error', 'error', 'WsError: The JSON has a forbidden "__proto__" key'],
    ['ignore', 'error', 'WsError: The JSON has a forbidden "constructor.prototype" path'],
    ['remove', 'error', 'WsError: The JSON has a forbidden "constructor.prototype" path'],
    ['error', 'remove', 'WsError: The JSON has a forbidden "__proto__" key'],
    ['remove', 'remove', { a: {}, b: {}, c: 1 }],
    ['remove', 'ignore', { a: {}, b: { constructor: { prototype: { x: 1 } } }, c: 1 }],
    ['ignore', 'ignore', JSON.parse(both)],
  ] as const)('proto %s, constructor %s', (protoAction, constructorAction, expected) => {
    expect(outcome(both, protoAction, constructorAction)).toEqual(expected);
  });
});

describe('prototype poisoning in WebSocket messages and event frames', () => {
  test('by default a __proto__ key or constructor.prototype path anywhere gets invalid_json, so a deep merge into ws.state cannot pollute', async () => {
    const { url, states } = await merging();
    const c = await connect(url('/merge'));
    const attacks: [string, string][] = [
      [proto, protoRefused],
      [ctor, ctorRefused],
      ['{"a":[1,{"b":{"__proto__":{"polluted":"yes"}}}]}', protoRefused],
      ['{"\\u005f_proto__":{"polluted":"yes"}}', protoRefused],
      [`{"event":"merge","data":${proto}}`, protoRefused],
      [`{"event":"merge","data":${ctor}}`, ctorRefused],
      [`{"event":"merge","data":{},"__proto__":{"polluted":"yes"}}`, protoRefused],
      [`{"event":"merge","data":{},"id":${ctor}}`, ctorRefused],
    ];
    for (const [frame, expected] of attacks) {
      c.send(frame);
      expect(await c.next()).toBe(expected);
    }
    expect(takePollution()).toBeUndefined();
    expect(states).toEqual([]);
    c.send('{"constructor":"fine","proto":{"x":1}}');
    expect(await c.next()).toBe('{"constructor":"fine","proto":{"x":1}}');
    c.send('{"event":"merge","data":{"n":1},"id":7}');
    expect(await c.next()).toBe('{"event":"merge","id":7,"data":{"n":1}}');
  });

  test("'remove' deletes the keys and passes on the rest", async () => {
    const { url, states } = await merging({ onProtoPoisoning: 'remove', onConstructorPoisoning: 'remove' });
    const c = await connect(url('/merge'));
    c.send('{"a":1,"__proto__":{"polluted":"yes"},"b":{"constructor":{"prototype":{"polluted":"yes"}},"c":2}}');
    expect(await c.next()).toBe('{"a":1,"b":{"c":2}}');
    c.send(`{"event":"merge","data":{"d":3,"__proto__":{"polluted":"yes"}},"__proto__":{}}`);
    expect(await c.next()).toBe('{"event":"merge","data":{"d":3}}');
    expect(takePollution()).toBeUndefined();
    expect(states[1]).toEqual({ a: 1, b: { c: 2 }, d: 3 });
  });

  test("'ignore' passes the keys on as own properties (JSON.parse never sets a prototype); each option governs its own key", async () => {
    let prototypes: unknown[] = [];
    @WebSocketRoute('/echo')
    class Echo {
      @OnMessage()
      message(_ws: Connector, body: Tree) {
        prototypes = [Object.getPrototypeOf(body), Object.getPrototypeOf(body.__proto__)];
        return body;
      }
    }
    const { url } = await start({ routes: [Echo], onProtoPoisoning: 'ignore' });
    const c = await connect(url('/echo'));
    c.send(proto);
    expect(await c.next()).toBe(proto);
    expect(prototypes).toEqual([Object.prototype, Object.prototype]);
    c.send(ctor);
    expect(await c.next()).toBe(ctorRefused);
    expect(takePollution()).toBeUndefined();
  });
});

describe('prototype poisoning in HTTP JSON bodies', () => {
  const post = (base: string, body: string) => fetch(`${base}/merge`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  test('by default 400 naming the key, so a deep merge cannot pollute; the App options apply as for messages', async () => {
    const state: Tree = {};
    const merge = (options: AppOptions) =>
      new App({ logger: recordingLogger(), ...options }).post('/merge', (req) => {
        naiveMerge(state, req.body as Tree);
        return req.body;
      });
    const base = `http://127.0.0.1:${(await start(merge({}))).port}`;
    let res = await post(base, proto);
    expect([res.status, await res.text()]).toEqual([400, '{"error":{"status":400,"message":"The JSON has a forbidden \\"__proto__\\" key"}}']);
    res = await post(base, `[${ctor}]`);
    expect([res.status, await res.text()]).toEqual([400, '{"error":{"status":400,"message":"The JSON has a forbidden \\"constructor.prototype\\" path"}}']);
    expect(takePollution()).toBeUndefined();
    expect(state).toEqual({});

    const removing = `http://127.0.0.1:${(await start(merge({ onProtoPoisoning: 'remove', onConstructorPoisoning: 'remove' }))).port}`;
    res = await post(removing, '{"a":1,"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}');
    expect([res.status, await res.text()]).toEqual([200, '{"a":1}']);
    expect(takePollution()).toBeUndefined();
    expect(state).toEqual({ a: 1 });
  });
});
