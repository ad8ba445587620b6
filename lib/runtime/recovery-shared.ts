/**
 * Resumable sessions on a bus with a shared store (RedisBus, docs/recovery.md): the history and every
 * session live in the store, written as they change, so a client resumes on any node, the one it was
 * on may be dead. A push goes to the store, which gives it its position and hands it to every node
 * (this one too), so all stamp the same. A resume is read before its connection opens: the session is
 * claimed, then each topic's epoch, top and entries after the client's position are read together;
 * pushes that arrive meanwhile are buffered and merged by offset, so none is lost or sent twice.
 */
import { randomBytes } from 'node:crypto';
import type { Bus, SharedHistory, StoredTopic } from '../bus/bus';
import type { ResolvedRecovery } from './recovery-options';
import type { Payload, Publisher } from '../transport/types';
import { rejectAfter } from '../util/timeout';
import { roomTopic } from '../util/topics';
import type { LocalDelivery } from './delivery';
import type { Presence } from './presence';
import {
  idTopic,
  labelOf,
  positionPrefix,
  recoverable,
  Session,
  stampWith,
  parseResume,
  type HistoryItem,
  type Recoverer,
  type RecoveryFailure,
  type Resumable,
} from './recovery';
import type { Registry } from './registry';

/** The close code of a connection whose session a newer connection took over. */
const TAKEN_OVER = 4409;
/** Longest wait for the store while resuming: past it the client gets a new session (recovered: false). */
const READ_TIMEOUT_MS = 5000;
/** How long an epoch outlives its topic's last write: a session following a quiet room must find it again. */
const KEEP_EPOCH_MS = 86_400_000;

/** A push that arrived while a resume was being read. */
interface Buffered {
  readonly topic: string;
  readonly offset: number;
  readonly payload: string;
}

/** A follow being written: the first push of its topic that arrived since (offset 0: none yet). */
interface Watch {
  epoch: string;
  first: number;
}

/** A resume read from the store, waiting for its connection to open. */
interface Prepared {
  readonly id: string;
  readonly rooms: string[];
  readonly topics: Set<string>;
  /** Per topic: the last offset the replay covers; a buffered push at or below it is already in it. */
  readonly covered: Map<string, number>;
  readonly replay: string[];
  readonly buffer: Buffered[];
  readonly since: number;
}

/** A resume's store record, parsed: its id, route, parked-until, and each followed topic's baseline. */
function parseRecord(
  record: Readonly<Record<string, string>>,
): { id: string; route: string; until: number; topics: Map<string, { epoch: string; offset: number }> } | null {
  const { id, route } = record;
  if (id === undefined || route === undefined) return null;
  const topics = new Map<string, { epoch: string; offset: number }>();
  for (const [field, value] of Object.entries(record)) {
    if (!field.startsWith('f:')) continue;
    const space = value.indexOf(' ');
    topics.set(field.slice(2), { epoch: value.slice(0, space), offset: parseInt(value.slice(space + 1), 10) });
  }
  return { id, route, until: record.until === undefined ? Infinity : Number(record.until), topics };
}

