/**
 * uWS's route matching, for the portable transport: patterns of literal segments, `:name` parameters
 * (one segment each, possibly empty) and a final `*` (the rest of the path). The most specific route
 * wins, segment by segment: a literal before a parameter before a wildcard, whatever the order the
 * routes were added in. Matched per request (never per message), by a scan in that order.
 */

const LITERAL = 0;
const PARAMETER = 1;
const WILDCARD = 2;

interface Entry<T> {
  /** Literal text, or '' for a parameter or the wildcard. */
  readonly texts: readonly string[];
  readonly kinds: readonly number[];
  readonly value: T;
}

function kindOf(segment: string): number {
  if (segment === '*') return WILDCARD;
  return segment.startsWith(':') ? PARAMETER : LITERAL;
}

/** Negative when `a` is more specific than `b`. */
function bySpecificity(a: Entry<unknown>, b: Entry<unknown>): number {
  const n = Math.min(a.kinds.length, b.kinds.length);
  for (let i = 0; i < n; i++) if (a.kinds[i] !== b.kinds[i]) return a.kinds[i]! - b.kinds[i]!;
  return b.kinds.length - a.kinds.length;
}

export class Router<T> {
  private readonly entries: Entry<T>[] = [];

  /** `pattern` as parsePattern() writes it for uWS: `/chat/:room`, `/assets/*`. */
  add(pattern: string, value: T): void {
    const segments = pattern.split('/').slice(1);
    const kinds = segments.map(kindOf);
    this.entries.push({ texts: segments.map((s, i) => (kinds[i] === LITERAL ? s : '')), kinds, value });
    this.entries.sort(bySpecificity);
  }

  /** The most specific route matching `path` (no query string), its parameters (still percent-encoded) pushed onto `params`; null when none. */
  match(path: string, params: string[]): T | null {
    const segments = path.split('/').slice(1);
    for (const entry of this.entries) if (matches(entry, segments, params)) return entry.value;
    return null;
  }
}

function matches(entry: Entry<unknown>, segments: readonly string[], params: string[]): boolean {
  const { kinds, texts } = entry;
  params.length = 0;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i];
    if (kind === WILDCARD) return true;
    const segment = segments[i];
    if (segment === undefined) return false;
    if (kind === PARAMETER) params.push(segment);
    else if (segment !== texts[i]) return false;
  }
  return segments.length === kinds.length;
}
