/**
 * `app.serveClient(path)`: switchboard/client as one ES module, so a page without a bundler can
 * `import { connect } from '/switchboard/client.js'`.
 *
 * Where the module comes from: the package ships it, built by `npm run build` beside the client's
 * compiled modules (dist/lib/client/index.mjs, next to this file's folder once compiled); run from the
 * sources, it is bundled from lib/client/index.ts (util/browser-module.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { browserModuleText } from '../util/browser-module';
import { SwitchboardError } from '../util/errors';
import type { HttpHandler } from './handler';

export { bundleBrowserModule as bundleClient } from '../util/browser-module';

/**
 * The client's folder: dist/lib/client in the package, lib/client in the sources. Looked up when
 * serveClient() is called, not when this module loads: an app bundled into one ES module (esbuild
 * --bundle) has no __dirname, and must still load when it does not serve the client.
 */
function clientDir(): string | null {
  return typeof __dirname === 'string' ? join(__dirname, '..', 'client') : null;
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
  return async () => new Response(await browserModuleText(built, source), { headers: { 'content-type': 'text/javascript; charset=utf-8' } });
}
