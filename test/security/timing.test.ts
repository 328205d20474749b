import { afterEach, expect, it } from 'vitest';
import { createArgon2Hasher } from '../../src/adapters/password-hasher.js';
import { buildApp, type HttpApp } from '../../src/http/app.js';
import type { Deps } from '../../src/services/deps.js';
import { prepareLogin } from '../../src/services/login.js';
import { addMember, createAccount } from '../../src/services/operator.js';
import { describeEachDialect } from '../support/database.js';
import { median, medianConfidenceInterval, timePairs } from '../support/timing.js';
import { createHarness, type Harness } from '../support/harness.js';

/**
 * SPEC: "Unknown email and wrong password give the same answer, in body and in time." With
 * the production argon2id cost (not the harness's fast hasher), logins are timed in
 * interleaved pairs (one unknown email, one known email with a wrong password, the order
 * alternating), so a burst of machine load hits both sides of a pair alike. The test fails
 * when the paired differences show, with 95 % confidence, a gap beyond 10 % of the median
 * login time: a skipped hash (unknown emails ~50 × faster) fails it in every run, while the
 * noise of a busy machine widens the interval instead of failing it.
 */

const PAIRS = 100;
const WARM_UP = 6;
/** The largest gap tolerated, as a fraction of the median login time. */
const MAX_GAP = 0.1;
const KNOWN_PASSWORD = 'a long and perfectly fine passphrase';

describeEachDialect('login timing with the real argon2id hasher (%s)', (dialect) => {
  let h: Harness;
  let app: HttpApp | undefined;
  afterEach(async () => {
    await app?.close();
    await h?.close();
  });

  it('an unknown email and a known email with a wrong password take the same time and get the same body', { timeout: 240_000 }, async () => {
    h = await createHarness(dialect);
    const deps: Deps = { ...h.deps, hasher: createArgon2Hasher() };
    app = await buildApp(deps);
    const { workspaceId } = await h.tenant('Acme');
    // One known and one unknown email per pair, each tried once, so both sides meet the same
    // throttle bookkeeping (a new counter) and only the account lookup and the hash differ.
    const knownEmails = Array.from({ length: WARM_UP + PAIRS }, (_, i) => `known-${i}@example.com`);
    const unknownEmails = Array.from({ length: WARM_UP + PAIRS }, (_, i) => `ghost-${i}@example.com`);
    for (const email of knownEmails) {
      await createAccount(deps, { email, name: 'Known', password: KNOWN_PASSWORD });
      await addMember(deps, { workspaceId, email, role: 'developer' });
    }
    await prepareLogin(deps);

    let request = 0;
    /** One wrong login, timed; a new hour and a new address each time, so no throttle delays it. */
    async function timedLogin(email: string) {
      request += 1;
      h.clock.advanceSeconds(3600);
      const started = process.hrtime.bigint();
      const response = await app!.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: `wrong password number ${request}` },
        remoteAddress: `10.77.${Math.floor(request / 250)}.${(request % 250) + 1}`,
      });
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      return { elapsedMs, status: response.statusCode, body: response.body };
    }

    const { bodies, knownTimes, unknownTimes, differences } = await timePairs(
      timedLogin,
      knownEmails.slice(0, WARM_UP + PAIRS),
      unknownEmails.slice(0, WARM_UP + PAIRS),
      {
        warmUp: WARM_UP,
        status: 401,
      },
    );

    const typical = median([...knownTimes, ...unknownTimes]);
    const gap = median(differences);
    const interval = medianConfidenceInterval(differences);
    const bound = MAX_GAP * typical;
    console.log(
      `timing (${dialect}): ${PAIRS} pairs, unknown email median ${median(unknownTimes).toFixed(2)} ms, known email + wrong password median ` +
        `${median(knownTimes).toFixed(2)} ms; paired difference median ${gap.toFixed(2)} ms, 95 % interval ` +
        `[${interval.low.toFixed(2)}, ${interval.high.toFixed(2)}] ms, bound ±${bound.toFixed(2)} ms`,
    );

    expect(bodies.size).toBe(1);
    expect(JSON.parse([...bodies][0]!).code).toBe('invalid_credentials');
    // Refused only when the whole interval lies beyond the bound: a real difference.
    expect(interval.low, 'known emails are slower than unknown ones beyond the bound').toBeLessThanOrEqual(bound);
    expect(interval.high, 'unknown emails are slower than known ones beyond the bound').toBeGreaterThanOrEqual(-bound);
    // Both sides ran the real hash (a skipped hash takes well under a millisecond).
    expect(Math.min(median(unknownTimes), median(knownTimes))).toBeGreaterThan(5);
  });
});
