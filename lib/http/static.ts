/**
 * `app.static(prefix, dir)`: files under a directory, with their content types, `index.html` for
 * directories, and no way out of the directory (`..`, `%2e%2e`, symlinks pointing outside all give 404).
 */
import { realpathSync, statSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { parseFixedPath } from '../compile/pattern';
import { HttpError, invalidArgument } from '../util/errors';
import type { HttpHandler } from './handler';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/**
 * `app.static(prefix, directory)`'s arguments checked, the directory included (it must exist now): the
 * route's path, `<prefix>/*`, and its handler.
 */
export function staticRoute(prefix: string, directory: string): { readonly path: string; readonly handler: HttpHandler } {
  const where = 'app.static(prefix, directory)';
  const pattern = parseFixedPath(prefix, where, 'prefix');
  if (typeof directory !== 'string' || directory === '') throw invalidArgument(where, 'directory', 'a directory path', directory);
  let root: string;
  try {
    root = realpathSync(directory);
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
  } catch {
    throw invalidArgument(where, 'directory', 'an existing directory', directory);
  }
  const base = pattern.uws.replace(/\/$/, '');
  return { path: `${base}/*`, handler: staticHandler(base === '' ? '/' : base, root) };
}

/** `root` must be the real path (symlinks resolved) of the served directory. */
function staticHandler(prefix: string, root: string): HttpHandler {
  const strip = prefix === '/' ? 0 : prefix.length;
  return async (req) => {
    let relative: string;
    try {
      relative = decodeURIComponent(req.url.slice(strip));
    } catch {
      throw new HttpError(400, 'Malformed percent-encoding in the path');
    }
    if (relative.includes('\0')) throw new HttpError(400, 'Invalid path');
    let file = resolve(root, `.${sep}${relative}`);
    if (!inside(root, file)) throw new HttpError(404, 'Not Found');
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      // Resolve symlinks last: a link inside the directory may point anywhere.
      const real = await realpath(file);
      if (!inside(root, real) || !(await stat(real)).isFile()) throw new HttpError(404, 'Not Found');
      const body = await readFile(real);
      return new Response(body, { headers: { 'content-type': contentTypes[extname(real).toLowerCase()] ?? 'application/octet-stream' } });
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(404, 'Not Found');
    }
  };
}
