/**
 * Presence on one process (the in-process bus): real app, real ws clients. Frames are asserted as
 * exact text; a connection's own join never comes back to it as a diff.
 */
import { Connector, OnConnect, WebSocketRoute } from '../../lib';
import { createPresenceApp } from '../fixtures/presence-app';
import { closeAll, connect, start, type Client } from '../helpers';

afterEach(closeAll);

interface Member extends Client {
  readonly id: string;
  /** Sends an event and returns the reply frame. */
  ask(event: string, data: unknown): Promise<string>;
}

async function member(url: string): Promise<Member> {
  const client = await connect(url);
  const id = String(await client.next());
  return Object.assign(client, {
    id,
    ask: async (event: string, data: unknown) => {
      client.send(JSON.stringify({ event, data }));
      return String(await client.next());
    },
  });
}

async function node() {
  const { app, url } = await start(createPresenceApp());
  return { app, join: (name: string) => member(url(`/presence/${name}`)) };
}

const state = (room: string, data: object): string => JSON.stringify({ event: 'presence_state', room, data });
const diff = (room: string, joins: object, leaves: object): string => JSON.stringify({ event: 'presence_diff', room, data: { joins, leaves } });

describe('presence on one process', () => {
  test('state on join (itself included), then diffs for join, meta update, leave and close', async () => {
    const n = await node();
    const alice = await n.join('alice');
    expect(await alice.ask('join', { room: 'board', meta: { name: 'Alice' } })).toBe('{"event":"join","data":true}');
    expect(await alice.next()).toBe(state('board', { alice: { metas: [{ id: alice.id, name: 'Alice' }] } }));

    const bob = await n.join('bob');
    expect(await bob.ask('join', { room: 'board', meta: { name: 'Bob' } })).toBe('{"event":"join","data":true}');
    expect(await bob.next()).toBe(state('board', { alice: { metas: [{ id: alice.id, name: 'Alice' }] }, bob: { metas: [{ id: bob.id, name: 'Bob' }] } }));
    expect(await alice.next()).toBe(diff('board', { bob: { metas: [{ id: bob.id, name: 'Bob' }] } }, {}));

    expect(await bob.ask('update', { room: 'board', meta: { name: 'Bob', typing: true } })).toBe('{"event":"update","data":true}');
    const update = diff('board', { bob: { metas: [{ id: bob.id, name: 'Bob', typing: true }] } }, { bob: { metas: [{ id: bob.id, name: 'Bob' }] } });
    expect(await alice.next()).toBe(update);
    expect(await bob.next()).toBe(update);

    expect(await bob.ask('leave', 'board')).toBe('{"event":"leave","data":true}');
    expect(await alice.next()).toBe(diff('board', {}, { bob: { metas: [{ id: bob.id, name: 'Bob', typing: true }] } }));
    expect(await bob.ask('update', { room: 'board', meta: {} })).toBe('{"event":"update","data":false}');

    const carol = await n.join('carol');
    expect(await carol.ask('join', { room: 'board' })).toBe('{"event":"join","data":true}');
    expect(await carol.next()).toBe(state('board', { alice: { metas: [{ id: alice.id, name: 'Alice' }] }, carol: { metas: [{ id: carol.id }] } }));
    expect(await alice.next()).toBe(diff('board', { carol: { metas: [{ id: carol.id }] } }, {}));
    await carol.close();
    expect(await alice.next()).toBe(diff('board', {}, { carol: { metas: [{ id: carol.id }] } }));

    expect(await n.app.presence('board')).toEqual({ alice: { metas: [{ id: alice.id, name: 'Alice' }] } });
    expect(await alice.ask('who', 'board')).toBe(`{"event":"who","data":${JSON.stringify({ alice: { metas: [{ id: alice.id, name: 'Alice' }] } })}}`);
    expect(await n.app.presence('elsewhere')).toEqual({});
    // Another app in the same process, on its own in-process bus, shares nothing.
    expect(await (await node()).app.presence('board')).toEqual({});
    expect(await bob.silentFor(120)).toBe(true);
    expect(await alice.silentFor(0)).toBe(true);
  });

  test('two devices under one key: one leaving keeps the key with the other meta', async () => {
    const n = await node();
    const watcher = await n.join('watcher');
    await watcher.ask('join', { room: 'r' });
    await watcher.next();
    const phone = await n.join('alice');
    await phone.ask('join', { room: 'r', meta: { device: 'phone' } });
    expect(await watcher.next()).toBe(diff('r', { alice: { metas: [{ id: phone.id, device: 'phone' }] } }, {}));
    const laptop = await n.join('alice');
    await laptop.ask('join', { room: 'r', meta: { device: 'laptop' } });
    expect(await laptop.next()).toBe(
      state('r', {
        watcher: { metas: [{ id: watcher.id }] },
        alice: {
          metas: [
            { id: phone.id, device: 'phone' },
            { id: laptop.id, device: 'laptop' },
          ],
        },
      }),
    );
    expect(await watcher.next()).toBe(diff('r', { alice: { metas: [{ id: laptop.id, device: 'laptop' }] } }, {}));
    // The phone hears of the laptop too (the phone's own join was in its state).
    expect(await phone.next()).toMatch(/^\{"event":"presence_state"/);
    expect(await phone.next()).toBe(diff('r', { alice: { metas: [{ id: laptop.id, device: 'laptop' }] } }, {}));
    await phone.close();
    expect(await watcher.next()).toBe(diff('r', {}, { alice: { metas: [{ id: phone.id, device: 'phone' }] } }));
    expect(await n.app.presence('r')).toEqual({ watcher: { metas: [{ id: watcher.id }] }, alice: { metas: [{ id: laptop.id, device: 'laptop' }] } });
  });

  test('a window holds the net change: one diff for many joins; a join and leave within it is no change', async () => {
    const n = await node();
    const first = await n.join('first');
    await first.ask('join', { room: 'busy' });
    await first.next();
    const others = await Promise.all(Array.from({ length: 20 }, (_, i) => n.join(`m${i}`)));
    for (const m of others) m.send('{"event":"join","data":{"room":"busy"}}');
    const seen = new Set<string>();
    let diffs = 0;
    while (seen.size < 20) {
      const frame = JSON.parse(String(await first.next())) as { event: string; data: { joins: object; leaves: object } };
      expect(frame.event).toBe('presence_diff');
      expect(frame.data.leaves).toEqual({});
      for (const key of Object.keys(frame.data.joins)) {
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
      diffs++;
    }
    // 20 joins sent in one burst arrive within a few windows (50 ms each), not one frame per join.
    expect(diffs).toBeLessThanOrEqual(4);

    const ghost = await n.join('ghost');
    ghost.send('{"event":"join","data":{"room":"busy"}}');
    ghost.send('{"event":"leave","data":"busy"}');
    expect(await ghost.next()).toBe('{"event":"join","data":true}');
    expect(await ghost.next()).toBe('{"event":"leave","data":true}');
    expect(await first.silentFor(150)).toBe(true);
  });

  test('a connection joined without presence gets no presence frames; presence in two rooms is told apart by room', async () => {
    const n = await node();
    const quiet = await n.join('quiet');
    expect(await quiet.ask('plain', 'a')).toBe('{"event":"plain","data":true}');
    const ann = await n.join('ann');
    await ann.ask('join', { room: 'a' });
    expect(await ann.next()).toBe(state('a', { ann: { metas: [{ id: ann.id }] } }));
    await ann.ask('join', { room: 'b', meta: { seat: 2 } });
    expect(await ann.next()).toBe(state('b', { ann: { metas: [{ id: ann.id, seat: 2 }] } }));
    expect(await quiet.silentFor(120)).toBe(true);
    expect(await ann.ask('join', { room: 'a' })).toBe('{"event":"join","data":false}');
    expect(await n.app.presence('b')).toEqual({ ann: { metas: [{ id: ann.id, seat: 2 }] } });
  });

  test('bad presence options throw SwitchboardError with a clear message', async () => {
    const n = await node();
    const c = await n.join('c');
    const check = (data: object) => c.ask('check', data).then((frame) => (JSON.parse(frame) as { data: string }).data);
    expect(await check({ room: 'r', options: { presense: {} } })).toBe(
      'SWB_ERR_INVALID_OPTION: ws.join(room, options): option "presense" must be one of presence (unknown option), got "presense". [SWB_ERR_INVALID_OPTION]',
    );
    expect(await check({ room: 'r', options: { presence: { key: '' } } })).toBe(
      'SWB_ERR_INVALID_OPTION: ws.join(room, options): option "presence.key" must be a non-empty string of at most 256 characters (not "__proto__"), got "". [SWB_ERR_INVALID_OPTION]',
    );
    expect(await check({ room: 'r', options: { presence: { meta: { id: 'me' } } } })).toMatch(
      /^SWB_ERR_INVALID_OPTION: ws\.join\(room, options\): option "presence\.meta" must be a plain object that JSON can encode \(at most 4096 characters of JSON\), without an "id"/,
    );
    expect(await check({ room: 'r', options: { presence: { meta: { big: 'x'.repeat(5000) } } } })).toMatch(/^SWB_ERR_INVALID_OPTION: .*"presence\.meta"/);
    expect(await check({ room: 'r', meta: [1] })).toMatch(/^SWB_ERR_INVALID_ARGUMENT: ws\.updatePresence\(room, meta\): meta must be a plain object/);
    expect(await check({ room: '', options: {} })).toMatch(/^SWB_ERR_INVALID_ARGUMENT: ws\.join\(room, options\): room must be/);
    expect(await c.silentFor(80)).toBe(true);
  });

  test('a closed connection: join and updatePresence return false, presence still answers, nothing throws', async () => {
    const kept: Connector[] = [];
    @WebSocketRoute('/keep')
    class Keep {
      @OnConnect()
      open(ws: Connector) {
        kept.push(ws);
        ws.join('r', { presence: { meta: { n: 1 } } });
      }
    }
    const { app, url } = await start({ routes: [Keep] });
    const c = await connect(url('/keep'));
    const ws = kept[0]!;
    expect(await c.next()).toBe(state('r', { [ws.id]: { metas: [{ id: ws.id, n: 1 }] } }));
    expect(await ws.presence('r')).toEqual({ [ws.id]: { metas: [{ id: ws.id, n: 1 }] } });
    await c.close();
    expect(await app.presence('r')).toEqual({});
    expect(ws.updatePresence('r', { n: 2 })).toBe(false);
    expect(ws.join('r', { presence: {} })).toBe(false);
    expect(ws.leave('r')).toBe(false);
    expect(await ws.presence('r')).toEqual({});
    expect(() => ws.updatePresence('r', null as never)).toThrow('ws.updatePresence(room, meta): meta must be');
  });
});
