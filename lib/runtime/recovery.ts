/**
 * Resumable sessions (docs/recovery.md). A client of the `switchboard` subprotocol on a route with
 * recovery gets a session token in its first frame; the pushes it can recover carry their position
 * (`"pos":{"topic","epoch","offset"}`), stored in the topic's history. When it drops, its session is
 * parked for `window` ms: its id, its rooms and, per topic, where it started following it. A new
 * connection presenting the token and its last positions (in the query string: a browser cannot set
 * headers) takes them back, and gets every push it missed before any live one, all in the synchronous
 * step of its open: in one process nothing can be published in between, so nothing is lost or doubled.
 */
import { randomBytes } from 'node:crypto';
import { MemoryHistory, type HistoryEntry, type Ring } from '../bus/history';
import type { ResolvedRecovery } from './recovery-options';
import type { Payload, Publisher, Socket } from '../transport/types';
import type { Bus } from '../bus/bus';
import type { LocalDelivery } from './delivery';
import type { Presence } from './presence';
import { roomTopic } from '../util/topics';

/** The close code of a connection whose session a newer connection took over (a client does not reconnect after 44xx). */
const TAKEN_OVER = 4409;

/** The query parameter a resuming client puts its session and positions in. */
export const RESUME_PARAM = 'swb_resume';

/** Why a resume asked for did not happen, as metrics label it and the client's `reason` reads. */
export type RecoveryFailure = 'unknown' | 'expired' | 'overflow' | 'epoch' | 'refused';
export const recoveryFailures: readonly RecoveryFailure[] = ['unknown', 'expired', 'overflow', 'epoch', 'refused'];

/** What a client says it has: per topic label, the epoch and offset of the last push it got. */
export interface ResumeRequest {
  readonly token: string;
  readonly positions: ReadonlyMap<string, { readonly epoch: string; readonly offset: number }>;
}

/** Where a connection started following a topic: the ring then (null: none yet) and its top offset. */
interface Baseline {
  readonly ring: Ring | null;
  readonly offset: number;
}

/** One connection's recovery state, kept while it is open and parked after it drops. */
export class Session {
  token = '';
  recovered = false;
  failure: RecoveryFailure | null = null;
  /** The app closed the connection (ws.close): it ended on purpose, there is nothing to resume. */
  closedByApp = false;
  /** Topic → where this session started following it (rooms and the route's topic; its own id's topic starts at 0). */
  baselines = new Map<string, Baseline>();

  constructor(readonly resume: ResumeRequest | null) {}
}

/** A connection as recovery sees it. */
export interface Resumable {
  seq: number;
  readonly id: string;
  readonly route: { readonly topic: string; readonly uwsPattern: string };
  readonly rooms: ReadonlySet<string>;
  readonly session: Session | null;
  readonly socket: Socket | null;
  /** Takes the id of a session resumed from another process (it keeps it: sendTo(id) reaches it here). */
  adoptId(id: string): void;
  /** Subscribes to a room again (the rooms of a resumed session). */
  enter(room: string): boolean;
  sendPayload(payload: Payload): boolean;
}

/** A session whose connection has dropped, waiting for its client. */
interface Parked {
  readonly session: Session;
  readonly seq: number;
  readonly id: string;
  readonly route: string;
  readonly rooms: readonly string[];
  readonly expires: number;
}

/** One push of a room's history, as `app.history()` returns it. */
export interface HistoryItem {
  readonly position: { readonly epoch: string; readonly offset: number };
  readonly data: unknown;
}

/** The topic of the pushes to one connection id; a history key only (no uWS topic has it). */
export function idTopic(id: string): string {
  return `swb:id:${id}`;
}

/** A topic's name in position fields: `room:<name>`, `route` (broadcasts of the connection's route) or `direct` (to its id). */
export function labelOf(topic: string): string {
  if (topic.startsWith('swb:room:')) return topic.slice(4);
  return topic.startsWith('swb:route:') ? 'route' : 'direct';
}

