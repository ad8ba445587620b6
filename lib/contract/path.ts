/**
 * Route patterns as a channel states them: the path parameters a pattern declares, as a type and at run
 * time, and the path a connection asks for (switchboard/client's and the testing kit's). Both spellings
 * the server accepts: `/chat/:room` and `/chat/{room}`.
 */
import { describe, usageError } from './errors';

type Segments<P extends string> = P extends `${infer Head}/${infer Rest}` ? Head | Segments<Rest> : P;
type ParamName<S extends string> = S extends `:${infer Name}` ? Name : S extends `{${infer Name}}` ? Name : never;

/**
 * The path parameters of a pattern, each a string.
 * @example
 * type P = PathParams<'/chat/{room}/:user'>; // { room: string; user: string }
 */
export type PathParams<P extends string> = { [K in ParamName<Segments<P>>]: string };

/** The parameter name of one segment, or null for a literal segment. */
function paramOf(segment: string): string | null {
  if (segment.startsWith(':')) return segment.slice(1);
  return segment.startsWith('{') && segment.endsWith('}') ? segment.slice(1, -1) : null;
}

/** Throws unless `pattern` is a string starting with '/'; the server checks the rest when it registers the route. */
export function checkPattern(pattern: unknown, where: string): asserts pattern is string {
  if (typeof pattern !== 'string' || !pattern.startsWith('/'))
    throw usageError('SWB_ERR_INVALID_PATTERN', `${where}: pattern must be a string starting with '/' (like '/chat/{room}'), got ${describe(pattern)}`);
}

/**
 * The path of `pattern` with each parameter replaced by its percent-encoded value; throws for a
 * missing parameter or one the pattern does not declare.
 */
export function fillPath(pattern: string, params: Readonly<Record<string, unknown>>): string {
  const names: string[] = [];
  const path = pattern
    .split('/')
    .map((segment) => {
      const name = paramOf(segment);
      if (name === null) return segment;
      names.push(name);
      const value = params[name];
      if (typeof value !== 'string') throw usageError('SWB_ERR_INVALID_OPTION', `connect(): params.${name} must be a string, got ${describe(value)}`);
      return encodeURIComponent(value);
    })
    .join('/');
  for (const name of Object.keys(params))
    if (!names.includes(name)) throw usageError('SWB_ERR_INVALID_OPTION', `connect(): params.${name} is not a parameter of ${pattern}`);
  return path;
}
