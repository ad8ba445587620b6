/**
 * Headless Chromium for page tests: Debian's /usr/bin/chromium driven by playwright-core (never a
 * downloaded browser). Suites using it run under describeNeeding('chromium') (test/external.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from '../external';

export const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-quic',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Chromium for the tests of the enclosing describe: launched before the first, closed after the last.
 * Call it in the describe body; inside a test, the function it returns gives the running browser.
 */
export function chromiumForSuite(): () => Browser {
  let browser: Browser | null = null;
  beforeAll(async () => {
    browser = await launch();
  }, 30000);
  afterAll(() => browser?.close());
  return () => browser!;
}
