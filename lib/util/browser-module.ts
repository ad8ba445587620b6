/**
 * A browser module the app serves (the client for `app.serveClient()`, the inspection page's script):
 * read from its built file, or bundled from its TypeScript source when there is none.
 *
 * The package ships the built file, made by `npm run build`. Run from the sources instead (ts-jest,
 * ts-node in this repository) there is no built file next to lib/: the module is bundled from its
 * source with esbuild, the same way the build does it, once per process. Reading the repository's dist/
 * instead would serve whatever was built last, not the sources under test.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** esbuild's options for a browser module: minified, no dependencies, for browsers with ES2022. */
const BUNDLE = { bundle: true, format: 'esm', minify: true, target: 'es2022', platform: 'neutral', write: false, logLevel: 'warning' } as const;

/** Bundles under way in this process (and this copy of esbuild: Jest loads one per test file). */
let bundling = 0;

/**
 * Bundles a browser module from its entry with esbuild (a development dependency: needed only to
 * build, never by an installed package). `npm run build` uses this too.
 *
 * esbuild's build() starts a service process and keeps it for later builds. A process bundles each module
 * once, so the service is stopped when no bundle is under way: otherwise every copy of esbuild a test run
 * loads leaves one behind until the run ends.
 * @internal
 */
export async function bundleBrowserModule(entry: string): Promise<string> {
  const esbuild = await import('esbuild');
  bundling++;
  try {
    const result = await esbuild.build({ ...BUNDLE, entryPoints: [entry] });
    return result.outputFiles[0]!.text;
  } finally {
    if (--bundling === 0) await esbuild.stop();
  }
}

/** The module's text by built path, loaded once per process (a failed load is tried again on the next request). */
const loaded = new Map<string, Promise<string>>();

/** The text of the module built at `built`, else bundled from `source`. */
export function browserModuleText(built: string, source: string): Promise<string> {
  let text = loaded.get(built);
  if (text === undefined) {
    text = existsSync(built) ? readFile(built, 'utf8') : bundleBrowserModule(source);
    loaded.set(built, text);
    text.catch(() => loaded.delete(built));
  }
  return text;
}
