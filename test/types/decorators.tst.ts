/**
 * Type tests (tstyche) of the server's decorators, run in both decorator modes: `npm run test:types` checks
 * this file with ./tsconfig.json (experimentalDecorators) and again with ./standard/tsconfig.json (standard
 * decorators). A handler of a channel's request must take the data's type and return the reply's; an
 * explicit kind or a schema types the message. Each refusal names the error it expects.
 */
import { describe, expect, test } from 'tstyche';
import { z } from 'zod';
import { OnMessage, OnUpgrade, WebSocketRoute, type Connector, type RequestHandler, type RequestReply, type UpgradeRequest } from 'switchboard';
import { chat } from './chat';

describe('@WebSocketRoute', () => {
  test('takes a pattern or a channel', () => {
    expect(() => {
      @WebSocketRoute(chat, { maxQueuedMessages: 8 })
      class Chat {}
      @WebSocketRoute('/ws/{id}')
      class Plain {}
      return [Chat, Plain];
    }).type.not.toRaiseError();
  });

  test('anything else is an error', () => {
    expect(WebSocketRoute({ pattern: 1 })).type.toRaiseError("Type 'number' is not assignable to type 'string'");
  });
});

describe('@OnMessage(channel.requests.name)', () => {
  test('a handler that takes the data and returns the reply (or a Promise of it) fits', () => {
    expect(() => {
      @WebSocketRoute(chat)
      class Chat {
        @OnMessage(chat.requests.say)
        say(_ws: Connector, msg: { text: string }) {
          return { at: msg.text.length };
        }
        @OnMessage(chat.requests.join)
        async join(ws: Connector, msg: { name: string }) {
          await Promise.resolve(ws.join(msg.name));
        }
        @OnMessage(chat.requests.measure)
        measure(_ws: Connector, length: number) {
          return length; // the output types of both schemas: what the client receives
        }
      }
      return Chat;
    }).type.not.toRaiseError();
  });

  test('types follow the schemas: data is the output of its schema, the reply the output of its schema', () => {
    expect<Parameters<RequestHandler<typeof chat.requests.say>>[1]>().type.toBe<{ text: string }>();
    expect<Parameters<RequestHandler<typeof chat.requests.measure>>[1]>().type.toBe<number>();
    expect<RequestReply<typeof chat.requests.say>>().type.toBe<{ at: number } | PromiseLike<{ at: number }>>();
    expect<RequestReply<typeof chat.requests.measure>>().type.toBe<number | PromiseLike<number>>();
    expect<RequestReply<typeof chat.requests.join>>().type.toBe<void | null | undefined | PromiseLike<void | null | undefined>>();
  });

  test('a handler may ignore the data, take a wider type, or return null for a request without reply', () => {
    expect(() => {
      class Chat {
        @OnMessage(chat.requests.say)
        async say(_ws: Connector, data: unknown) {
          return { at: typeof data === 'object' ? 1 : 0 };
        }
        @OnMessage(chat.requests.join)
        join() {
          return null;
        }
      }
      return Chat;
    }).type.not.toRaiseError();
  });

  test('data of another type is an error', () => {
    expect(() => {
      class Chat {
        @OnMessage(chat.requests.say)
        say(_ws: Connector, msg: { text: number }) {
          return { at: msg.text };
        }
      }
      return Chat;
    }).type.toRaiseError("Type 'string' is not assignable to type 'number'");
    expect(() => {
      class Chat {
        @OnMessage(chat.requests.say)
        say(_ws: Connector, msg: { text: string; from: string }) {
          return { at: msg.from.length };
        }
      }
      return Chat;
    }).type.toRaiseError("Property 'from' is missing in type '{ text: string; }'");
  });

  test('a reply of another type, or none where there is a reply schema, is an error', () => {
    expect(() => {
      class Chat {
        @OnMessage(chat.requests.say)
        say() {
          return 'ok';
        }
      }
      return Chat;
    }).type.toRaiseError("Type 'string' is not assignable to type '{ at: number; } | PromiseLike<{ at: number; }>'");
    expect(() => {
      class Chat {
        @OnMessage(chat.requests.say)
        async say() {
          return { at: 'noon' };
        }
      }
      return Chat;
    }).type.toRaiseError("Type 'string' is not assignable to type 'number'");
    expect(() => {
      class Chat {
        @OnMessage(chat.requests.say)
        say(ws: Connector) {
          ws.send('no reply');
        }
      }
      return Chat;
    }).type.toRaiseError("Type 'void' is not assignable to type '{ at: number; } | PromiseLike<{ at: number; }>'");
  });

  test('a value returned for a request without reply schema is an error (its answer is null)', () => {
    expect(() => {
      class Chat {
        @OnMessage(chat.requests.join)
        join() {
          return 'joined';
        }
      }
      return Chat;
    }).type.toRaiseError("Type 'string' is not assignable to type 'void | PromiseLike<void | null | undefined> | null | undefined'");
  });

  test('an unknown request is an error', () => {
    expect(() => {
      class Chat {
        @OnMessage(chat.requests.shout)
        shout() {}
      }
      return Chat;
    }).type.toRaiseError(`Property 'shout' does not exist on type`);
  });
});

