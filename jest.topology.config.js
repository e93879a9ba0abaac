/**
 * The topology run: named suites against the production shape (test/setup/topology-setup.ts) instead of the
 * dev server — the real Temporal server on PostgreSQL, two worker processes, two API replicas taking requests
 * in turn. `npm test` runs it after the main suite; alone: `npx jest -c jest.topology.config.js`.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  testEnvironment: base.testEnvironment,
  transform: base.transform,
  testMatch: [
    // Proofs about the topology itself; *.spec.ts so that the main run (test/**/*.test.ts) leaves them out.
    '<rootDir>/test/topology/**/*.spec.ts',
    '<rootDir>/test/api/case-lifecycle.test.ts',
    '<rootDir>/test/api/case-clocks.test.ts',
    '<rootDir>/test/api/clock-edges.test.ts',
    '<rootDir>/test/api/alerts-worked.test.ts',
    '<rootDir>/test/api/bad-input.test.ts',
    '<rootDir>/test/api/worked-examples.test.ts',
    '<rootDir>/test/api/reproject.test.ts',
    // Not here: files that need a database of their own (case lists, KPIs, the public board count every case of
    // the database), and calendar-and-sla, which reads an override back at once from the other replica: each API
    // process caches the calendar for 30 s (db/work-calendar.ts), so replicas agree only after that.
  ],
  globalSetup: '<rootDir>/test/setup/topology-setup.ts',
  globalTeardown: '<rootDir>/test/setup/topology-teardown.ts',
  testTimeout: 90_000,
  // One file at a time: the files share the topology's one database, as a city's processes do.
  maxWorkers: 1,
};
