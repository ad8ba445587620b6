/**
 * The external-program policy (test/external.ts), end to end: a child Jest runs a suite that needs
 * redis-server with redis-server hidden from PATH (a directory holding only node).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
let bin: string;

beforeAll(() => {
  bin = mkdtempSync(join(tmpdir(), 'swb-path-'));
  symlinkSync(process.execPath, join(bin, 'node'));
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function jestWithoutRedis(require: string): { status: number | null; output: string } {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--roots', '<rootDir>/test/fixtures/external', '--testPathIgnorePatterns', '/node_modules/'],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PATH: bin, SWITCHBOARD_TEST_REQUIRE: require } },
  );
  return { status: r.status, output: r.stdout + r.stderr };
}

test('a missing program skips its tests with one line naming it and its install command', () => {
  const { status, output } = jestWithoutRedis('');
  expect(output).toContain(
    'SKIPPED "a suite that needs redis-server" (needs-redis.test.ts): redis-server is not installed. Install it: apt-get install -y redis-server (Debian/Ubuntu), brew install redis (macOS). Set SWITCHBOARD_TEST_REQUIRE=redis-server to make its absence fail.',
  );
  expect(output).toMatch(/Tests: +1 skipped, 1 total/);
  expect(status).toBe(0);
}, 60_000);

test('SWITCHBOARD_TEST_REQUIRE makes its absence fail, saying what to install', () => {
  const { status, output } = jestWithoutRedis('chromium, redis-server');
  expect(output).toContain(
    'redis-server is not installed. Install it: apt-get install -y redis-server (Debian/Ubuntu), brew install redis (macOS). (SWITCHBOARD_TEST_REQUIRE lists it, so its absence fails the tests.)',
  );
  expect(output).toMatch(/Tests: +1 failed, 1 total/);
  expect(status).toBe(1);
}, 60_000);
