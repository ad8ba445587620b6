/** The soak suite (`npm run test:soak`): heavy load tests, counts from the environment (see test/reliability/soak). */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/reliability/soak'],
  testMatch: ['**/*.soak.ts'],
  testTimeout: 300000,
  maxWorkers: 1,
};
