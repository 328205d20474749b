import { afterEach, expect, it } from 'vitest';
import { prepareLogin } from '../../src/services/login.js';
import { addMember, createAccount } from '../../src/services/operator.js';
import { describeEachDialect } from '../support/database.js';
import { median, medianConfidenceInterval, timePairs } from '../support/timing.js';
import { createHarness, type Harness } from '../support/harness.js';

/**
 * Issue 17: "Forgot password" answers 202 the same way for an email with an account and one
 * without, in body and in time. Measured like the login timing test (timing.test.ts):
 * requests timed in interleaved pairs, one unknown and one known email, the order
 * alternating; the test fails when the paired differences show, with 95 % confidence, a
 * gap beyond 10 % of the median request time. After each known email's request the test
 * waits for its link to be written and mailed (that happens after the answer), so that
 * work never lands inside the next timed request.
 */

const PAIRS = 100;
const WARM_UP = 6;
const MAX_GAP = 0.1;

describeEachDialect('password reset request timing (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('a known and an unknown email get the same 202, byte for byte, in the same time', { timeout: 240_000 }, async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    const knownEmails = Array.from({ length: WARM_UP + PAIRS }, (_, i) => `known-${i}@example.com`);
    const unknownEmails = Array.from({ length: WARM_UP + PAIRS }, (_, i) => `ghost-${i}@example.com`);
    for (const email of knownEmails) {
      await createAccount(h.deps, { email, name: 'Known', password: 'a long and perfectly fine passphrase' });
      await addMember(h.deps, { workspaceId, email, role: 'developer' });
    }
    await prepareLogin(h.deps);

    let request = 0;
    /** One reset request, timed; a new hour and a new address each time, so no limit answers it. */
    async function timedRequest(email: string) {
      request += 1;
      h.clock.advanceSeconds(3600);
      const started = process.hrtime.bigint();
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset',
        payload: { email },
        remoteAddress: `10.78.${Math.floor(request / 250)}.${(request % 250) + 1}`,
      });
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      // The link goes out after the answer: let that finish (and pause alike after every
      // request), so it never runs inside the next timed request.
      if (email.startsWith('known-')) await expect.poll(() => h.mailer.to(email).length, { interval: 1 }).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { elapsedMs, status: response.statusCode, body: response.body };
    }

    const { bodies, knownTimes, unknownTimes, differences } = await timePairs(
      timedRequest,
      knownEmails.slice(0, WARM_UP + PAIRS),
      unknownEmails.slice(0, WARM_UP + PAIRS),
      {
        warmUp: WARM_UP,
        status: 202,
      },
    );

    const typical = median([...knownTimes, ...unknownTimes]);
    const gap = median(differences);
    const interval = medianConfidenceInterval(differences);
    const bound = MAX_GAP * typical;
    console.log(
      `password reset timing (${dialect}): ${PAIRS} pairs, unknown email median ${median(unknownTimes).toFixed(3)} ms, known email median ` +
        `${median(knownTimes).toFixed(3)} ms; paired difference median ${gap.toFixed(3)} ms, 95 % interval ` +
        `[${interval.low.toFixed(3)}, ${interval.high.toFixed(3)}] ms, bound ±${bound.toFixed(3)} ms`,
    );

    expect(bodies.size).toBe(1);
    expect(JSON.parse([...bodies][0]!)).toEqual({ expiresInMinutes: 30 });
    // No mail to an email without an account.
    expect(unknownEmails.flatMap((email) => h.mailer.to(email))).toEqual([]);
    expect(interval.low, 'known emails are slower than unknown ones beyond the bound').toBeLessThanOrEqual(bound);
    expect(interval.high, 'unknown emails are slower than known ones beyond the bound').toBeGreaterThanOrEqual(-bound);
  });
});
