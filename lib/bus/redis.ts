/**
 * A bus across processes and machines on Redis pub/sub (node-redis). Each node keeps two Redis
 * connections, whatever its number of sockets and rooms: one publishes, one is subscribed to exactly
 * two channels, `<prefix>:all` (broadcasts and room publishes) and `<prefix>:node:<nodeId>` (sendTo
 * of this node's ids). A node delivers its own publishes locally at once and drops their echo.
 *
 * Redis pub/sub is at-most-once: while a node is cut off from Redis, what it publishes (and what the
 * others publish) does not reach the other side, and is not replayed. Local delivery never waits on Redis.
 */
import type { Payload, Sender } from '../transport/types';
import { invalidOption, SwitchboardError } from '../util/errors';
import { rejectAfter, settledWithin } from '../util/timeout';
import { loadPeer } from '../util/peer';
import { checkKeys, integerIn } from '../util/validate';
import type { Bus, BusNode, BusStats, PresenceEntry, PresenceSnapshot, PresenceStore, SharedHistory } from './bus';
import { decodeEnvelope, encodeEnvelope, isFrom, KIND_PRESENCE, KIND_PROBE, KIND_PUBLISH, KIND_REPORT, KIND_SEND, KIND_STORED, originHeader } from './envelope';
import { RedisHistory } from './history-redis';
import { RedisPresence } from './presence-redis';

/** Options of {@link RedisBus}. */
export interface RedisBusOptions {
  /** Redis URL, `redis://[[user]:password@]host[:port][/db]` or `rediss://` for TLS. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prefix of the two channel names; apps sharing one Redis with different prefixes never see each other. Default `switchboard`. */
  prefix?: string;
  /** Milliseconds `app.listen()` keeps trying to reach Redis before it rejects with SWB_ERR_REDIS_UNAVAILABLE. Default 5000. */
  connectTimeout?: number;
  /** Longest pause between two reconnection attempts after Redis drops, in milliseconds (backoff doubles from 50 ms up to it). Default 2000. */
  maxReconnectDelay?: number;
  /** Called with false when the node loses Redis mid-run and with true once it is back (subscribed again). */
  onConnectionChange?: (connected: boolean) => void;
  /**
   * Milliseconds a node counts as alive after its last heartbeat (it beats every third of it): a node
   * that dies without closing has its presence entries removed, and their leaves sent, between 2/3 and
   * 4/3 of this after its death (docs/presence.md). Default 10000.
   */
  presenceTtl?: number;
}

/** Counters of a {@link RedisBus}, since it was opened. */
export interface RedisBusStats extends BusStats {
  /** Envelopes handed to Redis (publishes and sendTo of remote ids). */
  published: number;
  /** Envelopes received from other nodes and delivered locally. */
  received: number;
  /** Envelopes not sent because Redis was unreachable at that moment (lost: pub/sub does not queue). */
  dropped: number;
  /** sendTo of a remote id whose node no Redis subscriber answered for (that node is gone). */
  unroutable: number;
  /** Times the node got Redis back after losing it. */
  reconnects: number;
}

