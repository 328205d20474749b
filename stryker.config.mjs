// @ts-check
/**
 * `npm run mutation`: mutation testing of the rules (src/domain) and the use cases
 * (src/services) against the fast suites on SQLite (vitest.mutation.config.ts). Not part
 * of CI, it takes long; incremental, so a second run only tries the mutants whose code or
 * covering tests changed (state in reports/stryker-incremental.json).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: ['src/domain/**/*.ts', 'src/services/**/*.ts', '!src/**/*.test.ts'],
  coverageAnalysis: 'perTest',
  // Constants evaluated once at import time would need every test per mutant.
  ignoreStatic: true,
  // The suites hit a database; two workers keep a 2-core machine usable.
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // Only src/, test/ and the configs are needed in the sandbox.
  ignorePatterns: ['console', 'dist', 'bench', 'docs', 'test-results', 'reports', 'test/e2e', 'test/multi-process', 'test/bench', 'test/cli', 'data', 'coverage'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
};
