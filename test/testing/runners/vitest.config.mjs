// The vitest demo of switchboard/testing: `npx vitest run --config test/testing/runners/vitest.config.mjs`.
// vitest compiles with esbuild, which has no decorator metadata: routes get positional parameters there.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export default defineConfig({
  root,
  resolve: {
    alias: [
      { find: /^switchboard$/, replacement: `${root}lib/index.ts` },
      { find: /^switchboard\/testing$/, replacement: `${root}lib/testing.ts` },
    ],
  },
  test: { include: ['test/testing/runners/*.vitest.ts'] },
});
