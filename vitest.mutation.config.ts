import { defineConfig } from 'vitest/config';

/**
 * The fast suites `npm run mutation` (Stryker) runs for every mutant: domain, services,
 * HTTP, security and store tests on SQLite. Browser, CLI, multi-process, benchmark, timing
 * and fuzz suites are left out as too slow to repeat per mutant; `npm test` runs them.
 */
export default defineConfig({
  test: {
    include: ['test/domain/**/*.test.ts', 'test/services/**/*.test.ts', 'test/http/**/*.test.ts', 'test/security/**/*.test.ts', 'test/store/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['test/security/timing.test.ts', 'test/security/fuzz.test.ts', '**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Stryker runs the files in one worker thread; without isolation the modules load once
    // per run instead of once per file (about three times faster). Each test builds its own
    // database, app and clock, so no state leaks between files.
    pool: 'threads',
    isolate: false,
    // SQLite only: PostgreSQL would double the time of every mutant (CI runs both dialects).
    env: { TEST_DATABASE_URL: '', CI: '' },
  },
});