/** The few node-redis client members the bus uses, so its public types never mention node-redis. */
interface Client {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  publish(channel: string, message: Buffer): Promise<number>;
  subscribe(channels: string[], listener: (message: Buffer) => void, bufferMode: true): Promise<void>;
  sendCommand(args: (string | Buffer)[]): Promise<unknown>;
  unsubscribe(): Promise<void>;
  close(): Promise<void>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

type CreateClient = (options: object) => Client;

const PROBE_EVERY_MS = 100;
/** How long close() lets this node's presence entries leave before it quits Redis anyway. */
const PRESENCE_GOODBYE_MS = 1000;
const where = 'new RedisBus(options)';

/**
 * Fan-out through Redis pub/sub, so `broadcast`, `sendTo`, rooms and `app.*` pushes reach the
 * connections of every process sharing that Redis, each recipient once. Needs the `redis` package
 * (`npm i redis`). One bus per App.
 * @example
 * import { RedisBus } from 'switchboard/redis';
 * const app = new App({ routes: [Chat], bus: new RedisBus({ url: process.env.REDIS_URL }) });
 * await app.listen(8000); // rejects with SWB_ERR_REDIS_UNAVAILABLE if Redis cannot be reached
 */
export class RedisBus implements Bus, PresenceStore {
  /** Counters since the bus was opened (read them for metrics). */
  readonly stats: RedisBusStats = { published: 0, received: 0, dropped: 0, unroutable: 0, reconnects: 0 };
  private readonly url: string;
  private readonly prefix: string;
  private readonly allChannel: string;
  private readonly connectTimeout: number;
  private readonly maxReconnectDelay: number;
  private readonly onConnectionChange: ((connected: boolean) => void) | null;
  private readonly presenceTtl: number;
  private node: BusNode | null = null;
  private presence: RedisPresence | null = null;
  private history: RedisHistory | null = null;
  private header: Buffer = Buffer.alloc(0);
  private directChannel = '';
  private pub: Client | null = null;
  private sub: Client | null = null;
  private up = false;
  private closing = false;
  /** Date.now() when the last gap began, 0 while connected. */
  private downSince = 0;
  private droppedAtGap = 0;
  private probeTimer: NodeJS.Timeout | null = null;
  private probed: (() => void) | null = null;
  /** Barriers waiting for their probe, by its target. */
  private readonly barriers = new Map<string, () => void>();
  private barrierCount = 0;
  private readonly onPublished = (receivers: number): void => void receivers;
  private readonly onDirectPublished = (receivers: number): void => {
    if (receivers === 0) this.stats.unroutable++;
  };
  private readonly onPublishFailed = (): void => {
    this.stats.dropped++;
  };

  constructor(options: RedisBusOptions = {}) {
    if (options === null || typeof options !== 'object') throw invalidOption(where, 'options', 'an object', options);
    checkKeys(where, options, ['url', 'prefix', 'connectTimeout', 'maxReconnectDelay', 'onConnectionChange', 'presenceTtl']);
    const url = options.url ?? 'redis://127.0.0.1:6379';
    if (typeof url !== 'string' || !/^rediss?:\/\/[^\s]+$/.test(url)) throw invalidOption(where, 'url', 'a redis:// or rediss:// URL', url);
    const prefix = options.prefix ?? 'switchboard';
    if (typeof prefix !== 'string' || !/^[\w.:-]{1,64}$/.test(prefix)) throw invalidOption(where, 'prefix', 'a name of 1–64 letters, digits, _ . : -', prefix);
    const change = options.onConnectionChange;
    if (change !== undefined && typeof change !== 'function') throw invalidOption(where, 'onConnectionChange', 'a function (connected) => void', change);
    this.url = url;
    this.prefix = prefix;
    this.allChannel = `${prefix}:all`;
    this.connectTimeout = options.connectTimeout === undefined ? 5000 : integerIn(where, 'connectTimeout', options.connectTimeout, 1, 600_000);
    this.maxReconnectDelay = options.maxReconnectDelay === undefined ? 2000 : integerIn(where, 'maxReconnectDelay', options.maxReconnectDelay, 50, 600_000);
    this.onConnectionChange = change ?? null;
    this.presenceTtl = options.presenceTtl === undefined ? 10_000 : integerIn(where, 'presenceTtl', options.presenceTtl, 300, 600_000);
  }

  /** True while this node publishes to and receives from Redis; false during a gap (and before listen/after close). */
  get connected(): boolean {
    return this.up;
  }

