/**
 * The options of `app.admin(path, options)` and their checks. Tokens are kept only as SHA-256 digests:
 * comparing digests of equal length with timingSafeEqual takes the same time whatever the guess, and the
 * secrets themselves are not kept in memory longer than the call.
 */
import { createHash } from 'node:crypto';
import { invalidOption } from '../util/errors';
import { boolean, checkKeys, integerIn } from '../util/validate';

/**
 * Options of `app.admin()`. Give `token` (one operator, logged as "admin") or `tokens` (one secret per
 * operator, by name: each action is logged with the name of the token that made it), not both.
 */
export interface AdminOptions {
  /** The bearer token the page and its JSON ask for: at least 16 characters. */
  token?: string;
  /** Tokens by operator name, e.g. `{ alice: process.env.ALICE_TOKEN, ci: process.env.CI_TOKEN }`. */
  tokens?: Readonly<Record<string, string>>;
  /** Show, never act: no disconnect or push, and a connection's state shows its keys without their values. Default false. */
  readonly?: boolean;
  /** Milliseconds between two reports of each node (what the charts and the cluster view are made of). Default 2000. */
  reportInterval?: number;
  /** How many rooms the page lists, largest first. Default 20. */
  topRooms?: number;
}

/** One accepted token: the operator's name and the digest of the secret. */
export interface AdminToken {
  readonly name: string;
  readonly digest: Buffer;
}

export interface ResolvedAdmin {
  readonly tokens: readonly AdminToken[];
  readonly readonly: boolean;
  readonly reportInterval: number;
  readonly topRooms: number;
}

const where = 'app.admin(path, options)';
const MIN_TOKEN_LENGTH = 16;

export const digestOf = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

function secret(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length < MIN_TOKEN_LENGTH)
    throw invalidOption(
      where,
      name,
      `a secret of at least ${MIN_TOKEN_LENGTH} characters (e.g. from openssl rand -hex 24)`,
      value === undefined ? value : '(hidden)',
    );
  return value;
}

export function resolveAdminOptions(options: unknown): ResolvedAdmin {
  if (options === null || typeof options !== 'object') throw invalidOption(where, 'options', 'an object with token or tokens', options);
  const o = options as AdminOptions;
  checkKeys(where, o, ['token', 'tokens', 'readonly', 'reportInterval', 'topRooms']);
  if ((o.token === undefined) === (o.tokens === undefined)) throw invalidOption(where, 'token', 'given, or else tokens (exactly one of the two)', o.token);
  const tokens: AdminToken[] = [];
  if (o.token !== undefined) tokens.push({ name: 'admin', digest: digestOf(secret('token', o.token)) });
  else {
    const named: unknown = o.tokens;
    if (named === null || typeof named !== 'object' || Array.isArray(named)) throw invalidOption(where, 'tokens', 'an object { name: secret }', named);
    for (const [name, value] of Object.entries(named)) {
      if (!/^[\w.@-]{1,64}$/.test(name)) throw invalidOption(where, 'tokens', 'names of 1–64 letters, digits, _ . @ -', name);
      tokens.push({ name, digest: digestOf(secret(`tokens.${name}`, value)) });
    }
    if (tokens.length === 0) throw invalidOption(where, 'tokens', 'at least one { name: secret }', named);
  }
  return {
    tokens,
    readonly: o.readonly === undefined ? false : boolean(where, 'readonly', o.readonly),
    reportInterval: o.reportInterval === undefined ? 2000 : integerIn(where, 'reportInterval', o.reportInterval, 100, 60_000),
    topRooms: o.topRooms === undefined ? 20 : integerIn(where, 'topRooms', o.topRooms, 1, 200),
  };
}
