/**
 * Property-based tests (fast-check) of the pure parts everything else rests on: the reply encoder,
 * the route-pattern parser and the parameter resolvers compiled at register().
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { bindRoute } from '../../lib/compile/bind';
import { compileRoute } from '../../lib/compile/route';
import { Connector, HttpError, OnMessage, SwitchboardError, WebSocketRoute, WsError } from '../../lib';
import { transportDefaults } from '../../lib/compile/route-settings';
import { jsonDefaults } from '../../lib/util/json';
import { encode } from '../../lib/runtime/reply';
import { decodeParams, parsePattern } from '../../lib/compile/pattern';
import { checkHandshake, checkRequestLimits } from '../../lib/transport/handshake';

const utf8 = new TextEncoder();

function bytesOf(text: string): ArrayBuffer {
  const b = utf8.encode(text);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

describe('reply encoder (lib/runtime/reply.ts)', () => {
  test('a string is itself; the empty string is nothing', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => expect(encode(s)).toBe(s === '' ? null : s)));
  });

  test('JSON values round-trip through the text frame', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const payload = encode(value);
        if (value === null) return expect(payload).toBeNull();
        if (typeof value === 'string') return expect(payload).toBe(value === '' ? null : value);
        expect(typeof payload).toBe('string');
        expect(JSON.parse(payload as string)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  test('bytes are sent as they are, without a copy; any view covers exactly its bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(8), fc.nat(8), (bytes, before, after) => {
        const backing = new Uint8Array(before + bytes.length + after);
        backing.set(bytes, before);
        const view = new DataView(backing.buffer, before, bytes.length);
        const payload = encode(view) as Uint8Array;
        expect(payload.buffer).toBe(backing.buffer);
        expect(Buffer.from(payload)).toEqual(Buffer.from(bytes));
        expect(encode(bytes)).toBe(bytes);
        expect(encode(backing.buffer)).toBe(backing.buffer);
      }),
    );
  });

  test('anything either encodes to a frame or nothing, or throws SWB_ERR_UNSENDABLE: never another error', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withDate: true, withNullPrototype: true }), (value) => {
        let payload: unknown;
        try {
          payload = encode(value);
        } catch (error) {
          expect(error).toBeInstanceOf(SwitchboardError);
          expect((error as SwitchboardError).code).toBe('SWB_ERR_UNSENDABLE');
          return;
        }
        expect(payload === null || typeof payload === 'string' || payload instanceof Uint8Array || payload instanceof ArrayBuffer).toBe(true);
      }),
    );
  });
});

describe('route patterns (lib/compile/pattern.ts)', () => {
  const name = fc.stringMatching(/^[A-Za-z_$][\w$]{0,8}$/);
  const literal = fc.stringMatching(/^[\w.~-]{1,8}$/);
  type Segment = { kind: 'literal'; text: string } | { kind: 'colon' | 'brace'; name: string };
  const segment: fc.Arbitrary<Segment> = fc.oneof(
    literal.map((text) => ({ kind: 'literal' as const, text })),
    name.map((n) => ({ kind: 'colon' as const, name: n })),
    name.map((n) => ({ kind: 'brace' as const, name: n })),
  );
  const segments = fc.array(segment, { minLength: 1, maxLength: 6 }).filter((list) => {
    const names = list.flatMap((s) => (s.kind === 'literal' ? [] : [s.name]));
    return new Set(names).size === names.length;
  });
  const write = (list: Segment[]): string =>
    '/' + list.map((s) => (s.kind === 'literal' ? s.text : s.kind === 'colon' ? `:${s.name}` : `{${s.name}}`)).join('/');

  test('a well-formed pattern parses to uWS form, names in order, both parameter syntaxes alike', () => {
    fc.assert(
      fc.property(segments, (list) => {
        const parsed = parsePattern(write(list), 'test');
        expect(parsed.uws).toBe('/' + list.map((s) => (s.kind === 'literal' ? s.text : `:${s.name}`)).join('/'));
        expect(parsed.names).toEqual(list.flatMap((s) => (s.kind === 'literal' ? [] : [s.name])));
        expect(parsed.shape).toBe('/' + list.map((s) => (s.kind === 'literal' ? s.text : ':')).join('/'));
      }),
    );
  });

  test('renaming parameters keeps the shape (that is how clashes are found)', () => {
    fc.assert(
      fc.property(segments, (list) => {
        const renamed = list.map((s, i) => (s.kind === 'literal' ? s : { kind: s.kind === 'colon' ? ('brace' as const) : ('colon' as const), name: `p${i}` }));
        expect(parsePattern(write(renamed), 'test').shape).toBe(parsePattern(write(list), 'test').shape);
      }),
    );
  });

  test('any string either parses or throws SWB_ERR_INVALID_PATTERN', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `/${s}`),
        ),
        (pattern) => {
          try {
            parsePattern(pattern, 'test');
          } catch (error) {
            expect((error as SwitchboardError).code).toBe('SWB_ERR_INVALID_PATTERN');
          }
        },
      ),
    );
  });

  test('path parameters decode what encodeURIComponent made; malformed encoding is a 400, nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 4 }), (values) => {
        const names = values.map((_, i) => `p${i}`);
        const decoded = decodeParams(names, values.map(encodeURIComponent));
        expect(names.map((n) => decoded[n])).toEqual(values);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (raw) => {
        try {
          decodeParams(['p'], [raw]);
        } catch (error) {
          expect(error).toBeInstanceOf(HttpError);
          expect((error as HttpError).status).toBe(400);
        }
      }),
    );
  });
});

describe('parameter resolvers (lib/compile/resolvers.ts)', () => {
  const calls: unknown[][] = [];

  @WebSocketRoute('/props')
  class Props {
    @OnMessage()
    message(ws: Connector, body: object) {
      calls.push([ws, body]);
      return body;
    }

    @OnMessage('text')
    text(ws: Connector, text: string) {
      return text;
    }

    @OnMessage('count')
    count(ws: Connector, n: number) {
      return n;
    }
  }

  @WebSocketRoute('/raw')
  class Raw {
    @OnMessage()
    message(text: string, ws: Connector) {
      return [text, ws];
    }
  }

  @WebSocketRoute('/bytes')
  class Bytes {
    @OnMessage()
    message(bytes: Buffer) {
      return bytes;
    }
  }

  const plan = (cls: abstract new (...args: never[]) => object) => bindRoute(compileRoute(cls, transportDefaults, console), new Map(), jsonDefaults);
  /** Resolvers pass the connection through untouched; any object stands for it. */
  const ws = {} as Connector;

  /** The code of the WsError `run` throws, or null when it returns; any other error fails the test. */
  function wsErrorCode(run: () => unknown): string | null {
    try {
      run();
      return null;
    } catch (error) {
      if (!(error instanceof WsError)) throw error;
      return error.code;
    }
  }

  /** Has the value an own "__proto__" key, or an own "constructor" object with an own "prototype", anywhere? */
  function poisoned(value: unknown): boolean {
    if (value === null || typeof value !== 'object') return false;
    const own = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);
    const ctor = (value as Record<string, unknown>).constructor;
    if (own(value, '__proto__') || (own(value, 'constructor') && ctor !== null && typeof ctor === 'object' && own(ctor, 'prototype'))) return true;
    return Object.values(value).some(poisoned);
  }

  test('an object parameter gets the parsed JSON object or array; WsError invalid_data for other JSON values, invalid_json for prototype keys', () => {
    const onMessage = plan(Props).onMessage!;
    // JSON values, and trees made of the keys that poison prototypes.
    const keys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'a');
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 1 }),
        fc.dictionary(keys, tie('tree'), { maxKeys: 3 }),
        fc.array(tie('tree'), { maxLength: 3 }),
      ),
    }));
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), tree), (value) => {
        calls.length = 0;
        const text = JSON.stringify(value);
        const run = () => onMessage(ws, bytesOf(text), false);
        if (value === null || typeof value !== 'object') return expect(wsErrorCode(run)).toBe('invalid_data');
        if (poisoned(value)) return expect(wsErrorCode(run)).toBe('invalid_json');
        expect(run()).toEqual(JSON.parse(text));
        expect(calls[0]![0]).toBe(ws);
      }),
    );
  });

  test('any bytes reach an object parameter as an object or array, or give WsError invalid_json or invalid_data (always, as a binary frame)', () => {
    const onMessage = plan(Props).onMessage!;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        calls.length = 0;
        const code = wsErrorCode(() => onMessage(ws, bytes.slice().buffer, false));
        if (code === null) expect(typeof calls[0]![1]).toBe('object');
        else expect(['invalid_json', 'invalid_data']).toContain(code);
        expect(wsErrorCode(() => onMessage(ws, bytes.slice().buffer, true))).toBe('invalid_data');
      }),
    );
  });

  test('parameters resolve by type in any order: text is the UTF-8 decoding', () => {
    const onMessage = plan(Raw).onMessage!;
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(onMessage(ws, bytesOf(text), false)).toEqual([text, ws]);
      }),
    );
  });

  test('a string parameter gets a binary frame decoded exactly when its bytes are UTF-8, else WsError unsupported_data', () => {
    const onMessage = plan(Raw).onMessage!;
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.string({ unit: 'grapheme' }).map((text) => new Uint8Array(bytesOf(text))),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        if (!isUtf8(b)) return expect(wsErrorCode(() => onMessage(ws, b.slice().buffer, true))).toBe('unsupported_data');
        const [text] = onMessage(ws, b.slice().buffer, true) as [string];
        expect(Buffer.from(text).equals(b)).toBe(true);
      }),
    );
  });

  test('a Buffer parameter gets a copy that outlives the uWS ArrayBuffer', () => {
    const onMessage = plan(Bytes).onMessage!;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        const source = bytes.slice().buffer;
        const got = onMessage(ws, source, true) as Buffer;
        new Uint8Array(source).fill(0);
        expect(Buffer.isBuffer(got)).toBe(true);
        expect(got.equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  test('event data declared as string or number: the value when it has that type, else WsError invalid_data', () => {
    const events = plan(Props).events!;
    fc.assert(
      fc.property(fc.jsonValue(), (data) => {
        for (const [event, type] of [
          ['text', 'string'],
          ['count', 'number'],
        ] as const) {
          try {
            expect(events.get(event)!(ws, data, false)).toBe(data);
            expect(typeof data).toBe(type);
          } catch (error) {
            if (!(error instanceof WsError)) throw error;
            expect(error.code).toBe('invalid_data');
            expect(typeof data).not.toBe(type);
          }
        }
      }),
    );
  });
});

describe('handshake checks (lib/transport/handshake.ts)', () => {
  test('Sec-WebSocket-Key: base64 of exactly 16 bytes passes, of any other length is a 400', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (bytes) => {
        const refused = checkHandshake(Buffer.from(bytes).toString('base64'), '13');
        if (bytes.length === 16) expect(refused).toBeNull();
        else expect(refused?.status).toBe(400);
      }),
    );
  });

  test('any string as key and version: null, 400 or 426, never a throw', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, version) => {
        expect([undefined, 400, 426]).toContain(checkHandshake(key, version)?.status);
      }),
    );
  });

  test('request caps: within every cap passes; one past any cap is refused with its status', () => {
    const limits = { maxHeaderCount: 6, maxHeaderLineBytes: 40, maxHeaderBytes: 100, maxUrlLength: 50, maxQueryParams: 4 };
    const header = fc.tuple(fc.stringMatching(/^[a-z-]{1,10}$/), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.array(fc.stringMatching(/^[a-z]=\d$/), { maxLength: 6 }),
        fc.array(header, { maxLength: 8 }),
        (url, params, headers) => {
          const query = params.join('&');
          const flat = headers.flat();
          const lines = headers.map(([n, v]) => n.length + v.length);
          const expected =
            url.length + query.length > 50 || params.length > 4
              ? 414
              : headers.length > 6 || lines.some((l) => l > 40) || lines.reduce((a, b) => a + b, 0) > 100
                ? 431
                : undefined;
          expect(checkRequestLimits(limits, url, query, flat)?.status).toBe(expected);
        },
      ),
    );
  });
});
