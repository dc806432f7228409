/** The fault suite (`npm run test:faults`): the same harness as jest.config.js, only test/faults/. */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // Fault tests start their own processes (redis-server, workers) and wait out retry windows.
  testTimeout: 60000,
};
