/**
 * RedisBus against a real redis-server: several Apps in this process, each with its own RedisBus,
 * stand for the nodes of a cluster; real uWS servers on port 0 and real ws clients.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { App, Connector, OnConnect, OnMessage, SwitchboardError, WebSocketRoute } from '../../lib';
import { RedisBus } from '../../lib/redis';
import { closeAll, connect, eventually, recordingLogger, start, within, type Client } from '../helpers';
import { describeNeeding, missing } from '../external';
import { freePort, RedisServer } from '../redis-server';

jest.setTimeout(30_000);

@WebSocketRoute('/chat/:name')
class Chat {
  @OnConnect()
  connect(ws: Connector) {
    return ws.id;
  }

  /** Commands: "to <id> <text>", "join <room>", "room <room> <text>", "bin <text>", else a broadcast. */
  @OnMessage()
  message(ws: Connector, text: string) {
    const [command = '', arg = '', ...rest] = text.split(' ');
    const body = rest.join(' ');
    if (command === 'to') return ws.sendTo(arg, `${ws.params.name} whispers: ${body}`) ? 'sent' : 'not sent';
    if (command === 'join') return ws.join(arg) ? `joined ${arg}` : 'already';
    if (command === 'room') return `room count ${ws.publish(arg, `${ws.params.name} in ${arg}: ${body}`, { exceptSelf: true })}`;
    if (command === 'bin') return void ws.broadcast(Buffer.from(arg, 'utf8'), { exceptSelf: true });
    ws.broadcast(`${ws.params.name}: ${text}`, { exceptSelf: true });
    return undefined;
  }
}

let redis: RedisServer;

beforeAll(async () => {
  // The last describe needs no server; the others are skipped (or fail) without one (test/external.ts).
  if (missing('redis-server') === null) redis = await RedisServer.start();
});

afterAll(async () => {
  await redis?.stop();
});

afterEach(async () => {
  await closeAll();
  // A failed outage test must not leave the next tests without Redis.
  if (redis !== undefined && !redis.running) await redis.restart();
});

interface Node {
  app: App;
  port: number;
  bus: RedisBus;
  logger: ReturnType<typeof recordingLogger>;
  join(name: string): Promise<Client & { id: string }>;
  changes: boolean[];
  nextChange(): Promise<boolean>;
}

async function node(prefix = 'test'): Promise<Node> {
  const changes: boolean[] = [];
  let waiter: ((up: boolean) => void) | null = null;
  const bus = new RedisBus({
    url: redis.url,
    prefix,
    maxReconnectDelay: 200,
    onConnectionChange: (up) => {
      if (waiter !== null) {
        const w = waiter;
        waiter = null;
        w(up);
      } else changes.push(up);
    },
  });
  const logger = recordingLogger();
  const { app, url, port } = await start(new App({ routes: [Chat], bus, logger }));
  return {
    app,
    port,
    bus,
    logger,
    changes,
    nextChange: () => {
      const queued = changes.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return within(new Promise<boolean>((resolve) => (waiter = resolve)), 'a connection change of the RedisBus', 15_000);
    },
    join: async (name) => {
      const client = await connect(url(`/chat/${name}`));
      const id = await client.next();
      if (typeof id !== 'string') throw new Error('expected the id as text');
      return Object.assign(client, { id });
    },
  };
}

