/**
 * Admission control (docs/limits.md#admission-control): how many connections the process, and one client
 * address, may hold open, and which address a connection comes from. Checked at upgrade, before
 * `@OnUpgrade` and again once it has decided (an async guard may take long), so the limits hold within
 * the upgrades that complete in one event-loop turn.
 */
import type { AdmissionStats } from '../compile/stats';
import type { RawUpgrade } from '../transport/types';
import { addressText } from '../transport/address';
import { HttpError } from '../util/errors';
import { integerIn } from '../util/validate';

/** Connections the App accepts (docs/limits.md#admission-control); Infinity: no limit. */
export interface AdmissionLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** Proxies whose X-Forwarded-For entries are trusted; 0: the header is ignored. */
  readonly proxyHops: number;
}

/** The App options `maxConnections`, `maxConnectionsPerIp` and `trustProxy`, checked. */
export function resolveAdmission(
  where: string,
  options: { readonly maxConnections?: number; readonly maxConnectionsPerIp?: number; readonly trustProxy?: boolean | number },
): AdmissionLimits {
  const { maxConnections, maxConnectionsPerIp, trustProxy } = options;
  if (trustProxy !== undefined && typeof trustProxy !== 'boolean') integerIn(where, 'trustProxy', trustProxy, 0, 64);
  return Object.freeze({
    maxConnections: maxConnections === undefined ? Infinity : integerIn(where, 'maxConnections', maxConnections, 1, 2 ** 31 - 1),
    maxConnectionsPerIp: maxConnectionsPerIp === undefined ? Infinity : integerIn(where, 'maxConnectionsPerIp', maxConnectionsPerIp, 1, 2 ** 31 - 1),
    proxyHops: trustProxy === true ? 1 : typeof trustProxy === 'number' ? trustProxy : 0,
  });
}

/** Seconds a refused client is told to wait (`Retry-After`; its reconnect window for subprotocol clients). */
export const RETRY_AFTER_SECONDS = 5;

export class Admission {
  readonly stats: AdmissionStats = { maxConnections: 0, maxConnectionsPerIp: 0, closing: 0 };
  /** Open connections by address; null when there is no per-address limit (nothing to count). */
  private readonly perAddress: Map<string, number> | null;
  /**
   * The previous upgrade's address: connections from one address (behind a proxy or a NAT, a load test)
   * share one string instead of keeping a copy each (32 bytes per idle connection, docs/limits.md#idle-memory).
   */
  private lastAddress = '';

  constructor(
    private readonly limits: AdmissionLimits,
    /** The process's open connections. */
    private readonly open: { readonly size: number },
  ) {
    this.perAddress = limits.maxConnectionsPerIp === Infinity ? null : new Map();
  }

  /**
   * The client's address: the peer's own, or with `trustProxy` the X-Forwarded-For entry that the
   * outermost trusted proxy appended (`proxyHops` from the right; the leftmost when there are fewer).
   * The entries further left were written by the client and prove nothing.
   */
  address(raw: RawUpgrade): string {
    const address = this.clientAddress(raw);
    return address === this.lastAddress ? this.lastAddress : (this.lastAddress = address);
  }

  private clientAddress(raw: RawUpgrade): string {
    const hops = this.limits.proxyHops;
    if (hops === 0) return raw.remoteAddress;
    const entries: string[] = [];
    const headers = raw.headers;
    for (let i = 0; i < headers.length; i += 2)
      if (headers[i] === 'x-forwarded-for') for (const entry of headers[i + 1]!.split(',')) if (entry.trim() !== '') entries.push(entry.trim());
    if (entries.length === 0) return raw.remoteAddress;
    return addressText(entries[Math.max(0, entries.length - hops)]!);
  }

  /** Throws the HttpError that refuses one more connection from `address`, if the limits say so. */
  admit(address: string): void {
    if (this.open.size >= this.limits.maxConnections) {
      this.stats.maxConnections++;
      throw new HttpError(503, 'Server at capacity', { retryAfter: RETRY_AFTER_SECONDS });
    }
    const counts = this.perAddress;
    if (counts !== null && (counts.get(address) ?? 0) >= this.limits.maxConnectionsPerIp) {
      this.stats.maxConnectionsPerIp++;
      throw new HttpError(429, 'Too many connections from this address', { retryAfter: RETRY_AFTER_SECONDS });
    }
  }

  /** The refusal of an upgrade that arrives once app.close() has begun. */
  closing(): HttpError {
    this.stats.closing++;
    return new HttpError(503, 'Server is shutting down');
  }

  opened(address: string): void {
    const counts = this.perAddress;
    if (counts !== null) counts.set(address, (counts.get(address) ?? 0) + 1);
  }

  closed(address: string): void {
    const counts = this.perAddress;
    if (counts === null) return;
    const left = counts.get(address)! - 1;
    if (left === 0) counts.delete(address);
    else counts.set(address, left);
  }
}
