/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Suites under fixtures/ are run by other tests in a child Jest, never directly; the toolchain matrix
  // is slow and has its own config (jest.toolchains.config.js, `npm run test:toolchains`).
  testPathIgnorePatterns: ['/node_modules/', '/test/fixtures/', '/test/toolchains/'],
  transform: {
    // Compiled without design types, as esbuild/tsx/swc would: proves Robyn's positional convention.
    '^.+\\.nometa\\.test\\.ts$': ['<rootDir>/test/transpile-transform.js', { decorators: 'experimental' }],
    // Standard (TC39) decorators: their tests, and the example written with them.
    '^.+(\\.standard\\.test\\.ts|/examples/echo/[^/]+\\.ts)$': ['<rootDir>/test/transpile-transform.js', { decorators: 'standard' }],
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  // Examples import 'switchboard' as an app would; tests run them against the sources.
  moduleNameMapper: {
    '^switchboard$': '<rootDir>/lib/index.ts',
    '^switchboard/redis$': '<rootDir>/lib/redis.ts',
    '^switchboard/bus$': '<rootDir>/lib/bus.ts',
    '^switchboard/client$': '<rootDir>/lib/client/index.ts',
    '^switchboard/testing$': '<rootDir>/lib/testing.ts',
  },
  testTimeout: 15000,
};
