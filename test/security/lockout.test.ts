import { afterEach, expect, it } from 'vitest';
import { resetAccountTwoFactor } from '../../src/services/operator.js';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

/**
 * SPEC "Rules that keep it safe": repeated second-factor failures lock verification for the
 * account (429 + Retry-After, an email to the owner), locks grow, and never more than 100
 * consecutive failures are possible (NIST SP 800-63B §5.2.2).
 */

const EMAIL = 'alice@example.com';
const LOCKED_SUBJECT = 'Mini Program Platform: Second-factor verification was locked';
/** Wrong codes sent per challenge: below the 5 that kill a challenge, so every one is counted. */
const CODES_PER_CHALLENGE = 4;

function expectLocked(response: ApiResponse): number {
  expectProblem(response, 429, 'too_many_attempts');
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(response.sessionCookie).toBeUndefined();
  return retryAfter;
}

describeEachDialect('second-factor lockout (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function aliceWithTotp(): Promise<Uint8Array> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    const { key } = await h.activateTotp(await h.loginSession(EMAIL));
    return key;
  }

  async function startLogin(email = EMAIL): Promise<string> {
    const response = await h.api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.status).toBe('second_factor_required');
    return response.body.challenge.id;
  }

  function verify(challengeId: string, method: string, code: string): Promise<ApiResponse> {
    return h.api('POST', `/api/v1/auth/challenges/${encodeURIComponent(challengeId)}/verify`, { body: { method, code } });
  }

  /** A six-digit code the key produces nowhere near now. */
  function wrongCode(key: Uint8Array): string {
    const near = new Set(Array.from({ length: 41 }, (_, i) => h.totp(key, (i - 20) * 30)));
    for (let n = 0; ; n += 1) {
      const candidate = String(n).padStart(6, '0');
      if (!near.has(candidate)) return candidate;
    }
  }

  /** Fires `count` wrong codes at once (Promise.all), spread over several fresh challenges. */
  async function failInParallel(key: Uint8Array, count: number): Promise<ApiResponse[]> {
    const challenges: string[] = [];
    for (let i = 0; i < Math.ceil(count / CODES_PER_CHALLENGE); i += 1) challenges.push(await startLogin());
    const wrong = wrongCode(key);
    return Promise.all(Array.from({ length: count }, (_, i) => verify(challenges[Math.floor(i / CODES_PER_CHALLENGE)]!, 'totp', wrong)));
  }

  async function lockState(email = EMAIL) {
    const row = await h.deps.db
      .selectFrom('accounts')
      .select(['second_factor_failures', 'second_factor_locked_until'])
      .where('email_key', '=', email)
      .executeTakeFirstOrThrow();
    return { failures: Number(row.second_factor_failures), lockedUntil: row.second_factor_locked_until };
  }

  function lockedMails(email = EMAIL): number {
    return h.mailer.to(email).filter((m) => m.subject === LOCKED_SUBJECT).length;
  }

  it('ten wrong codes fired in parallel over several challenges lock verification; a correct code is then refused', async () => {
    const key = await aliceWithTotp();
    const responses = await failInParallel(key, 10);

    const locked = responses.filter((r) => r.status === 429);
    const refused = responses.filter((r) => r.status === 401);
    expect(locked).toHaveLength(1);
    expect(refused).toHaveLength(9);
    for (const r of refused) expectProblem(r, 401, 'invalid_code');
    expect(expectLocked(locked[0]!)).toBe(60);
    expect(locked[0]!.body.retryAfterSeconds).toBe(60);
    expect(await lockState()).toEqual({ failures: 10, lockedUntil: new Date(h.clock.now().getTime() + 60_000).toISOString() });

    const correct = await verify(await startLogin(), 'totp', h.totp(key));
    expectLocked(correct);
    expect(await lockState()).toMatchObject({ failures: 10 });
    expect(await h.deps.db.selectFrom('sessions').select('id').where('second_factor_verified', '=', 1).execute()).toEqual([]);
    expect(lockedMails()).toBe(1);
  });

  it('the lock ends after Retry-After seconds, and a correct code then signs in and clears the count', async () => {
    const key = await aliceWithTotp();
    const retryAfter = expectLocked((await failInParallel(key, 10)).find((r) => r.status === 429)!);

    h.clock.advanceSeconds(retryAfter - 1);
    const early = await verify(await startLogin(), 'totp', h.totp(key));
    expect(expectLocked(early)).toBe(1);

    h.clock.advanceSeconds(1);
    const onTime = await verify(await startLogin(), 'totp', h.totp(key));
    expect(onTime.status, JSON.stringify(onTime.body)).toBe(200);
    expect(onTime.sessionCookie).toBeDefined();
    expect(await lockState()).toEqual({ failures: 0, lockedUntil: null });

    // Counting restarts from zero: one wrong code leaves the account nine short of a lock.
    h.clock.advanceSeconds(30);
    expectProblem(await verify(await startLogin(), 'totp', wrongCode(key)), 401, 'invalid_code');
    expect(await lockState()).toEqual({ failures: 1, lockedUntil: null });
    expect(lockedMails()).toBe(1);
  });

  it('the second lock (20 failures) lasts longer than the first, with one email per lock', async () => {
    const key = await aliceWithTotp();
    const first = expectLocked((await failInParallel(key, 10)).find((r) => r.status === 429)!);
    h.clock.advanceSeconds(first);

    const second = await failInParallel(key, 10);
    expect(second.filter((r) => r.status === 401)).toHaveLength(9);
    const secondLock = expectLocked(second.find((r) => r.status === 429)!);

    expect(first).toBe(60);
    expect(secondLock).toBeGreaterThan(first);
    expect(secondLock).toBe(120);
    expect(await lockState()).toMatchObject({ failures: 20 });
    expect(lockedMails()).toBe(2);
  });

  it('neither a new login nor a new email code resets the count (super app policy: email)', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Mail Co', { required: true, primaryMethod: 'email', secondaryMethod: null });
    await h.member(workspaceId, EMAIL);

    /** A new login with a freshly mailed code; returns the challenge and a code that is not the mailed one. */
    async function loginWithMailedCode() {
      const challengeId = await startLogin();
      const sent = await h.api('POST', `/api/v1/auth/challenges/${challengeId}/email-code`);
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      const mailed = h.mailer.lastCode(EMAIL);
      return { challengeId, mailed, wrong: mailed === '000000' ? '000001' : '000000' };
    }

    const first = await loginWithMailedCode();
    for (let i = 0; i < 4; i += 1) expectProblem(await verify(first.challengeId, 'email', first.wrong), 401, 'invalid_code');
    expect(await lockState()).toMatchObject({ failures: 4 });

    h.clock.advanceSeconds(60); // the resend cooldown
    const second = await loginWithMailedCode();
    expect(await lockState()).toMatchObject({ failures: 4 });
    for (let i = 0; i < 4; i += 1) expectProblem(await verify(second.challengeId, 'email', second.wrong), 401, 'invalid_code');
    expect(await lockState()).toMatchObject({ failures: 8 });

    h.clock.advanceSeconds(60);
    const third = await loginWithMailedCode();
    expect(await lockState()).toMatchObject({ failures: 8 });
    expectProblem(await verify(third.challengeId, 'email', third.wrong), 401, 'invalid_code');
    expectLocked(await verify(third.challengeId, 'email', third.wrong));
    expect(await lockState()).toMatchObject({ failures: 10 });

    // Locked: the right code is refused and no further code is mailed.
    expectLocked(await verify(third.challengeId, 'email', third.mailed));
    const mailsBefore = h.mailer.sent.length;
    expectLocked(await h.api('POST', `/api/v1/auth/challenges/${await startLogin()}/email-code`));
    expect(h.mailer.sent.length).toBe(mailsBefore);
    expect(lockedMails()).toBe(1);
  });

  /** Runs `rounds` rounds of ten parallel failures, waiting out each lock; returns the lock lengths. */
  async function failRounds(key: Uint8Array, rounds: number): Promise<number[]> {
    const locks: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const responses = await failInParallel(key, 10);
      expect(
        responses.filter((r) => r.status === 401),
        `round ${round + 1}`,
      ).toHaveLength(9);
      locks.push(expectLocked(responses.find((r) => r.status === 429)!));
      if (round < rounds - 1) h.clock.advanceSeconds(locks.at(-1)!);
    }
    return locks;
  }

  it('100 consecutive failures lock for years; only a 2FA reset (operator) lets the owner in again', async () => {
    const key = await aliceWithTotp();
    const locks = await failRounds(key, 10);

    expect(locks.slice(0, 9)).toEqual([60, 120, 240, 480, 960, 1920, 3840, 7680, 15360]);
    expect(locks[9]).toBeGreaterThan(10 * 365 * 24 * 3600);
    expect(await lockState()).toMatchObject({ failures: 100 });
    expect(lockedMails()).toBe(10);

    // Waiting a month changes nothing; further guesses are not even counted.
    h.clock.advanceSeconds(30 * 24 * 3600);
    const challengeId = await startLogin();
    expectLocked(await verify(challengeId, 'totp', h.totp(key)));
    expectLocked(await verify(challengeId, 'totp', wrongCode(key)));
    expect(await lockState()).toMatchObject({ failures: 100 });

    await resetAccountTwoFactor(h.deps, EMAIL);
    expect(await lockState()).toEqual({ failures: 0, lockedUntil: null });
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.status).toBe('authenticated');
    expect(login.sessionCookie).toBeDefined();
  });

  it('guesses fired in parallel cannot push the count past 100: the ones after the limit are refused unchecked', async () => {
    const key = await aliceWithTotp();
    await failRounds(key, 9);
    h.clock.advanceSeconds(15360);
    expect(await lockState()).toMatchObject({ failures: 90 });

    // 40 guesses at once while 10 remain before the permanent lock.
    const responses = await failInParallel(key, 40);

    expect(responses.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    expect(responses.filter((r) => r.status === 401).length).toBeLessThanOrEqual(9);
    expect((await lockState()).failures).toBeLessThanOrEqual(100);
  });
});