export class SharedRecovery implements Recoverer {
  resumed = 0;
  readonly failed: Record<RecoveryFailure, number> = { unknown: 0, expired: 0, overflow: 0, epoch: 0, refused: 0 };
  /** The history lives in the store: this process holds none of it. */
  readonly history = { topics: 0, entries: 0 };
  /** Sessions of open connections here, by token: refreshed in the store, taken over by a resume here. */
  private readonly live = new Map<string, Resumable>();
  /** Ids parked here whose presence entries wait for a resume, with when they give up. */
  private readonly parked = new Map<string, number>();
  private readonly prepared = new WeakMap<Session, Prepared>();
  /** Resumes being read: every stored push of a topic they follow is buffered for them. */
  private readonly reading = new Set<Prepared>();
  /** Follows being written, by topic: the first push each sees (see track()). */
  private readonly watches = new Map<string, Set<Watch>>();
  private publisher: Publisher | null = null;
  private delivery: LocalDelivery | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly options: ResolvedRecovery,
    private readonly presence: Presence,
    private readonly bus: Bus,
    private readonly store: SharedHistory,
    private readonly registry: Registry<Resumable>,
  ) {}

  get parkedCount(): number {
    return this.parked.size;
  }

  start(publisher: Publisher, delivery: LocalDelivery): void {
    this.publisher = publisher;
    this.delivery = delivery;
    delivery.onStored = (topic, payload, epoch, offset, except) => this.received(topic, payload, epoch, offset, except);
    this.timer = setInterval(() => this.sweep(Date.now()), Math.max(50, Math.min(this.options.window / 3, 10_000)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  session(query: string): Session {
    return new Session(parseResume(query));
  }

  refused(session: Session): void {
    if (session.resume !== null) this.failed.refused++;
  }

  publish(topic: string, payload: Payload, except: Resumable | null): number {
    if (!recoverable(payload) || !this.store.append(topic, payload, except === null ? '' : except.id, KEEP_EPOCH_MS))
      return this.bus.publish(topic, payload, except === null ? null : except.socket);
    const count = this.publisher === null ? 0 : this.publisher.numSubscribers(topic);
    return except !== null && except.socket !== null && except.socket.isSubscribed(topic) ? count - 1 : count;
  }

  /** Any id may be on any node, or parked in the store: a recoverable push to it goes through the store. */
  sendTo(id: string, _c: Resumable | undefined, payload: Payload): boolean | null {
    if (!recoverable(payload)) return null;
    return this.store.append(idTopic(id), payload, '', 2 * this.options.window) ? true : null;
  }

  follow(session: Session, topic: string): void {
    if (session.baselines.has(topic)) return;
    session.baselines.set(topic, { ring: null, offset: 0 });
    if (session.token !== '') this.track(session.token, topic);
  }

  /**
   * Writes where the session starts following `topic`: the top when the store runs the write. A push of
   * another node can run before it and still reach this connection live (the connection subscribed at
   * once): the first push that arrives after the subscription moves the start back to just before it,
   * once a barrier says every push up to that top has arrived.
   */
  private track(token: string, topic: string): void {
    const watch: Watch = { epoch: '', first: 0 };
    let set = this.watches.get(topic);
    if (set === undefined) this.watches.set(topic, (set = new Set()));
    set.add(watch);
    const done = (): void => {
      set.delete(watch);
      if (set.size === 0 && this.watches.get(topic) === set) this.watches.delete(topic);
    };
    this.store
      .follow(token, topic, KEEP_EPOCH_MS)
      .then(async (start) => {
        await this.store.barrier();
        if (watch.first !== 0 && watch.first <= start.top && watch.epoch === start.epoch) this.store.rebase(token, topic, start.epoch, watch.first - 1);
      })
      .catch(() => undefined)
      .finally(done);
  }

  unfollow(session: Session, topic: string): void {
    if (session.baselines.delete(topic) && session.token !== '') this.store.unfollow(session.token, topic);
  }

  prepare(session: Session, route: string): Promise<void> | null {
    if (session.resume === null) return null;
    session.token = randomBytes(16).toString('base64url');
    return this.resume(session, route).then(
      (failure) => {
        if (failure !== null) this.fail(session, failure);
      },
      () => this.fail(session, 'unknown'),
    );
  }

  open(c: Resumable, session: Session): void {
    const prepared = this.prepared.get(session);
    if (session.token === '') session.token = randomBytes(16).toString('base64url');
    this.live.set(session.token, c);
    if (prepared === undefined) {
      this.store.openSession(session.token, c.id, c.route.uwsPattern);
      this.follow(session, c.route.topic);
    } else {
      this.restore(c, session, prepared);
    }
    c.sendPayload(`{"session":"${session.token}","recovered":${session.recovered}${session.failure === null ? '' : `,"reason":"${session.failure}"`}}`);
    if (prepared === undefined) return;
    for (const payload of prepared.replay) c.sendPayload(payload);
    // Pushes that came while the replay was read, past what it covers, in the order they came (offset order per topic).
    for (const push of prepared.buffer) {
      const covered = prepared.covered.get(push.topic)!;
      if (push.offset <= covered) continue;
      prepared.covered.set(push.topic, push.offset);
      c.sendPayload(push.payload);
    }
  }

  park(c: Resumable, code: number): boolean {
    const session = c.session!;
    if (this.live.get(session.token) !== c) return false;
    this.live.delete(session.token);
    if (code === 1000 || code === 1001 || code === 1005 || session.closedByApp) {
      this.store.end(session.token);
      return false;
    }
    const until = Date.now() + this.options.window;
    this.store.park(session.token, until);
    this.presence.park(c);
    this.parked.set(c.id, until);
    return true;
  }

  async read(room: string, since: number, limit: number): Promise<HistoryItem[]> {
    const topic = await this.store.read(roomTopic(room), since);
    const epoch = topic.epoch ?? '';
    return topic.entries.slice(-limit).map((e) => ({ position: { epoch, offset: e.offset }, data: JSON.parse(e.payload) as unknown }));
  }

  /** A stored push, with its position: to the subscribers here, or to the id it is for; buffered for the resumes being read. */
  private received(topic: string, payload: string, epoch: string, offset: number, except: string): void {
    const stamped = stampWith(positionPrefix(labelOf(topic), epoch), payload, offset);
    const watches = this.watches.size === 0 ? undefined : this.watches.get(topic);
    if (watches !== undefined)
      for (const watch of watches)
        if (watch.first === 0) {
          watch.first = offset;
          watch.epoch = epoch;
        }
    if (this.reading.size > 0)
      for (const prepared of this.reading) if (prepared.topics.has(topic) && except !== prepared.id) prepared.buffer.push({ topic, offset, payload: stamped });
    if (topic.startsWith('swb:id:')) {
      const c = this.registry.find(topic.slice(7));
      if (c !== undefined) c.sendPayload(c.session === null ? payload : stamped);
      return;
    }
    const skip = except === '' ? undefined : this.registry.find(except);
    this.delivery?.publishLocal(topic, stamped, skip === undefined ? null : skip.socket);
  }

  /** Claims the session and reads what it missed; the cause when it cannot resume. */
  private async resume(session: Session, route: string): Promise<RecoveryFailure | null> {
    const request = session.resume!;
    this.live.get(request.token)?.socket?.end(TAKEN_OVER, 'Session resumed by a new connection');
    const record = await withTimeout(this.store.claim(request.token, session.token));
    const parsed = record === null ? null : parseRecord(record);
    if (parsed === null || parsed.route !== route) return 'unknown';
    if (parsed.until < Date.now()) return 'expired';
    const topics = new Set([...parsed.topics.keys(), idTopic(parsed.id)]);
    const prepared: Prepared = { id: parsed.id, rooms: [], topics, covered: new Map(), replay: [], buffer: [], since: Date.now() };
    for (const topic of parsed.topics.keys()) if (topic.startsWith('swb:room:')) prepared.rooms.push(topic.slice(9));
    // Buffering starts before the reads are sent: a push the reads miss is one that arrives after this.
    this.reading.add(prepared);
    this.prepared.set(session, prepared);
    // A failure or a throw below: fail() stops the buffering.
    const froms = [...topics].map((topic) => {
      const base = parsed.topics.get(topic) ?? { epoch: '', offset: 0 };
      const client = request.positions.get(labelOf(topic));
      return { topic, base, client };
    });
    const start = ({ base, client }: (typeof froms)[number]): number =>
      client !== undefined && client.epoch === base.epoch ? Math.max(base.offset, client.offset) : base.offset;
    const reads = await withTimeout(Promise.all(froms.map((from) => this.store.read(from.topic, start(from)))));
    // Every push the reads saw is now buffered too: what arrives live after open() is past them.
    await withTimeout(this.store.barrier());
    for (let i = 0; i < froms.length; i++) {
      const failure = this.replay(prepared, froms[i]!, reads[i]!);
      if (failure !== null) return failure;
    }
    for (const topic of parsed.topics.keys()) session.baselines.set(topic, { ring: null, offset: 0 });
    return null;
  }

  /** Adds one topic's missed pushes to the replay; the cause when they are not all there. */
  private replay(
    prepared: Prepared,
    from: { topic: string; base: { epoch: string; offset: number }; client: { epoch: string; offset: number } | undefined },
    read: StoredTopic,
  ): RecoveryFailure | null {
    const { topic, base, client } = from;
    if (read.epoch === null) return base.epoch === '' ? null : 'epoch';
    if (base.epoch !== '' && base.epoch !== read.epoch) return 'epoch';
    // A position in another epoch says nothing of this one: the baseline covers it (it was read from there).
    const after = client !== undefined && client.epoch === read.epoch ? Math.max(client.offset, base.offset) : base.offset;
    const entries = read.entries.filter((e) => e.offset > after);
    if (read.top > after && (entries.length === 0 || entries[0]!.offset !== after + 1)) return 'overflow';
    const prefix = positionPrefix(labelOf(topic), read.epoch);
    for (const e of entries) if (e.except !== prepared.id) prepared.replay.push(stampWith(prefix, e.payload, e.offset));
    prepared.covered.set(topic, Math.max(after, read.top));
    return null;
  }

  /** A resume that was asked for and will not happen: a new connection, told why. */
  private fail(session: Session, failure: RecoveryFailure): void {
    const prepared = this.prepared.get(session);
    if (prepared !== undefined) this.reading.delete(prepared);
    this.prepared.delete(session);
    this.store.end(session.token);
    session.token = '';
    session.baselines.clear();
    session.failure = failure;
    this.failed[failure]++;
  }

  /** Gives the connection its old id and rooms (their baselines are in the store already). */
  private restore(c: Resumable, session: Session, prepared: Prepared): void {
    this.reading.delete(prepared);
    const seq = this.registry.seqOf(prepared.id);
    if (seq === null) {
      c.adoptId(prepared.id);
      this.registry.adopt(c);
    } else {
      c.seq = seq;
    }
    session.recovered = true;
    for (const room of prepared.rooms) c.enter(room);
    if (this.parked.delete(prepared.id)) this.presence.resume(c);
    this.resumed++;
  }

  /** Keeps the open sessions alive in the store; ends the presence of those parked here past their window. */
  private sweep(now: number): void {
    this.store.refresh(this.live.keys());
    for (const [id, until] of this.parked) {
      if (until + this.options.window >= now) continue;
      this.parked.delete(id);
      this.presence.ended(id);
    }
    // A resume whose connection never opened (the client went away during the upgrade) stops buffering.
    for (const prepared of this.reading) if (prepared.since + 2 * READ_TIMEOUT_MS < now) this.reading.delete(prepared);
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return rejectAfter(promise, READ_TIMEOUT_MS, 'the store did not answer in time');
}
