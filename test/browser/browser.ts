/**
 * Headless Chromium for page tests: Debian's /usr/bin/chromium driven by playwright-core (never a
 * downloaded browser). Without chromium, CI fails loudly; a developer machine skips with a warning.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

/** `describe` when chromium exists (or under CI, where its absence must fail); `describe.skip` otherwise. */
export function describeWithBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM) || process.env.CI) return describe(name, body);
  console.warn(`SKIPPED browser tests "${name}": ${CHROMIUM} not found (apt-get install -y chromium)`);
  describe.skip(name, body);
}

export function launch(): Promise<Browser> {
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
