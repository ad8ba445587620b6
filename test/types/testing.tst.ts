/**
 * Type tests of switchboard/testing: a client connected by a channel speaks its requests and pushes; one
 * connected by path takes any name and gives `unknown`.
 */
import { describe, expect, test } from 'tstyche';
import type { App } from 'switchboard';
import type { TestApp, TestClient } from 'switchboard/testing';
import { chat } from './chat';

declare const t: TestApp<App>;

describe('t.connect(channel, { params, query })', () => {
  test('gives a client typed by the channel', () => {
    expect(t.connect(chat, { params: { room: 'lobby' }, query: { name: 'ann' } })).type.toBe<Promise<TestClient<typeof chat>>>();
  });

  test('params are required when the pattern has some, and checked by name', () => {
    // TypeScript reports the last overload's error (the path's).
    expect(t.connect(chat)).type.toRaiseError("is not assignable to parameter of type 'string'");
    expect(t.connect(chat, { params: { rooom: 'lobby' } })).type.toRaiseError("'rooom' does not exist in type 'PathParams<\"/chat/{room}\">'");
  });

  test("request() takes the request's input data and resolves with its reply's output", async () => {
    const c = await t.connect(chat, { params: { room: 'lobby' } });
    expect(c.request('say', { text: 'hi' })).type.toBe<Promise<{ at: number }>>();
    expect(c.request('join', { name: 'ann' })).type.toBe<Promise<null>>();
    expect(c.request('measure', 'four')).type.toBe<Promise<number>>();
    expect(c.request('say', { text: 1 })).type.toRaiseError("Type 'number' is not assignable to type 'string'");
    expect(c.request('shout', {})).type.toRaiseError(`Argument of type '"shout"' is not assignable to parameter of type '"say" | "join" | "measure"'`);
  });

  test("nextEvent() resolves with a push's data; an unknown push is an error", async () => {
    const c = await t.connect(chat, { params: { room: 'lobby' } });
    expect(c.nextEvent('said')).type.toBe<Promise<{ from: string; text: string }>>();
    expect(c.nextEvent('count')).type.toBe<Promise<number>>();
    expect(c.nextEvent('sad')).type.toRaiseError(`Argument of type '"sad"' is not assignable to parameter of type '"said" | "count"'`);
  });
});

describe('t.connect(path, options)', () => {
  test('still works: any request or push name, unknown data', async () => {
    const c = await t.connect('/chat/lobby', { headers: { authorization: 'Bearer x' } });
    expect(c).type.toBe<TestClient>();
    expect(c.request('anything', { any: 'data' })).type.toBe<Promise<unknown>>();
    expect(c.nextEvent('whatever')).type.toBe<Promise<unknown>>();
  });
});
