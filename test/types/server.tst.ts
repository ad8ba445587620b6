/**
 * Type tests (tstyche) of the server's side of a channel: a Connector typed by a channel or a pattern
 * (path parameters by name, `emit` by the channel's events), typed room pushes, and `app.provide` with
 * a class token. Each refusal names the error it expects. Run with `npm run test:types`.
 */
import { describe, expect, test } from 'tstyche';
import { App, type Connector, type HistoryItem, type RouteParams, type UpgradeRequest } from 'switchboard';
import { chat } from './chat';

interface Member {
  name: string;
}

declare const ws: Connector<Member, typeof chat>;
declare const byPattern: Connector<Member, '/rooms/:room/{user}'>;
declare const untyped: Connector;

describe('path parameters', () => {
  test('a Connector typed by a channel has its pattern parameters by name', () => {
    expect(ws.params).type.toBe<Readonly<{ room: string }>>();
    expect(ws.params.room).type.toBe<string>();
    expect(ws.params.rooom).type.toRaiseError("Property 'rooom' does not exist on type 'Readonly<PathParams<\"/chat/{room}\">>'. Did you mean 'room'?");
  });

  test('so does one typed by a pattern, in both spellings, and an UpgradeRequest', () => {
    expect(byPattern.params).type.toBe<Readonly<{ room: string; user: string }>>();
    expect<UpgradeRequest<typeof chat>['params']>().type.toBe<Readonly<{ room: string }>>();
    expect<RouteParams<'/notifications'>>().type.toBe<Readonly<{}>>(); // eslint-disable-line @typescript-eslint/no-empty-object-type
  });

  test('an untyped Connector has any name, possibly missing', () => {
    expect(untyped.params).type.toBe<Readonly<Record<string, string>>>();
    expect(untyped.params.anything).type.toBe<string | undefined>();
  });
});

describe('emit', () => {
  test("takes the channel's event names with their schema's output type", () => {
    expect(ws.emit('said', { from: 'ann', text: 'hi' })).type.toBe<boolean>();
    expect(ws.emit).type.toBeCallableWith('count', 3);
    expect(ws.emit).type.not.toBeCallableWith('count', '3');
  });

  test('wrong data or an unknown event is an error', () => {
    expect(ws.emit('said', { from: 'ann' })).type.toRaiseError("Property 'text' is missing");
    expect(ws.emit('said', { from: 'ann', text: 1 })).type.toRaiseError("Type 'number' is not assignable to type 'string'");
    expect(ws.emit('shout', { from: 'ann', text: 'hi' })).type.toRaiseError(
      `Argument of type '"shout"' is not assignable to parameter of type '"said" | "count"'`,
    );
  });

  test('untyped, or typed by a pattern only: any name, any data', () => {
    expect(untyped.emit).type.toBeCallableWith('anything', { any: 'data' });
    expect(byPattern.emit).type.toBeCallableWith('anything', 42);
  });
});

describe('pushing to a room', () => {
  test("a channel's event frame is a reply publish and broadcast take", () => {
    expect(ws.publish).type.toBeCallableWith(ws.params.room, chat.event('said', { from: ws.state.name, text: 'hi' }), { exceptSelf: true });
    expect(ws.broadcast).type.toBeCallableWith(chat.event('said', { from: 'ann', text: 'hi' }));
  });

  test('the frame is typed by the event schema', () => {
    expect(chat.event('said', { from: 'ann', text: 2 })).type.toRaiseError("Type 'number' is not assignable to type 'string'");
  });
});

describe('recovery', () => {
  test('ws.recovered is a read-only boolean; app.history resolves with positioned items', () => {
    expect(ws.recovered).type.toBe<boolean>();
    expect(new App().history('lobby', { limit: 50 })).type.toBe<Promise<HistoryItem[]>>();
    expect(new App().history('lobby', { since: 'x' })).type.toRaiseError("Type 'string' is not assignable to type 'number'");
  });
});

describe('a typed Connector where an untyped one is expected', () => {
  test('passes: helpers written for any route take it', () => {
    expect<Connector<Member, typeof chat>>().type.toBeAssignableTo<Connector<Member>>();
    expect<Connector<Member, '/rooms/:room'>>().type.toBeAssignableTo<Connector<Member>>();
  });
});

class Database {
  constructor(readonly url: string) {}
  query(sql: string): string[] {
    return [sql];
  }
}

abstract class Clock {
  abstract now(): number;
}

describe('app.provide', () => {
  const app = new App();

  test('a class token takes an instance of its type', () => {
    expect(app.provide(Database, new Database('db'))).type.toBe<App>();
    expect(app.provide).type.toBeCallableWith(Clock, { now: () => 1 });
  });

  test('a value of another type is an error', () => {
    expect(app.provide(Database, { url: 'db' })).type.toRaiseError("Property 'query' is missing in type '{ url: string; }' but required in type 'Database'");
    expect(app.provide(Clock, new Database('db'))).type.toRaiseError("Property 'now' is missing in type 'Database' but required in type 'Clock'");
  });

  test('string and symbol tokens take any value (their type is the @Inject parameter’s)', () => {
    expect(app.provide).type.toBeCallableWith('greeting', 'hello');
    expect(app.provide).type.toBeCallableWith(Symbol('clock'), () => 7);
  });
});
