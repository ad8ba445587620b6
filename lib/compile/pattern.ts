/**
 * Route patterns: `/ws/:clientId` and FastAPI's `/ws/{client_id}` both become uWS's `/ws/:clientId`
 * form, with the parameter names in order (uWS hands parameters out by index).
 */
import { describe, HttpError, invalidArgument, SwitchboardError } from '../util/errors';

export interface ParsedPattern {
  /** The pattern as uWS understands it. */
  readonly uws: string;
  /** Parameter names, in the order uWS's getParameter(index) returns them. */
  readonly names: readonly string[];
  /** The pattern with parameter names erased: two patterns with one shape match the same paths. */
  readonly shape: string;
}

const NAME = /^[A-Za-z_$][\w$]*$/;
const LITERAL = /^[\w.~!$&'()+,;=@%-]*$/;

export function parsePattern(pattern: unknown, where: string): ParsedPattern {
  const fail = (why: string): SwitchboardError =>
    new SwitchboardError('SWB_ERR_INVALID_PATTERN', `${where}: pattern ${describe(pattern)} ${why}. Use segments like '/ws/:clientId' or '/ws/{client_id}'.`);
  if (typeof pattern !== 'string') throw fail('is not a string');
  if (!pattern.startsWith('/')) throw fail("must start with '/'");
  const names: string[] = [];
  const parts = pattern.slice(1).split('/');
  const segments = parts.map((segment, index) => {
    const name = segment.startsWith(':') ? segment.slice(1) : segment.startsWith('{') && segment.endsWith('}') ? segment.slice(1, -1) : null;
    if (name === null) {
      const last = index === parts.length - 1;
      if (segment === '' && !last) throw fail('has an empty segment');
      // uWS's wildcard: only as the last segment.
      if (segment === '*' && last) return segment;
      if (!LITERAL.test(segment)) throw fail(`has an invalid segment ${JSON.stringify(segment)}`);
      return segment;
    }
    if (!NAME.test(name)) throw fail(`has an invalid parameter name ${JSON.stringify(name)}`);
    if (names.includes(name)) throw fail(`names the parameter "${name}" twice`);
    names.push(name);
    return `:${name}`;
  });
  const uws = `/${segments.join('/')}`;
  return { uws, names, shape: uws.replace(/:[^/]+/g, ':') };
}

/** A path that takes no parameters (`app.static`'s prefix, `app.serveClient`'s and `app.admin`'s paths), parsed. */
export function parseFixedPath(path: unknown, where: string, name: string): ParsedPattern {
  const pattern = parsePattern(path, where);
  if (pattern.names.length > 0) throw invalidArgument(where, name, 'a path without parameters', path);
  return pattern;
}

/** Shared by every request of a route without path parameters. */
const emptyParams: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);

/** Raw (percent-encoded) parameter values → a name → value object; 400 for malformed encoding. */
export function decodeParams(names: readonly string[], raw: readonly string[]): Readonly<Record<string, string>> {
  if (names.length === 0) return emptyParams;
  const params = Object.create(null) as Record<string, string>;
  names.forEach((name, i) => {
    try {
      params[name] = decodeURIComponent(raw[i]!);
    } catch {
      throw new HttpError(400, `Malformed percent-encoding in path parameter "${name}"`);
    }
  });
  return params;
}
