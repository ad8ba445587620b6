/**
 * Type tests under standard decorators (the tsconfig beside this file): no design type and no parameter
 * decorator can say what a parameter is, so a handler's parameters must accept what the positional
 * convention (or the explicit kind) passes: the Connector first, then the message, the event's data or
 * the close code and reason. A handler that could only run with the wrong value does not compile.
 */
import { describe, expect, test } from 'tstyche';
import { z } from 'zod';
import { OnClose, OnConnect, OnDrain, OnMessage, type Connector } from 'switchboard';
import { chat } from '../chat';

describe('@OnMessage() without `as`: (ws, message as sent, dependencies)', () => {
  test('the Connector first, then a string or a Buffer, fits; so do fewer parameters', () => {
    expect(() => {
      class Echo {
        @OnMessage()
        message(ws: Connector<{ user: string }, typeof chat>, message: string | Buffer) {
          return `${ws.params.room}: ${message.length}`;
        }
      }
      class Ping {
        @OnMessage()
        message() {
          return 'pong';
        }
      }
      return [Echo, Ping];
    }).type.not.toRaiseError();
  });

  test('the message first is an error: the convention passes the Connector there', () => {
    expect(() => {
      class Echo {
        @OnMessage()
        message(text: string) {
          return text;
        }
      }
      return Echo;
    }).type.toRaiseError("Type 'AnyConnector' is not assignable to type 'string'");
  });

  test('a message typed string is an error: a binary frame would reach it as a Buffer (say `as`)', () => {
    expect(() => {
      class Echo {
        @OnMessage()
        message(_ws: Connector, text: string) {
          return text;
        }
      }
      return Echo;
    }).type.toRaiseError("Type 'RawMessage' is not assignable to type 'string'");
  });
});

describe('@OnMessage({ as }) and schemas: (ws, message, dependencies)', () => {
  test('the kind types the second parameter; the first is the Connector', () => {
    expect(() => {
      class Echo {
        @OnMessage({ as: 'text' })
        message(_ws: Connector, text: string) {
          return text;
        }
        @OnMessage('count', { schema: z.number() })
        count(_ws: Connector, n: number) {
          return n;
        }
        @OnMessage(chat.requests.say)
        say(_ws: Connector, msg: { text: string }) {
          return { at: msg.text.length };
        }
      }
      return Echo;
    }).type.not.toRaiseError();
  });

  test('leaving out the Connector is an error', () => {
    expect(() => {
      class Echo {
        @OnMessage({ as: 'text' })
        message(text: string) {
          return text;
        }
      }
      return Echo;
    }).type.toRaiseError("Type 'AnyConnector' is not assignable to type 'string'");
    expect(() => {
      class Chat {
        @OnMessage(chat.requests.say)
        say(msg: { text: string }) {
          return { at: msg.text.length };
        }
      }
      return Chat;
    }).type.toRaiseError("Types of parameters 'msg' and 'ws' are incompatible");
  });
});

describe("@OnMessage('event') without schema or `as`: (ws, the event's data, dependencies)", () => {
  test('data typed unknown fits', () => {
    expect(() => {
      class Events {
        @OnMessage('chat')
        chat(_ws: Connector, data: unknown) {
          return data;
        }
      }
      return Events;
    }).type.not.toRaiseError();
  });

  test('data of a narrower type is an error: nothing checks it (give a schema, or `as`)', () => {
    expect(() => {
      class Events {
        @OnMessage('chat')
        chat(_ws: Connector, data: { text: string }) {
          return data.text;
        }
      }
      return Events;
    }).type.toRaiseError("Type 'unknown' is not assignable to type '{ text: string; }'");
  });
});

describe('@OnConnect, @OnClose, @OnDrain: the Connector first', () => {
  test('(ws), (ws, code, reason) and (ws) fit', () => {
    expect(() => {
      class Life {
        @OnConnect()
        connect(ws: Connector<{ user: string }>) {
          return ws.state.user;
        }
        @OnClose()
        close(_ws: Connector, code: number, reason: string) {
          return `${code} ${reason}`;
        }
        @OnDrain()
        drain(ws: Connector) {
          return ws.id;
        }
      }
      return Life;
    }).type.not.toRaiseError();
  });

  test('anything else first is an error', () => {
    expect(() => {
      class Life {
        @OnConnect()
        connect(id: string) {
          return id;
        }
      }
      return Life;
    }).type.toRaiseError("Type 'AnyConnector' is not assignable to type 'string'");
    expect(() => {
      class Life {
        @OnClose()
        close(code: number) {
          return code;
        }
      }
      return Life;
    }).type.toRaiseError("Type 'AnyConnector' is not assignable to type 'number'");
    expect(() => {
      class Life {
        @OnClose()
        close(_ws: Connector, reason: string) {
          return reason;
        }
      }
      return Life;
    }).type.toRaiseError("Type 'number' is not assignable to type 'string'");
  });
});