  /** Called by `app.listen()`: connects both clients and waits until this node's subscription is live end to end. */
  async open(node: BusNode): Promise<void> {
    if (this.node !== null || this.closing)
      throw new SwitchboardError('SWB_ERR_INVALID_ARGUMENT', 'This RedisBus is already used by an App: give each App its own bus.');
    const createClient = await loadClient();
    this.node = node;
    this.header = originHeader(node.nodeId);
    this.directChannel = `${this.prefix}:node:${node.nodeId}`;
    const deadline = Date.now() + this.connectTimeout;
    let lastError: Error | null = null;
    const make = (): Client => {
      const client = createClient({
        url: this.url,
        // Pub/sub is at-most-once anyway; queueing commands while Redis is away would grow memory without bound.
        disableOfflineQueue: true,
        socket: {
          connectTimeout: Math.min(this.connectTimeout, 10_000),
          reconnectStrategy: (retries: number, cause: Error): number | Error => {
            lastError = cause;
            if (this.closing) return cause;
            if (this.pub === null || this.node === null || (this.downSince === 0 && !this.up && Date.now() > deadline)) return cause;
            // Exponential backoff with jitter, so a fleet of nodes does not reconnect in lockstep.
            return Math.min(50 * 2 ** Math.min(retries, 16), this.maxReconnectDelay) + Math.floor(Math.random() * 50);
          },
        },
      });
      client.on('error', (error) => this.lost(error));
      client.on('ready', () => this.clientReady());
      return client;
    };
    this.pub = make();
    this.sub = make();
    try {
      await rejectAfter(
        Promise.all([this.pub.connect(), this.sub.connect()]).then(() => this.sub!.subscribe([this.allChannel, this.directChannel], this.receive, true)),
        deadline - Date.now(),
        'timed out',
      );
      await rejectAfter(this.probe(), deadline - Date.now(), 'timed out');
      this.presence = new RedisPresence(this.prefix, this.presenceTtl, node, {
        command: (args) => (this.up && this.pub?.isReady === true ? this.pub.sendCommand(args) : null),
        announce: (room, change) => this.send(this.allChannel, KIND_PRESENCE, room, change, this.onPublished),
      });
      await rejectAfter(this.presence.start(), deadline - Date.now(), 'timed out');
      if (this.history !== null) await rejectAfter(this.history.load(), deadline - Date.now(), 'timed out');
    } catch (error) {
      const cause = lastError ?? (error instanceof Error ? error : null);
      this.presence?.stopBeating();
      this.presence = null;
      this.stopProbe();
      this.destroyClients();
      this.node = null;
      throw new SwitchboardError(
        'SWB_ERR_REDIS_UNAVAILABLE',
        `RedisBus could not reach Redis at ${redact(this.url)} within ${this.connectTimeout} ms${cause === null ? '' : ` (${cause.message || cause.name})`}. ` +
          'Start Redis, fix the url option, or raise connectTimeout.',
        { cause: cause ?? error },
      );
    }
  }

  publish(topic: string, payload: Payload, except: Sender | null): number {
    const node = this.node;
    if (node === null) return 0;
    const count = node.publishLocal(topic, payload, except);
    this.send(this.allChannel, KIND_PUBLISH, topic, payload, this.onPublished);
    return count;
  }

  /**
   * Local ids are delivered at once (false when unknown or closed). A remote id cannot be checked
   * synchronously: true means the message was handed to Redis for that id's node, false that Redis was
   * unreachable (the message is dropped) or the id names no node.
   */
  sendTo(id: string, payload: Payload): boolean {
    const node = this.node;
    if (node === null) return false;
    const dash = id.indexOf('-');
    if (dash <= 0 || dash > 64) return false;
    if (dash === node.nodeId.length && id.startsWith(node.nodeId)) return node.sendLocal(id, payload);
    return this.send(`${this.prefix}:node:${id.slice(0, dash)}`, KIND_SEND, id, payload, this.onDirectPublished);
  }

  /**
   * Recovery on Redis (docs/recovery.md): history in a stream and a meta hash per topic, sessions in a
   * hash each, written with the publish in one script, so a client resumes on any node.
   */
  keepHistory(options: { readonly window: number; readonly historySize: number }): SharedHistory {
    const command = (args: (string | Buffer)[]): Promise<unknown> | null => {
      const pub = this.pub;
      if (!this.up || pub === null || !pub.isReady) {
        this.stats.dropped++;
        return null;
      }
      this.stats.published++;
      return pub.sendCommand(args);
    };
    return (this.history = new RedisHistory(
      this.prefix,
      this.allChannel,
      options,
      () => this.header,
      command,
      () => this.barrier(),
    ));
  }

