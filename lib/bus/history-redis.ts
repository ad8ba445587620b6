/**
 * Recovery's history and sessions on Redis (docs/recovery.md): per topic a stream and a meta hash, per
 * session a hash, laid out and written by the scripts of bus/history-scripts.ts. A push is one EVALSHA
 * that stores it and publishes it with its position, so every node stamps the same (epoch, offset).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SharedHistory, StoredEntry, StoredTopic } from './bus';
import { encodeEnvelope, KIND_STORED } from './envelope';
import { APPEND, CLAIM, FOLLOW, READ, REBASE } from './history-scripts';

/** Sends one command to Redis; null when Redis is unreachable now (nothing was sent). */
export type Command = (args: (string | Buffer)[]) => Promise<unknown> | null;

/** A script with its SHA-1, run with EVALSHA and, when Redis does not know it (it restarted), with EVAL. */
class Script {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Loads it into Redis's script cache (at connect, and after a reconnect: the Redis may be a new one). */
  load(command: Command): Promise<unknown> | null {
    return command(['SCRIPT', 'LOAD', this.source]);
  }

  run(command: Command, keys: readonly string[], args: readonly (string | Buffer)[]): Promise<unknown> | null {
    const tail = [String(keys.length), ...keys, ...args];
    const reply = command(['EVALSHA', this.sha, ...tail]);
    return (
      reply?.catch((error: unknown) => {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return command(['EVAL', this.source, ...tail]) ?? Promise.reject(error);
      }) ?? null
    );
  }
}

const appendScript = new Script(APPEND);
const followScript = new Script(FOLLOW);
const readScript = new Script(READ);
const claimScript = new Script(CLAIM);
const rebaseScript = new Script(REBASE);
const scripts = [appendScript, followScript, readScript, claimScript, rebaseScript];

/** Envelope heads cached at most (one per topic pushed to recently); past it the cache starts over. */
const MAX_HEADS = 10_000;

function ignore(): void {
  // A lost write is a session or push that cannot be recovered: the resume says so (recovered: false).
}

export class RedisHistory implements SharedHistory {
  /** Envelope heads by topic (header, kind 6, the topic), so a push builds none. */
  private readonly heads = new Map<string, Buffer>();
  /** Part of every epoch this node makes, so two Redis clocks never give two topics' lives one epoch. */
  private readonly seed = randomBytes(2).toString('hex');
  private readonly size: string;
  private readonly window: string;

  constructor(
    private readonly prefix: string,
    private readonly channel: string,
    options: { readonly window: number; readonly historySize: number },
    private readonly header: () => Buffer,
    private readonly command: Command,
    /** A round trip through this node's own subscription (RedisBus.barrier). */
    readonly barrier: () => Promise<void>,
  ) {
    this.size = String(options.historySize);
    this.window = String(options.window);
  }

  append(topic: string, payload: string, except: string, keep: number): boolean {
    let head = this.heads.get(topic);
    if (head === undefined) {
      const made = encodeEnvelope(this.header(), KIND_STORED, topic, '');
      if (made === null) return false;
      if (this.heads.size >= MAX_HEADS) this.heads.clear();
      this.heads.set(topic, (head = made));
    }
    const reply = appendScript.run(this.command, this.topicKeys(topic), [payload, except, this.size, this.window, String(keep), this.channel, head, this.seed]);
    if (reply === null) return false;
    reply.catch(ignore);
    return true;
  }

  openSession(token: string, id: string, route: string): void {
    const key = this.sessionKey(token);
    this.command(['HSET', key, 'id', id, 'route', route])?.catch(ignore);
    this.command(['PEXPIRE', key, this.window])?.catch(ignore);
  }

  /**
   * Loads the scripts, so that EVALSHA finds them: a NOSCRIPT answer makes a command go again with EVAL
   * a round trip later, after commands issued behind it.
   */
  async load(): Promise<void> {
    await Promise.all(scripts.map((script) => script.load(this.command) ?? Promise.reject(new Error('Redis is unreachable'))));
  }

  async follow(token: string, topic: string, keep: number): Promise<{ epoch: string; top: number }> {
    const reply = followScript.run(this.command, [...this.topicKeys(topic), this.sessionKey(token)], [`f:${topic}`, this.window, String(keep), this.seed]);
    if (reply === null) throw new Error('Redis is unreachable');
    const [epoch, top] = (await reply) as [string, number];
    return { epoch: String(epoch), top: Number(top) };
  }

  rebase(token: string, topic: string, epoch: string, offset: number): void {
    rebaseScript.run(this.command, [this.sessionKey(token)], [`f:${topic}`, `${epoch} ${offset}`])?.catch(ignore);
  }

  unfollow(token: string, topic: string): void {
    this.command(['HDEL', this.sessionKey(token), `f:${topic}`])?.catch(ignore);
  }

  park(token: string, until: number): void {
    const key = this.sessionKey(token);
    this.command(['HSET', key, 'until', String(until)])?.catch(ignore);
    // Kept a second window, so that a client coming back late is told 'expired' rather than 'unknown'.
    this.command(['PEXPIRE', key, String(2 * Number(this.window))])?.catch(ignore);
  }

  end(token: string): void {
    this.command(['DEL', this.sessionKey(token)])?.catch(ignore);
  }

  refresh(tokens: Iterable<string>): void {
    for (const token of tokens) this.command(['PEXPIRE', this.sessionKey(token), this.window])?.catch(ignore);
  }

  async claim(token: string, next: string): Promise<Readonly<Record<string, string>> | null> {
    const reply = claimScript.run(this.command, [this.sessionKey(token), this.sessionKey(next)], [this.window]);
    if (reply === null) throw new Error('Redis is unreachable');
    const fields = await reply;
    if (!Array.isArray(fields)) return null;
    const record: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) record[String(fields[i])] = String(fields[i + 1]);
    return record;
  }

  async read(topic: string, after: number): Promise<StoredTopic> {
    const reply = readScript.run(this.command, this.topicKeys(topic), [String(after + 1)]);
    if (reply === null) throw new Error('Redis is unreachable');
    const [epoch, top, raw] = (await reply) as [string, number, [string, string[]][]];
    const entries: StoredEntry[] = raw.map(([id, fields]) => {
      const entry = { offset: parseInt(id, 10), payload: '', except: '' };
      for (let i = 0; i + 1 < fields.length; i += 2) {
        if (fields[i] === 'd') entry.payload = String(fields[i + 1]);
        else if (fields[i] === 'x') entry.except = String(fields[i + 1]);
      }
      return entry;
    });
    return { epoch: epoch === '' ? null : String(epoch), top: Number(top), entries };
  }

  private topicKeys(topic: string): string[] {
    return [`${this.prefix}:m:${topic}`, `${this.prefix}:h:${topic}`];
  }

  private sessionKey(token: string): string {
    return `${this.prefix}:s:${token}`;
  }
}
