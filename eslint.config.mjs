// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const uws = { name: 'uWebSockets.js', message: 'Only lib/transport/uws.ts and its loader, lib/transport/uws-loader.ts, may name uWebSockets.js.' };

/**
 * lib/'s layers, bottom first, and what each may import (besides its own folder). Type imports count:
 * a layer must not even name the types of a layer above it. docs/architecture.md draws the same picture.
 */
const layers = {
  contract: [],
  client: ['contract'],
  util: ['contract'],
  declare: ['util', 'contract'],
  transport: ['util', 'contract'],
  bus: ['transport', 'util', 'contract'],
  compile: ['declare', 'util', 'contract'],
  runtime: ['compile', 'declare', 'bus', 'transport', 'util', 'contract'],
  http: ['compile', 'declare', 'transport', 'util', 'contract'],
  cluster: ['transport', 'util', 'contract'],
  operate: ['compile', 'declare', 'bus', 'transport', 'util', 'contract'],
  testing: ['util', 'contract'],
};
const folders = Object.keys(layers);
/** Modules inside a layer that the layers above it still may not import (the transports themselves and the choice between them). */
const sealed = { transport: ['uws', 'uws-loader', 'node', 'choose'] };
/** The composition root and the entry points, which no layer imports. */
const roots = ['../app', '../app-options', '../index', '../redis', '../testing'];

/** The import rule of one layer; `files` narrows it (transport/uws.ts is the one file allowed uWS). */
function layerRule(layer, allowed, files = [`lib/${layer}/**/*.ts`], paths = [uws]) {
  const forbidden = folders.filter((f) => f !== layer && !allowed.includes(f));
  const groups = [...forbidden.map((f) => `../${f}/*`), ...allowed.flatMap((f) => (sealed[f] ?? []).map((m) => `../${f}/${m}`)), ...roots];
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths,
          patterns: [
            {
              group: groups,
              message: `lib/${layer}/ may import only ${allowed.map((f) => `lib/${f}/`).join(', ') || 'its own folder'} (and not the transports themselves: transport/uws, uws-loader, node, choose): see docs/architecture.md.`,
            },
          ],
        },
      ],
    },
  };
}

/** The layers that run in browsers have a stricter rule of their own, below: the folders they name and nothing else. */
const browser = ['contract', 'client'];
const layerRules = [
  ...Object.entries(layers)
    .filter(([layer]) => !browser.includes(layer))
    .map(([layer, allowed]) => layerRule(layer, allowed)),
  layerRule('transport', layers.transport, ['lib/transport/uws.ts', 'lib/transport/uws-loader.ts'], []),
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'benchmarks/node_modules/', 'benchmarks/results/', 'coverage/', 'test-artifacts/', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Handlers may be sync or async by design: the runtime awaits what they return.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      'no-restricted-imports': ['error', { paths: [uws] }],
    },
  },
  ...layerRules,
  { files: ['benchmarks/**'], rules: { 'no-restricted-imports': 'off' } },
  // The contract and the client run in browsers: their own modules (and the client the contract), never the
  // server's, Node.js's or a package.
  ...browser.map((layer) => ({
    files: [`lib/${layer}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(?!${['./', ...layers[layer].map((f) => `../${f}/`)].map((p) => p.replaceAll('.', '\\.')).join('|')})`,
              message: `lib/${layer} imports only ${[layer, ...layers[layer]].map((f) => `lib/${f}`).join(' and ')} modules (it must load in a browser as one ES module).`,
            },
          ],
        },
      ],
    },
  })),
  // Type tests hold deliberate type errors, which tstyche asserts: rules that need types would trip on them.
  { files: ['test/types/**'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['test/**'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/class-methods-use-this': 'off',
    },
  },
);
