import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** The reason a suite's title carries for being skipped: `… [skipped: REASON]`. */
function skipReason(test: TestCase): string | undefined {
  return /\[skipped: ([^\]]+)\]/.exec(test.fullName)?.[1];
}

/**
 * Prints one closing line, `N passed, N failed, N skipped`, that CI reads; before it, how
 * many were skipped for each reason given in their titles (a store or browser this run
 * cannot reach), so a local run says what it did not test.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const reasons = new Map<string, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else {
          skipped += 1;
          const reason = skipReason(test);
          if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
      }
    }
    const moduleErrors = testModules.filter((m) => m.state() === 'failed' && [...m.children.allTests()].length === 0).length;
    for (const [reason, count] of reasons) process.stdout.write(`\nskipped ${count}: ${reason}`);
    process.stdout.write(`\n${passed} passed, ${failed + moduleErrors} failed, ${skipped} skipped\n`);
  }
}
