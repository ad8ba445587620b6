/**
 * Finds a native uWebSockets.js build for this Node.js and libc, once, when the first App asks (never at
 * `require('switchboard')`: a missing build must not print anything to an app that uses the portable
 * transport). uWS.js publishes one binary per Node ABI and links it against a given glibc, so no single
 * package loads everywhere; the builds are tried in order:
 *
 * 1. the package named `uWebSockets.js`: by default the registry build of uWS.js v20.57 (Node 20, 22, 24
 *    and 25 on glibc 2.38 or later), or whatever the app maps that name to with npm `overrides` (the
 *    official GitHub build, say);
 * 2. `uws-js-v20.30`, the registry build of uWS.js v20.30 (Node 16, 18 and 20 on older glibc).
 *
 * The binary is required directly, not through the package's entry point: v20.30's entry falls back to a
 * slow pure-JS port when its binary fails to load, which is refused here (it counts as "did not load").
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as uWS from 'uWebSockets.js';

/** The uWS.js module as its native binary exports it. */
export type NativeUws = typeof uWS;

/** A native build that loaded, and which one it is (`uWebSockets.js@20.57.0 (@btc-vision/uwebsockets.js)`). */
export interface LoadedUws {
  readonly uws: NativeUws;
  readonly build: string;
}

/** Either the build that loaded, or why none did. */
export type UwsLoad = { readonly loaded: LoadedUws } | { readonly report: string };

/** The package names tried, in order (see the module comment). */
export const UWS_BUILDS: readonly string[] = ['uWebSockets.js', 'uws-js-v20.30'];

interface PackageInfo {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
}

/** The package's own directory and package.json, found from its entry point (v20.57 exports no ./package.json). */
function packageOf(name: string): PackageInfo {
  let dir = dirname(require.resolve(name));
  for (let up = 0; up < 3 && !existsSync(join(dir, 'package.json')); up++) dir = dirname(dir);
  const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
  return { dir, name: json.name ?? name, version: json.version ?? 'unknown' };
}

/** uWS.js's binary naming: uws_<platform>_<arch>_<ABI>.node, at the package root or in binaries/. */
const binaryName = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
const binaryPattern = new RegExp(`^uws_${process.platform}_${process.arch}_(\\d+)\\.node$`);

/** The ABIs a package has binaries for on this platform and architecture, for the report. */
function abisIn(dirs: readonly string[]): string {
  const abis = dirs.flatMap((d) => (existsSync(d) ? readdirSync(d) : [])).flatMap((f) => binaryPattern.exec(f)?.[1] ?? []);
  return abis.length === 0 ? 'none' : abis.sort((a, b) => Number(a) - Number(b)).join(', ');
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
}

/** Loads one build's binary; throws with a one-line reason when it cannot. */
function loadBuild(name: string): LoadedUws {
  let info: PackageInfo;
  try {
    info = packageOf(name);
  } catch {
    throw new Error('not installed');
  }
  const dirs = [info.dir, join(info.dir, 'binaries')];
  const binary = dirs.map((d) => join(d, binaryName)).find((path) => existsSync(path));
  if (binary === undefined) throw new Error(`${info.name}@${info.version} has no binary for this Node.js ABI (it has ${abisIn(dirs)})`);
  let uws: NativeUws;
  try {
    // require(), not process.dlopen(): Node loads an addon once per process and hands the same exports to
    // every later require. A second dlopen initialises uWS again in the same process (Jest runs test files
    // in one process, each with its own module registry), and the process crashed at exit (SIGSEGV).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native addon by path, chosen at run time
    uws = require(binary) as NativeUws;
  } catch (error) {
    throw new Error(`${info.name}@${info.version}: ${firstLine(error)}`);
  }
  const label = info.name === name ? `${name}@${info.version}` : `${name}@${info.version} (${info.name})`;
  return { uws, build: label };
}

/** glibc's version, or musl (Node.js reports no glibc version there). */
function libc(): string {
  const { header } = process.report.getReport() as { header: { glibcVersionRuntime?: string } };
  return header.glibcVersionRuntime === undefined ? 'musl or another libc (no glibc)' : `glibc ${header.glibcVersionRuntime}`;
}

let cached: UwsLoad | null = null;

/** The first build of UWS_BUILDS that loads, or a report naming the Node ABI, the libc and what each build said. Tried once per process. */
export function loadUws(): UwsLoad {
  if (cached !== null) return cached;
  const failures: string[] = [];
  for (const name of UWS_BUILDS) {
    try {
      cached = { loaded: loadBuild(name) };
      return cached;
    } catch (error) {
      failures.push(`${name}: ${firstLine(error)}`);
    }
  }
  const where = `Node.js ${process.version} (ABI ${process.versions.modules}) on ${process.platform}-${process.arch} with ${libc()}`;
  cached = { report: `no native uWebSockets.js build loads on ${where}. Tried ${failures.join('; ')}.` };
  return cached;
}

/**
 * The native uWebSockets.js build this process loads, or null when none does (Apps then use the portable transport).
 * @example
 * console.log(uwsBuild()); // 'uWebSockets.js@20.57.0 (@btc-vision/uwebsockets.js)'
 */
export function uwsBuild(): string | null {
  const load = loadUws();
  return 'loaded' in load ? load.loaded.build : null;
}
