/**
 * A channel and the server route that implements it with today's decorators, and helpers that open a
 * switchboard client (with `ws` as its WebSocket) and wait for its status, every wait bounded.
 */
import WebSocket from 'ws';
import { z } from 'zod';
import { Connector, HttpError, OnClose, OnConnect, OnMessage, OnUpgrade, WebSocketRoute, WsError } from '../../lib';
import {
  connect,
  defineChannel,
  RequestError,
  type AnyChannel,
  type ChannelOptions,
  type Client,
  type ClientOptions,
  type ClientStatus,
} from '../../lib/client';
import { closeAll, within } from '../helpers';

export const chat = defineChannel('/chat/{room}', {
  requests: {
    say: { data: z.object({ text: z.string().min(1).max(500) }), reply: z.object({ at: z.number() }) },
    join: { data: z.object({ name: z.string() }) },
    whoami: { data: z.null(), reply: z.object({ room: z.string(), token: z.string().nullable() }) },
    hold: { data: z.null(), reply: z.literal('released') },
    fail: { data: z.null() },
    crash: { data: z.null() },
  },
  events: {
    said: z.object({ from: z.string(), text: z.string() }),
  },
});

/** Handlers of `hold` wait here until the test opens it. */
export class Gate {
  private waiters: (() => void)[] = [];
  private onEnter: (() => void) | null = null;

  wait(): Promise<void> {
    this.onEnter?.();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once a handler waits at the gate. */
  entered(): Promise<void> {
    if (this.waiters.length > 0) return Promise.resolve();
    return within(new Promise<void>((resolve) => (this.onEnter = resolve)), 'a handler to wait at the gate');
  }

  open(): void {
    for (const release of this.waiters.splice(0)) release();
    this.onEnter = null;
  }
}

export const gate = new Gate();

/** Upgrade attempts, connections and close codes seen by the routes below (reset by the tests). */
export const seen = { upgrades: 0, connects: 0, closes: [] as number[] };

@WebSocketRoute(chat.pattern)
export class ChatRoute {
  @OnMessage('join', { schema: chat.requests.join.data })
  join(ws: Connector<{ name: string }>, msg: { name: string }) {
    ws.state.name = msg.name;
    ws.join(ws.params.room!);
  }

  @OnMessage('say', { schema: chat.requests.say.data })
  say(ws: Connector<{ name?: string }>, msg: { text: string }) {
    ws.publish(ws.params.room!, chat.event('said', { from: ws.state.name ?? 'anonymous', text: msg.text }), { exceptSelf: true });
    return { at: msg.text.length };
  }

  @OnMessage('whoami')
  whoami(ws: Connector) {
    return { room: ws.params.room, token: ws.queryParams.get('token') };
  }

  @OnMessage('hold')
  async hold() {
    await gate.wait();
    return 'released';
  }

  @OnMessage('fail')
  fail() {
    throw new WsError('nope', 'Not today');
  }

  @OnMessage('crash')
  crash() {
    throw new Error('internal detail');
  }

  @OnClose()
  closed(ws: Connector, code: number) {
    seen.closes.push(code);
  }
}

/** Refuses every upgrade: `/deny/false` returns false (403), `/deny/401` throws HttpError(401), `/deny/500` throws. */
@WebSocketRoute('/deny/:how')
export class DenyRoute {
  @OnUpgrade()
  upgrade(req: { params: Readonly<Record<string, string>> }) {
    seen.upgrades++;
    if (req.params.how === 'false') return false;
    if (req.params.how === '401') throw new HttpError(401, 'Bad token');
    throw new Error('upgrade failed');
  }
}

/** Accepts, then closes at once with the code in the path: how a server refuses a client that can only read close codes. */
@WebSocketRoute('/refuse/:code')
export class RefuseRoute {
  @OnConnect()
  connect(ws: Connector) {
    seen.connects++;
    ws.close(Number(ws.params.code), 'Refused');
  }
}

const clients = new Set<Client<AnyChannel>>();

/** A client on `channel` with `ws` as its WebSocket and short reconnect delays; closeClients() closes it. */
export function open<C extends AnyChannel>(channel: C, base: string, options: ChannelOptions<C['pattern']>): Client<C> {
  const typed = connect as (channel: C, url: string, options: object) => Client<C>;
  const client = typed(channel, base, { WebSocket, reconnect: { minDelay: 10, maxDelay: 50 }, ...options });
  clients.add(client);
  return client;
}

/** An untyped client on a full URL, with `ws` and the same short delays. */
export function openUrl(url: string, options: ClientOptions = {}): Client {
  const client = connect(url, { WebSocket, reconnect: { minDelay: 10, maxDelay: 50 }, ...options });
  clients.add(client);
  return client;
}

/** Closes every client the tests opened (a failed test must not leave one reconnecting). */
export function closeClients(): void {
  for (const client of clients) client.close();
  clients.clear();
}

/** Resolves when the client's status is `status` (now or later), or rejects after `ms`. */
export function untilStatus(client: Client<AnyChannel>, status: ClientStatus, ms?: number): Promise<void> {
  if (client.status === status) return Promise.resolve();
  let off = (): void => {};
  return within(
    new Promise<void>((resolve) => {
      off = client.onStatus((s) => s === status && resolve());
    }),
    `status ${status} (it is ${client.status})`,
    ms,
  ).finally(() => off());
}

/** The next push of `event`, or a rejection after the default wait. */
export function nextPush<C extends AnyChannel, K extends keyof C['events'] & string>(client: Client<C>, event: K): Promise<unknown> {
  let off = (): void => {};
  return within(new Promise((resolve) => (off = client.on(event, resolve))), `a "${event}" push`).finally(() => off());
}

/** The RequestError `promise` rejects with (it must reject, within the default wait). */
export async function rejection(promise: Promise<unknown>): Promise<RequestError> {
  const error = await within(
    promise.then(
      () => null,
      (e: unknown) => e,
    ),
    'the request to settle',
  );
  if (!(error instanceof RequestError)) throw new Error(`Expected a RequestError, got ${String(error)}`);
  return error;
}

/** After each test: handlers at the gate finish, clients close, apps close. */
export async function cleanUp(): Promise<void> {
  gate.open();
  closeClients();
  await closeAll();
}