  /**
   * Resolves when a probe published now comes back through this node's subscription: every message
   * Redis published before it has then been received (Redis sends a subscriber its messages in order).
   */
  private barrier(): Promise<void> {
    const pub = this.pub;
    if (!this.up || pub === null || !pub.isReady) return Promise.reject(new Error('Redis is unreachable'));
    const target = String(++this.barrierCount);
    return new Promise<void>((resolve, reject) => {
      this.barriers.set(target, resolve);
      pub.publish(this.directChannel, encodeEnvelope(this.header, KIND_PROBE, target, '')!).catch((error: unknown) => {
        this.barriers.delete(target);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  /** On the broadcast channel, at most once per report interval: lost during a gap, like any publish. */
  shareReport(report: string): void {
    this.send(this.allChannel, KIND_REPORT, '', report, this.onPublished);
  }

  trackPresence(room: string, entry: PresenceEntry): void {
    this.presence?.track(room, entry);
  }

  untrackPresence(room: string, id: string, last: boolean): void {
    this.presence?.untrack(room, id, last);
  }

  loadPresence(room: string): Promise<PresenceSnapshot | null> {
    return this.presence === null ? Promise.resolve(null) : this.presence.load(room);
  }

  /**
   * Called by `app.close()`: this node's presence entries leave (bounded by 1 s), then it unsubscribes
   * and quits both connections; nothing of the bus keeps the process alive after it.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const presence = this.presence;
    this.presence = null;
    if (presence !== null) await settledWithin(presence.stop(), PRESENCE_GOODBYE_MS);
    this.stopProbe();
    const { pub, sub } = this;
    this.setUp(false, false);
    if (pub === null || sub === null) return;
    try {
      if (sub.isReady) await sub.unsubscribe();
      await Promise.all([pub.isReady ? pub.close() : pub.destroy(), sub.isReady ? sub.close() : sub.destroy()]);
    } catch {
      // Redis went away while we said goodbye: nothing is left to unsubscribe from.
      this.destroyClients();
    }
    this.node = null;
  }

  private send(channel: string, kind: number, target: string, payload: Payload, done: (receivers: number) => void): boolean {
    const pub = this.pub;
    if (!this.up || pub === null || !pub.isReady) {
      this.stats.dropped++;
      return false;
    }
    const message = encodeEnvelope(this.header, kind, target, payload);
    if (message === null) return false;
    this.stats.published++;
    // node-redis writes every command issued in one tick in one socket write: batching comes free.
    pub.publish(channel, message).then(done, this.onPublishFailed);
    return true;
  }

  private readonly receive = (message: Buffer): void => {
    const node = this.node;
    if (node === null) return;
    // A stored push comes back to its publisher too: only then has it its position.
    if (message[0] !== KIND_STORED && isFrom(message, this.header)) {
      if (message[0] === KIND_PROBE) this.probeReturned(message);
      return;
    }
    const envelope = decodeEnvelope(message);
    if (envelope === null) {
      node.logger.warn(`switchboard: RedisBus ignored a malformed message on ${this.prefix}:* (${message.length} bytes).`);
      return;
    }
    if (envelope.kind === KIND_PUBLISH) {
      this.stats.received++;
      node.publishLocal(envelope.target, envelope.payload, null);
    } else if (envelope.kind === KIND_SEND) {
      this.stats.received++;
      node.sendLocal(envelope.target, envelope.payload);
    } else if (envelope.kind === KIND_PRESENCE && typeof envelope.payload === 'string') {
      this.stats.received++;
      this.presence?.received(envelope.target, envelope.payload);
    } else if (envelope.kind === KIND_REPORT && typeof envelope.payload === 'string') {
      node.reportReceived(envelope.payload);
    } else if (envelope.kind === KIND_STORED && typeof envelope.payload === 'string') {
      this.stats.received++;
      storedReceived(node, envelope.target, envelope.payload);
    }
  };

  /**
   * Resolves once a probe published on our own channel comes back through our subscription: only then
   * is the node known to receive (a client's "ready" does not say that its SUBSCRIBE was processed).
   * The probe is re-sent every 100 ms until then; the loop ends on success, on a drop, or at close.
   */
  private probe(): Promise<void> {
    this.stopProbe();
    return new Promise((resolve) => {
      const pub = this.pub!;
      const ping = (): void => {
        if (!pub.isReady) return;
        pub.publish(this.directChannel, encodeEnvelope(this.header, KIND_PROBE, '', '')!).catch(() => undefined);
      };
      this.probed = () => {
        this.stopProbe();
        // onConnectionChange reports changes after listen(), not the first connection.
        this.setUp(true, this.downSince !== 0);
        resolve();
      };
      this.probeTimer = setInterval(ping, PROBE_EVERY_MS);
      ping();
    });
  }

  private probeReturned(message: Buffer): void {
    const target = this.barriers.size === 0 ? '' : (decodeEnvelope(message)?.target ?? '');
    if (target === '') return this.probed?.();
    this.barriers.get(target)?.();
    this.barriers.delete(target);
  }

  private stopProbe(): void {
    if (this.probeTimer !== null) clearInterval(this.probeTimer);
    this.probeTimer = null;
    this.probed = null;
  }

  private clientReady(): void {
    // After a drop: both connections back (node-redis resubscribes by itself), then prove it.
    if (this.closing || this.downSince === 0 || this.probeTimer !== null) return;
    if (this.pub?.isReady === true && this.sub?.isReady === true) void this.probe();
  }

  private lost(error: Error): void {
    if (this.closing || !this.up) return;
    this.stopProbe();
    this.downSince = Date.now();
    this.droppedAtGap = this.stats.dropped;
    this.setUp(false, true);
    this.node?.logger.warn(
      `switchboard: RedisBus lost Redis at ${redact(this.url)} (${error.message || error.name}). Local delivery goes on; ` +
        'messages to and from other nodes are lost until it reconnects (retrying with backoff).',
    );
  }

  private setUp(up: boolean, notify: boolean): void {
    if (this.up === up) return;
    this.up = up;
    if (up && this.downSince !== 0) {
      this.stats.reconnects++;
      this.node?.logger.warn(
        `switchboard: RedisBus reconnected to ${redact(this.url)} after ${Date.now() - this.downSince} ms; ` +
          `${this.stats.dropped - this.droppedAtGap} outgoing messages were dropped during the gap.`,
      );
      this.downSince = 0;
      this.presence?.reconnected();
      this.history?.load().catch(() => undefined);
    }
    if (notify && this.onConnectionChange !== null) this.onConnectionChange(up);
  }

  private destroyClients(): void {
    for (const client of [this.pub, this.sub]) {
      try {
        client?.destroy();
      } catch {
        // already closed
      }
    }
  }
}

/** Hands a stored push (`<epoch>\n<offset>\n<except>\n<frame>`) to the node. */
function storedReceived(node: BusNode, topic: string, text: string): void {
  const a = text.indexOf('\n');
  const b = text.indexOf('\n', a + 1);
  const c = text.indexOf('\n', b + 1);
  if (a < 0 || b < 0 || c < 0) return;
  node.storedReceived?.(topic, text.slice(c + 1), text.slice(0, a), parseInt(text.slice(a + 1, b), 10), text.slice(b + 1, c));
}

/** Loads node-redis on first use, so `switchboard` itself never needs it. */
async function loadClient(): Promise<CreateClient> {
  const redis = await loadPeer<{ createClient: CreateClient }>(
    () => import('redis'),
    'SWB_ERR_REDIS_MISSING',
    'RedisBus needs the "redis" package (node-redis 5 or newer)',
    'npm i redis',
  );
  return redis.createClient;
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');
}
