/**
 * switchboard/client presence: syncDiff and syncState as pure functions, and presence() following a
 * room of a real server (the presence test app, in-process bus).
 */
import { presence, syncDiff, syncState, type PresenceDiff, type PresenceState } from '../../lib/client';
import { createPresenceApp } from '../fixtures/presence-app';
import { connect, eventually, start, within } from '../helpers';
import { cleanUp, openUrl } from './fixture';

afterEach(cleanUp);

const a1 = { id: 'a-1', device: 'phone' };
const a2 = { id: 'a-2', device: 'laptop' };
const b1 = { id: 'b-1' };

describe('syncDiff and syncState', () => {
  test('syncDiff removes the leaves, then adds the joins (replacing the same id); the input is not changed', () => {
    const before: PresenceState = { alice: { metas: [a1, a2] }, bob: { metas: [b1] } };
    const copy = JSON.parse(JSON.stringify(before)) as PresenceState;
    const typing = { id: 'a-1', device: 'phone', typing: true };
    const after = syncDiff(before, {
      joins: { alice: { metas: [typing] }, carol: { metas: [{ id: 'c-1' }] } },
      leaves: { alice: { metas: [a1] }, bob: { metas: [b1] } },
    });
    expect(after).toEqual({ alice: { metas: [a2, typing] }, carol: { metas: [{ id: 'c-1' }] } });
    expect(before).toEqual(copy);
    // A join of an id already there replaces it (last); a leave of a key or id not there changes nothing.
    const again = syncDiff(after, { joins: { alice: { metas: [a2] } }, leaves: { dave: { metas: [{ id: 'd-1' }] }, carol: { metas: [{ id: 'c-9' }] } } });
    expect(again).toEqual({ alice: { metas: [typing, a2] }, carol: { metas: [{ id: 'c-1' }] } });
  });

  test('syncState is the diff between two states: applied to the first, it gives the metas of the second', () => {
    const from: PresenceState = { alice: { metas: [a1, a2] }, bob: { metas: [b1] } };
    const to: PresenceState = { alice: { metas: [{ ...a2, away: true }] }, carol: { metas: [{ id: 'c-1' }] } };
    const diff = syncState(from, to);
    expect(diff).toEqual({
      joins: { alice: { metas: [{ ...a2, away: true }] }, carol: { metas: [{ id: 'c-1' }] } },
      leaves: { alice: { metas: [a1, a2] }, bob: { metas: [b1] } },
    });
    expect(syncDiff(from, diff)).toEqual(to);
    expect(syncState(to, to)).toEqual({ joins: {}, leaves: {} });
  });
});

describe('presence(client, room)', () => {
  test('follows one room of a real server: its state, its diffs, a fresh state merged as one diff; other rooms ignored', async () => {
    const { port, url } = await start(createPresenceApp());
    const ann = openUrl(`ws://127.0.0.1:${port}/presence/ann`);
    const lobby = presence(ann, 'lobby');
    const changes: [PresenceState, PresenceDiff][] = [];
    lobby.onChange((state, diff) => changes.push([state, diff]));
    const next = async (): Promise<[PresenceState, PresenceDiff]> => {
      const count = changes.length;
      await eventually(() => changes.length > count, 'a presence change');
      return changes[count]!;
    };

    expect(lobby.state).toEqual({});
    expect(await within(ann.request('join', { room: 'lobby', meta: { n: 1 } }), 'the reply')).toBe(true);
    const [first, joined] = await next();
    const annMeta = first.ann!.metas[0]!;
    expect(first).toEqual({ ann: { metas: [{ id: annMeta.id, n: 1 }] } });
    expect(joined).toEqual({ joins: first, leaves: {} });
    expect(lobby.state).toBe(first);

    const bob = await connect(url('/presence/bob'));
    const bobId = String(await bob.next());
    bob.send('{"event":"join","data":{"room":"lobby"}}');
    expect(await next()).toEqual([
      { ann: first.ann, bob: { metas: [{ id: bobId }] } },
      { joins: { bob: { metas: [{ id: bobId }] } }, leaves: {} },
    ]);
    bob.send('{"event":"update","data":{"room":"lobby","meta":{"away":true}}}');
    const [updated] = await next();
    expect(updated).toEqual({ ann: first.ann, bob: { metas: [{ id: bobId, away: true }] } });

    // Another room's frames are another tracker's.
    expect(await within(ann.request('join', { room: 'other' }), 'the reply')).toBe(true);
    // Out of the room, ann hears nothing; back in, the fresh state is reported as what changed meanwhile.
    expect(await within(ann.request('leave', 'lobby'), 'the reply')).toBe(true);
    bob.send('{"event":"leave","data":"lobby"}');
    const carol = await connect(url('/presence/carol'));
    const carolId = String(await carol.next());
    carol.send('{"event":"join","data":{"room":"lobby"}}');
    expect(await carol.nextJson()).toEqual({ event: 'join', data: true });
    expect(await carol.nextJson()).toEqual({ event: 'presence_state', room: 'lobby', data: { carol: { metas: [{ id: carolId }] } } });
    expect(changes).toHaveLength(3);
    expect(await within(ann.request('join', { room: 'lobby', meta: { n: 1 } }), 'the reply')).toBe(true);
    const [fresh, meanwhile] = await next();
    expect(fresh).toEqual({ carol: { metas: [{ id: carolId }] }, ann: first.ann });
    expect(meanwhile).toEqual({ joins: { carol: { metas: [{ id: carolId }] } }, leaves: { bob: { metas: [{ id: bobId, away: true }] } } });

    expect(await carol.nextJson()).toEqual({ event: 'presence_diff', room: 'lobby', data: { joins: { ann: first.ann }, leaves: {} } });

    lobby.close();
    carol.send('{"event":"leave","data":"lobby"}');
    expect(await carol.nextJson()).toEqual({ event: 'leave', data: true });
    expect(await carol.silentFor(120)).toBe(true);
    expect(changes).toHaveLength(4);
  });
});