describeNeeding('redis-server', 'RedisBus across nodes', () => {
  test('broadcast with exceptSelf reaches every other connection on every node exactly once', async () => {
    const a = await node();
    const b = await node();
    const alice = await a.join('alice');
    const carol = await a.join('carol');
    const bob = await b.join('bob');
    alice.send('hi');
    expect(await carol.next()).toBe('alice: hi');
    expect(await bob.next()).toBe('alice: hi');
    bob.send('hello');
    expect(await alice.next()).toBe('bob: hello');
    expect(await carol.next()).toBe('bob: hello');
    expect(await alice.silentFor(200)).toBe(true);
    expect(await bob.silentFor(0)).toBe(true);
    expect(await carol.silentFor(0)).toBe(true);
    expect(a.bus.connected).toBe(true);
    expect(a.logger.warnings).toEqual([]);
  });

  test('connection ids name their node and are unique across nodes', async () => {
    const a = await node();
    const b = await node();
    const ids = [await a.join('x'), await a.join('y'), await b.join('z')].map((c) => c.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]!.split('-')[0]).toBe(ids[1]!.split('-')[0]);
    expect(ids[0]!.split('-')[0]).not.toBe(ids[2]!.split('-')[0]);
  });

  test('sendTo reaches a connection on another node, only it, and returns true once handed to Redis', async () => {
    const a = await node();
    const b = await node();
    const alice = await a.join('alice');
    const bob = await b.join('bob');
    const dave = await b.join('dave');
    alice.send(`to ${bob.id} psst`);
    expect(await alice.next()).toBe('sent');
    expect(await bob.next()).toBe('alice whispers: psst');
    expect(await dave.silentFor(150)).toBe(true);
    // A local id goes straight to the socket; a closed local id is false at once.
    alice.send(`to ${alice.id} me`);
    expect(await alice.next()).toBe('alice whispers: me');
    expect(await alice.next()).toBe('sent');
    await dave.close();
    bob.send(`to ${dave.id} gone`);
    expect(await bob.next()).toBe('not sent');
    // app.sendTo from the other node, and an id that names no node at all.
    expect(b.app.sendTo(alice.id, 'from the app')).toBe(true);
    expect(await alice.next()).toBe('from the app');
    expect(a.app.sendTo('nodash', 'x')).toBe(false);
  });

  test('sendTo an id of a node that is gone: true (handed on), then counted as unroutable', async () => {
    const a = await node();
    expect(a.app.sendTo('0123456789ab-1', 'nobody')).toBe(true);
    // No event marks a PUBLISH reply.
    await eventually(() => a.bus.stats.unroutable === 1, 'the unroutable count');
    expect(a.bus.stats.published).toBe(1);
  });

  test('rooms span nodes: publish with exceptSelf, app.publish, and non-members hear nothing', async () => {
    const a = await node();
    const b = await node();
    const alice = await a.join('alice');
    const carol = await a.join('carol');
    const bob = await b.join('bob');
    const eve = await b.join('eve');
    for (const c of [alice, carol, bob]) {
      c.send('join lobby');
      expect(await c.next()).toBe('joined lobby');
    }
    alice.send('room lobby hello all');
    // The count is of recipients on alice's node (carol); bob is reached through Redis.
    expect(await alice.next()).toBe('room count 1');
    expect(await carol.next()).toBe('alice in lobby: hello all');
    expect(await bob.next()).toBe('alice in lobby: hello all');
    expect(b.app.publish('lobby', 'announcement')).toBe(1);
    expect(await bob.next()).toBe('announcement');
    expect(await alice.next()).toBe('announcement');
    expect(await carol.next()).toBe('announcement');
    expect(await eve.silentFor(200)).toBe(true);
    expect(await alice.silentFor(0)).toBe(true);
  });

  test('app.broadcast on one node reaches the route on all three nodes; each message once', async () => {
    const nodes = [await node(), await node(), await node()];
    const clients = [];
    for (const [i, n] of nodes.entries()) clients.push(await n.join(`n${i}a`), await n.join(`n${i}b`));
    expect(nodes[2]!.app.broadcast(Chat, { news: 1 })).toBe(2);
    for (const c of clients) expect(await c.next()).toBe('{"news":1}');
    clients[0]!.send('from node 0');
    for (const c of clients.slice(1)) expect(await c.next()).toBe('n0a: from node 0');
    clients[5]!.send('from node 2');
    for (const c of clients.slice(0, 5)) expect(await c.next()).toBe('n2b: from node 2');
    for (const c of clients) expect(await c.silentFor(c === clients[0] ? 200 : 0)).toBe(true);
  });

  test('messages of one sender arrive on another node in the order sent', async () => {
    const a = await node();
    const b = await node();
    const alice = await a.join('alice');
    const bob = await b.join('bob');
    const count = 300;
    for (let i = 0; i < count; i++) alice.send(`m${i}`);
    for (let i = 0; i < count; i++) expect(await bob.next()).toBe(`alice: m${i}`);
  });

  test('binary frames cross nodes as binary, byte for byte', async () => {
    const a = await node();
    const b = await node();
    const alice = await a.join('alice');
    const bob = await b.join('bob');
    alice.send('bin héllo');
    expect(await bob.next()).toEqual(Buffer.from('héllo', 'utf8'));
    const bytes = Buffer.from([0, 255, 1, 254, 0]);
    expect(a.app.broadcast(Chat, bytes)).toBe(1);
    expect(await bob.next()).toEqual(bytes);
    expect(await alice.next()).toEqual(bytes);
  });

  test('apps with different prefixes on one Redis never hear each other', async () => {
    const a = await node('one');
    const b = await node('two');
    const alice = await a.join('alice');
    const bob = await b.join('bob');
    alice.send('hi');
    expect(await bob.silentFor(200)).toBe(true);
  });

  test('Redis dies mid-run: local delivery goes on, the gap is logged and exposed, and the bus recovers', async () => {
    const a = await node();
    const b = await node();
    const alice = await a.join('alice');
    const carol = await a.join('carol');
    const bob = await b.join('bob');
    alice.send('before');
    expect(await bob.next()).toBe('alice: before');
    expect(await carol.next()).toBe('alice: before');

    await redis.kill();
    expect(await a.nextChange()).toBe(false);
    expect(await b.nextChange()).toBe(false);
    expect(a.bus.connected).toBe(false);
    alice.send('during');
    expect(await carol.next()).toBe('alice: during');
    expect(await bob.silentFor(200)).toBe(true);
    expect(a.logger.warnings).toHaveLength(1);
    expect(a.logger.warnings[0]).toMatch(/^switchboard: RedisBus lost Redis at redis:\/\/127\.0\.0\.1:\d+ \(.+\)\. Local delivery goes on;/);
    expect(a.bus.stats.dropped).toBe(1);
    // A remote sendTo cannot be handed on during the gap: false, and counted as dropped.
    expect(b.app.sendTo(alice.id, 'lost')).toBe(false);
    expect(b.bus.stats.dropped).toBe(1);

    await redis.restart();
    expect(await a.nextChange()).toBe(true);
    expect(await b.nextChange()).toBe(true);
    expect(a.bus.stats.reconnects).toBe(1);
    expect(a.logger.warnings[1]).toMatch(
      /^switchboard: RedisBus reconnected to redis:\/\/127\.0\.0\.1:\d+ after \d+ ms; \d+ outgoing messages were dropped during the gap\.$/,
    );
    alice.send('after');
    expect(await bob.next()).toBe('alice: after');
    expect(await carol.next()).toBe('alice: after');
    bob.send(`to ${alice.id} back`);
    expect(await bob.next()).toBe('sent');
    expect(await alice.next()).toBe('bob whispers: back');
  });
});

