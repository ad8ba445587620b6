/**
 * `app.serveClient(path)`: switchboard/client as one ES module, so a page without a bundler can
 * `import { connect } from '/switchboard/client.js'`.
 *
 * Where the module comes from: the package ships it, built by `npm run build` beside the client's
 * compiled modules (dist/lib/client/index.mjs, next to this file's folder once compiled), and it is read
 * from there. Run from the sources instead (ts-jest, ts-node in this repository), there is no built
 * file next to lib/: the module is bundled from lib/client/index.ts with esbuild, the same way the build
 * does it, once per process. Reading the repository's dist/ instead would serve whatever was built last,
 * not the sources under test.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SwitchboardError } from '../util/errors';
import type { HttpHandler } from './handler';

/** esbuild's options for the browser module: minified, no dependencies, for browsers with ES2022. */
const BUNDLE = { bundle: true, format: 'esm', minify: true, target: 'es2022', platform: 'neutral', write: false, logLevel: 'warning' } as const;

/**
 * Bundles the client from its entry module with esbuild (a development dependency: needed only to
 * build, never by an installed package). `npm run build` uses this too.
 * @internal
 */
export async function bundleClient(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({ ...BUNDLE, entryPoints: [entry] });
  return result.outputFiles[0]!.text;
}

/**
 * The client's folder: dist/lib/client in the package, lib/client in the sources. Looked up when
 * serveClient() is called, not when this module loads: an app bundled into one ES module (esbuild
 * --bundle) has no __dirname, and must still load when it does not serve the client.
 */
function clientDir(): string | null {
  return typeof __dirname === 'string' ? join(__dirname, '..', 'client') : null;
}

/** The module's text by folder, loaded once per process (a failed load is tried again on the next request). */
const loaded = new Map<string, Promise<string>>();

function load(built: string, source: string): Promise<string> {
  let text = loaded.get(built);
  if (text === undefined) {
    text = existsSync(built) ? readFile(built, 'utf8') : bundleClient(source);
    loaded.set(built, text);
    text.catch(() => loaded.delete(built));
  }
  return text;
}

/**
 * The handler that serves the client module of `dir` (the client's folder; a test names another);
 * throws now when it has neither the built module nor the sources.
 */
export function clientModuleHandler(where: string, dir = clientDir()): HttpHandler {
  const built = join(dir ?? '.', 'index.mjs');
  const source = join(dir ?? '.', 'index.ts');
  if (dir === null || (!existsSync(built) && !existsSync(source)))
    throw new SwitchboardError(
      'SWB_ERR_CLIENT_NOT_BUILT',
      `${where}: the client module ${dir === null ? 'cannot be located (switchboard was bundled into an ES module)' : `${built} is missing`}. ` +
        'The package ships it as dist/lib/client/index.mjs, made by `npm run build` (a build by tsc alone leaves it out). ' +
        'An app bundled with switchboard inside does not carry it: keep switchboard external (esbuild --packages=external), or serve a copy with app.static().',
    );
  return async () => new Response(await load(built, source), { headers: { 'content-type': 'text/javascript; charset=utf-8' } });
}