/** The start of the position field of a topic's frames in one epoch. */
export function positionPrefix(label: string, epoch: string): string {
  return `"pos":{"topic":${JSON.stringify(label)},"epoch":"${epoch}","offset":`;
}

/** The frame with its position as the last field (a field of the same name the app set is shadowed for clients). */
export function stampWith(prefix: string, payload: string, offset: number): string {
  return payload.length === 2 ? `{${prefix}${offset}}}` : `${payload.slice(0, -1)},${prefix}${offset}}}`;
}

function stamp(ring: Ring, payload: string, offset: number): string {
  return stampWith((ring.prefix ??= positionPrefix(ring.label, ring.epoch)), payload, offset);
}

/** Only JSON objects carry a position (a field can be added to them); other pushes are not recoverable. */
export function recoverable(payload: Payload): payload is string {
  return typeof payload === 'string' && payload.charCodeAt(0) === 123;
}

/** Reads `swb_resume` = `{"session":token,"positions":{label:[epoch,offset]}}`; null when absent or malformed. */
export function parseResume(query: string): ResumeRequest | null {
  if (!query.includes(RESUME_PARAM)) return null;
  const text = new URLSearchParams(query).get(RESUME_PARAM);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const { session, positions } = (value ?? {}) as { session?: unknown; positions?: unknown };
  if (typeof session !== 'string' || positions === null || typeof positions !== 'object') return null;
  const map = new Map<string, { epoch: string; offset: number }>();
  for (const [label, pos] of Object.entries(positions as Record<string, unknown>)) {
    if (!Array.isArray(pos) || typeof pos[0] !== 'string' || !Number.isSafeInteger(pos[1])) return null;
    map.set(label, { epoch: pos[0], offset: pos[1] as number });
  }
  return { token: session, positions: map };
}

/** What the runtime asks of recovery: in process ({@link Recovery}) or on a bus's shared store (runtime/recovery-shared.ts). */
export interface Recoverer {
  readonly resumed: number;
  readonly failed: Readonly<Record<RecoveryFailure, number>>;
  readonly parkedCount: number;
  readonly history: { readonly topics: number; readonly entries: number };
  start(publisher: Publisher, delivery: LocalDelivery): void;
  stop(): void;
  session(query: string): Session;
  refused(session: Session): void;
  /** A push to a topic, with its position, to every subscriber (but `except`); returns the local recipients. */
  publish(topic: string, payload: Payload, except: Resumable | null): number;
  sendTo(id: string, c: Resumable | undefined, payload: Payload): boolean | null;
  follow(session: Session, topic: string): void;
  unfollow(session: Session, topic: string): void;
  /** After the guard passed a resume: what has to be read before the connection opens (null: nothing). */
  prepare(session: Session, route: string): Promise<void> | null;
  open(c: Resumable, session: Session): void;
  park(c: Resumable, code: number): boolean;
  read(room: string, since: number, limit: number): Promise<HistoryItem[]>;
}

export class Recovery implements Recoverer {
  readonly history: MemoryHistory;
  /** Sessions of open connections, by token (a resume that finds its old connection still open takes it over). */
  private readonly live = new Map<string, Resumable>();
  private readonly parked = new Map<string, Parked>();
  /** Token of each parked session by connection id: sendTo reaches a parked connection. */
  private readonly parkedIds = new Map<string, string>();
  private publisher: Publisher | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Resumes that succeeded, and those that failed by cause (metrics). */
  resumed = 0;
  readonly failed: Record<RecoveryFailure, number> = { unknown: 0, expired: 0, overflow: 0, epoch: 0, refused: 0 };

  constructor(
    readonly options: ResolvedRecovery,
    private readonly presence: Presence,
    private readonly bus: Bus,
  ) {
    this.history = new MemoryHistory(options.window, options.historySize);
  }

  /** Parked sessions now (metrics). */
  get parkedCount(): number {
    return this.parked.size;
  }