describe('explicit kinds and schemas type the message', () => {
  test('as: the message parameter must accept what the kind gives', () => {
    expect(() => {
      class Kinds {
        @OnMessage({ as: 'text' })
        text(_ws: Connector, text: string) {
          return text;
        }
        @OnMessage({ as: 'bytes' })
        bytes(_ws: Connector, bytes: Buffer) {
          return bytes;
        }
        @OnMessage({ as: 'raw' })
        raw(_ws: Connector, message: string | Buffer) {
          return message;
        }
        @OnMessage({ as: 'json' })
        json(_ws: Connector, value: { any: 'shape' }) {
          return value;
        }
      }
      return Kinds;
    }).type.not.toRaiseError();
    expect(() => {
      class Kinds {
        @OnMessage({ as: 'raw' })
        raw(_ws: Connector, text: string) {
          return text;
        }
      }
      return Kinds;
    }).type.toRaiseError("Type 'string | Buffer<ArrayBufferLike>' is not assignable to type 'string'");
  });

  test('a schema types the event data; event data is never bytes', () => {
    expect(() => {
      class Events {
        @OnMessage('count', { schema: z.number().int() })
        count(_ws: Connector, n: string) {
          return n;
        }
      }
      return Events;
    }).type.toRaiseError("Type 'number' is not assignable to type 'string'");
    expect(OnMessage('upload', { as: 'bytes' })).type.toRaiseError(`Type '"bytes"' is not assignable to type 'EventKind | undefined'`);
  });
});

describe('@OnUpgrade<State>()', () => {
  interface Member {
    name: string;
  }

  test('returns the state, false, or a Promise of either; without a type argument, anything', () => {
    expect(() => {
      class Guarded {
        @OnUpgrade<Member>()
        enter(req: UpgradeRequest) {
          return req.queryParams.get('name') === null ? false : { name: 'ann' };
        }
        @OnUpgrade<Member>()
        async later(_req: UpgradeRequest) {
          return Promise.resolve({ name: 'bob' });
        }
        @OnUpgrade()
        untyped(_req: UpgradeRequest) {
          return 42;
        }
      }
      return Guarded;
    }).type.not.toRaiseError();
  });

  test('a return that is not the state is an error', () => {
    expect(() => {
      class Guarded {
        @OnUpgrade<Member>()
        enter(_req: UpgradeRequest) {
          return { nmae: 'ann' };
        }
      }
      return Guarded;
    }).type.toRaiseError("Type '{ nmae: string; }' is not assignable to type 'false | NoInfer<Member> | PromiseLike<false | NoInfer<Member>>'");
  });
});