describeNeeding('redis-server', 'RedisBus at start and close', () => {
  test('close() during a Redis gap resolves at once and leaves nothing running', async () => {
    const a = await node();
    await redis.kill();
    expect(await a.nextChange()).toBe(false);
    await within(a.app.close(), 'app.close() during the gap');
    expect(a.bus.connected).toBe(false);
  });

  test('a failed listen() (port taken) closes the bus it opened', async () => {
    const a = await node();
    const bus = new RedisBus({ url: redis.url });
    const taken = new App({ routes: [Chat], bus, logger: recordingLogger() });
    await expect(taken.listen(a.port, '127.0.0.1')).rejects.toThrow('[SWB_ERR_PORT_IN_USE]');
    expect(bus.connected).toBe(false);
  });

  test('close() unsubscribes and quits; the bus reports disconnected and cannot be reused', async () => {
    const a = await node();
    expect(a.bus.connected).toBe(true);
    await a.app.close();
    expect(a.bus.connected).toBe(false);
    expect(a.changes).toEqual([]);
    await expect(new App({ routes: [Chat], bus: a.bus, logger: recordingLogger() }).listen(0, '127.0.0.1')).rejects.toThrow(
      'This RedisBus is already used by an App: give each App its own bus. [SWB_ERR_INVALID_ARGUMENT]',
    );
  });
});

describe('RedisBus without a redis-server', () => {
  test('listen() rejects with SWB_ERR_REDIS_UNAVAILABLE when Redis cannot be reached', async () => {
    const port = await freePort();
    const app = new App({ routes: [Chat], bus: new RedisBus({ url: `redis://:secret@127.0.0.1:${port}`, connectTimeout: 2000 }), logger: recordingLogger() });
    const error = (await app.listen(0, '127.0.0.1').catch((e: unknown) => e)) as SwitchboardError;
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error.code).toBe('SWB_ERR_REDIS_UNAVAILABLE');
    expect(error.message).toMatch(
      new RegExp(
        `^RedisBus could not reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} within 2000 ms \\(.*ECONNREFUSED.*\\)\\. Start Redis, fix the url option, or raise connectTimeout\\. \\[SWB_ERR_REDIS_UNAVAILABLE\\]$`,
      ),
    );
    await app.close();
  });

  test('without the redis package, listen() says how to install it (and switchboard itself loads without it)', () => {
    const root = join(__dirname, '..', '..');
    const script = `
      const { App } = require('switchboard');
      const { RedisBus } = require('switchboard/redis');
      new App({ bus: new RedisBus() }).listen(0, '127.0.0.1').catch((e) => { console.log(e.code + ' ' + e.message); });`;
    const r = spawnSync(
      process.execPath,
      ['-r', join(root, 'test/fixtures/without-redis.js'), '-r', join(root, 'test/fixtures/register-ts.js'), '-e', script],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(r.stdout.trim()).toBe(
      'SWB_ERR_REDIS_MISSING RedisBus needs the "redis" package (node-redis 5 or newer), which could not be loaded (Cannot find module \'redis\'). Install it: npm i redis [SWB_ERR_REDIS_MISSING]',
    );
  });

  test('options are validated', () => {
    expect(() => new RedisBus({ url: 'http://x' })).toThrow(
      'new RedisBus(options): option "url" must be a redis:// or rediss:// URL, got "http://x". [SWB_ERR_INVALID_OPTION]',
    );
    expect(() => new RedisBus({ prefix: 'a b' })).toThrow('option "prefix" must be a name of 1–64 letters, digits, _ . : -, got "a b".');
    expect(() => new RedisBus({ connectTimeout: 0 })).toThrow('option "connectTimeout" must be an integer from 1 to 600000, got 0.');
    expect(() => new App({ bus: RedisBus as never })).toThrow(
      'new App(options): option "bus" must be a Bus instance such as new LocalBus() or new RedisBus({ url }), got function RedisBus. [SWB_ERR_INVALID_OPTION]',
    );
    expect(() => new RedisBus({ urls: 'x' } as never)).toThrow(
      'option "urls" must be one of url, prefix, connectTimeout, maxReconnectDelay, onConnectionChange',
    );
  });
});
