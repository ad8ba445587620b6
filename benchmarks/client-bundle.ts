/**
 * The browser build of switchboard/client: lib/client and the contract it imports (lib/contract) bundled
 * by esbuild into one minified ES module, dist/lib/client/index.mjs, which a page without a bundler can
 * import (app.serveClient() serves it; lib/util/browser-module.ts holds the esbuild options). `npm run build` runs this and
 * fails when the module is over its budget, 4 KB minified and gzipped (level 9). `--record` also writes
 * benchmarks/results/client-size-<date>.json, which docs/benchmarks.md includes.
 *
 *   node dist/benchmarks/client-bundle.js [--record]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { version } from 'esbuild';
import { bundleClient } from '../lib/http/client-module';
import type { ClientSizeFile } from './results';

export const CLIENT_BUDGET_BYTES = 4096;

export function gzipBytes(code: string): number {
  return gzipSync(code, { level: 9 }).byteLength;
}

async function main(): Promise<number> {
  // This file compiles to dist/benchmarks/client-bundle.js.
  const root = path.resolve(__dirname, '..', '..');
  const code = await bundleClient(path.join(root, 'lib', 'client', 'index.ts'));
  const out = path.join(root, 'dist', 'lib', 'client', 'index.mjs');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, code);
  const minified = Buffer.byteLength(code);
  const gzip = gzipBytes(code);
  const verdict = gzip <= CLIENT_BUDGET_BYTES ? 'within' : 'OVER';
  console.log(`switchboard/client: ${path.relative(root, out)} ${minified} B minified, ${gzip} B min+gzip, ${verdict} the budget of ${CLIENT_BUDGET_BYTES} B`);
  if (process.argv.includes('--record')) {
    const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
    const dirty = spawnSync('git', ['status', '--porcelain', '--', 'lib/client', 'lib/contract'], { cwd: root, encoding: 'utf8' }).stdout !== '';
    const file: ClientSizeFile = {
      date: new Date().toISOString(),
      gitRevision: `${rev}${dirty ? '+dirty' : ''}`,
      esbuild: version,
      minifiedBytes: minified,
      gzipBytes: gzip,
      budgetBytes: CLIENT_BUDGET_BYTES,
    };
    const results = path.join(root, 'benchmarks', 'results', `client-size-${file.date.slice(0, 10)}.json`);
    fs.writeFileSync(results, `${JSON.stringify(file, null, 2)}\n`);
    console.log(`results: ${path.relative(root, results)}`);
  }
  return gzip <= CLIENT_BUDGET_BYTES ? 0 : 1;
}

if (require.main === module)
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
