import { defineConfig } from 'vitest/config';

/**
 * Files that measure time (response-time equality, the bench smoke run) or follow the real
 * clock across TOTP steps: they run alone, after everything else, so the parallel files'
 * load cannot move their figures.
 */
const ALONE = ['test/security/timing.test.ts', 'test/security/password-reset-timing.test.ts', 'test/bench/smoke.test.ts', 'test/e2e/verifier-hints.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: ALONE,
          // Most files wait on a browser, a child process or a database: with two at a time a
          // CI run's test processes used about 1.2 of the 2 cores, three use more of them
          // (Vitest's default is one fewer than the cores: one here).
          maxWorkers: 3,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
