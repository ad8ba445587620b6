/**
 * The toolchain matrix (test/toolchains): the packed package installed beside each compiler and bundler,
 * outside the repository. Slow (npm installs, builds), so CI runs it apart from `npm test`.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/toolchains'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  // The first tests wait for the installs; builds under TypeScript 5.9 and 6 take seconds each.
  testTimeout: 300000,
  // Rows build and run side by side, a few at a time (the machine has few cores).
  maxConcurrency: 3,
};