  /** At listen(): the sweep of expired sessions and pushes starts. */
  start(publisher: Publisher): void {
    this.publisher = publisher;
    this.timer = setInterval(() => this.sweep(Date.now()), Math.min(this.options.window, 10_000));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** At an upgrade from a subprotocol client: its session, with the resume it asks for (if any). */
  session(query: string): Session {
    return new Session(parseResume(query));
  }

  /** The guard refused an upgrade that asked to resume (the session stays parked for a later try). */
  refused(session: Session): void {
    if (session.resume !== null) this.failed.refused++;
  }

  publish(topic: string, payload: Payload, except: Resumable | null): number {
    return this.bus.publish(topic, this.push(topic, payload, except === null ? null : except.id), except === null ? null : except.socket);
  }

  /** In one process everything is at hand: the resume happens in open(). */
  prepare(): null {
    return null;
  }

  /** A push to a topic: stored with the next position, returned with it. Only JSON objects are recoverable. */
  push(topic: string, payload: Payload, except: string | null): Payload {
    if (!recoverable(payload)) return payload;
    const ring = this.history.peek(topic) ?? this.history.ring(topic, labelOf(topic));
    return stamp(ring, payload, this.history.append(ring, payload, except, Date.now()));
  }

  /**
   * A push to a connection id of this process with a session: stored and sent (or only stored while
   * it is parked). null when the id has no session here: the caller hands it to the bus as before.
   */
  sendTo(id: string, c: Resumable | undefined, payload: Payload): boolean | null {
    const session = c === undefined ? undefined : c.session;
    if (c !== undefined && session === null) return null;
    if (c === undefined && !this.parkedIds.has(id)) return null;
    const stamped = this.push(idTopic(id), payload, null);
    return c === undefined ? stamped !== payload : c.sendPayload(stamped);
  }

  /** The connection now follows `topic` (joined a room, or opened on its route). */
  follow(session: Session, topic: string): void {
    if (session.baselines.has(topic)) return;
    const ring = this.history.peek(topic) ?? null;
    session.baselines.set(topic, { ring, offset: ring === null ? 0 : ring.top });
  }

  unfollow(session: Session, topic: string): void {
    session.baselines.delete(topic);
  }

  /**
   * At open, before anything else is sent: resumes the parked session the client presents when it can
   * (same id and rooms, then the missed pushes), else starts a new one. Sends the session frame first.
   */
  open(c: Resumable, session: Session): void {
    const now = Date.now();
    const replay = session.resume === null ? null : this.claim(c, session, now);
    session.token = randomBytes(16).toString('base64url');
    this.live.set(session.token, c);
    if (replay === null) this.follow(session, c.route.topic);
    c.sendPayload(`{"session":"${session.token}","recovered":${session.recovered}${session.failure === null ? '' : `,"reason":"${session.failure}"`}}`);
    if (replay === null) return;
    for (const payload of replay) c.sendPayload(payload);
  }

  /**
   * The connection closed: unless it ended on purpose, its session and its presence wait `window` ms
   * for the client. On purpose: 1000, 1001 (a browser sends it when its page closes or navigates away)
   * or a close frame without a code, from either side; or ws.close(). False when nothing was parked.
   */
  park(c: Resumable, code: number): boolean {
    const session = c.session!;
    if (this.live.get(session.token) !== c) return false;
    if (code === 1000 || code === 1001 || code === 1005 || session.closedByApp) {
      this.live.delete(session.token);
      this.history.forget(idTopic(c.id));
      return false;
    }
    this.live.delete(session.token);
    this.presence.park(c);
    this.parked.set(session.token, {
      session,
      seq: c.seq,
      id: c.id,
      route: c.route.uwsPattern,
      rooms: [...c.rooms],
      expires: Date.now() + this.options.window,
    });
    this.parkedIds.set(c.id, session.token);
    return true;
  }

  /** The pushes a connection missed, oldest first per topic, with its id and rooms restored; null when it cannot resume. */
  private claim(c: Resumable, session: Session, now: number): Payload[] | null {
    const request = session.resume!;
    const live = this.live.get(request.token);
    // The old connection may still look open (a dropped network is noticed only at the idle timeout):
    // ending it runs its close handler at once, which parks the session. 4409 is final for the client.
    live?.socket?.end(TAKEN_OVER, 'Session resumed by a new connection');
    const parked = this.parked.get(request.token);
    if (parked !== undefined) this.release(request.token, parked);
    const failure = parked === undefined || parked.route !== c.route.uwsPattern ? 'unknown' : parked.expires < now ? 'expired' : null;
    const replay = failure === null ? this.missed(parked!, request, now) : failure;
    if (typeof replay === 'string') {
      if (parked !== undefined) this.end(parked);
      session.failure = replay;
      this.failed[replay]++;
      return null;
    }
    c.seq = parked!.seq;
    session.recovered = true;
    session.baselines = parked!.session.baselines;
    for (const room of parked!.rooms) c.enter(room);
    this.presence.resume(c);
    this.resumed++;
    return replay;
  }

  /** Every push after the client's positions in each topic its session follows; the cause when one is gone. */
  private missed(parked: Parked, request: ResumeRequest, now: number): Payload[] | RecoveryFailure {
    const replay: Payload[] = [];
    const topics: [string, Baseline][] = [...parked.session.baselines, [idTopic(parked.id), { ring: null, offset: 0 }]];
    for (const [topic, baseline] of topics) {
      const ring = this.history.peek(topic);
      if (ring === undefined) {
        if (baseline.ring !== null) return 'epoch';
        continue;
      }
      if (baseline.ring !== null && baseline.ring !== ring) return 'epoch';
      // A position in an older ring of the topic says nothing of this one: the baseline covers it.
      const client = request.positions.get(ring.label);
      const from = client !== undefined && client.epoch === ring.epoch ? Math.max(client.offset, baseline.offset) : baseline.offset;
      const entries = this.history.since(ring, from, now);
      if (entries === null) return 'overflow';
      for (const entry of entries) if (entry.except !== parked.id) replay.push(stamp(ring, entry.payload, entry.offset));
    }
    return replay;
  }

  /** A parked session that will not resume: its presence entries leave, its id's pushes are forgotten. */
  private end(parked: Parked): void {
    this.presence.ended(parked.id);
    this.history.forget(idTopic(parked.id));
  }

  private release(token: string, parked: Parked): void {
    this.parked.delete(token);
    this.parkedIds.delete(parked.id);
  }

  /** A room's stored pushes after `since`, at most the last `limit` of them. */
  read(room: string, since: number, limit: number): Promise<HistoryItem[]> {
    return Promise.resolve(this.list(room, since, limit));
  }

  private list(room: string, since: number, limit: number): HistoryItem[] {
    const ring = this.history.peek(roomTopic(room));
    if (ring === undefined) return [];
    this.history.expire(ring, Date.now());
    const entries: readonly HistoryEntry[] = ring
      .list()
      .filter((e) => e.offset > since)
      .slice(-limit);
    return entries.map((e) => ({ position: { epoch: ring.epoch, offset: e.offset }, data: JSON.parse(e.payload) as unknown }));
  }

  /** Ends the sessions past their window and forgets the history nobody can ask for any more. */
  sweep(now: number): void {
    const held = new Set<string>();
    for (const [token, parked] of this.parked) {
      // Kept one window past its end, so that a client coming back late is told 'expired' rather than 'unknown'.
      if (parked.expires + this.options.window >= now) {
        for (const topic of parked.session.baselines.keys()) held.add(topic);
        continue;
      }
      this.release(token, parked);
      this.end(parked);
    }
    const publisher = this.publisher;
    // A route's ring and a connection id's ring are kept (the latter until its session ends, above).
    const keep = (topic: string): boolean => !topic.startsWith('swb:room:') || held.has(topic) || (publisher !== null && publisher.numSubscribers(topic) > 0);
    this.history.sweep(now, keep);
  }
}
