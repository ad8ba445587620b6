// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
      'no-restricted-imports': ['error', { paths: [{ name: 'uWebSockets.js', message: 'Only lib/transport/uws.ts may import uWebSockets.js.' }] }],
    },
  },
  { files: ['lib/transport/uws.ts', 'benchmarks/**'], rules: { 'no-restricted-imports': 'off' } },
  {
    // Decorators only record metadata: nothing from the runtime.
    files: ['lib/decorators.ts', 'lib/metadata.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./app', './dispatch', './connector', './compile', './transport/*', './bus/*', './hub'],
              message: 'Decorators and metadata must not import the runtime.',
            },
          ],
        },
      ],
    },
  },
  {
    // The client runs in browsers: only its own modules, never the server's, Node.js's or a package.
    files: ['lib/client/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', message: 'lib/client imports only lib/client modules (it must load in a browser as one ES module).' }] },
      ],
    },
  },
  // Type tests hold deliberate type errors, which tstyche asserts: rules that need types would trip on them.
  { files: ['test/client/types/**'], ...tseslint.configs.disableTypeChecked },
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
