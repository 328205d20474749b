import { afterEach, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

/**
 * Second-factor lockout gaps (SECURITY.md "Repeated failures lock second-factor
 * verification"; "The lock ends on time"): a lock that has run out must stop refusing,
 * also where no attempt is reserved (email code requests), and wrong codes given for
 * deactivation or new recovery codes count towards the same lock.
 */

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const DEACTIVATE = '/api/v1/account/two-factor/deactivation';
const REGENERATE = '/api/v1/account/two-factor/recovery-codes';
const STATUS = '/api/v1/account/two-factor';

describeEachDialect('second-factor lock gaps (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  /** A six-digit code that is certainly not `code`. */
  const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  /** A six-digit code the key produces nowhere near now. */
  function wrongTotp(key: Uint8Array): string {
    const near = new Set(Array.from({ length: 41 }, (_, i) => h.totp(key, (i - 20) * 30)));
    for (let n = 0; ; n += 1) {
      const candidate = String(n).padStart(6, '0');
      if (!near.has(candidate)) return candidate;
    }
  }

  async function lockState(email: string) {
    const row = await h.deps.db
      .selectFrom('accounts')
      .select(['second_factor_failures', 'second_factor_locked_until'])
      .where('email_key', '=', email)
      .executeTakeFirstOrThrow();
    return { failures: Number(row.second_factor_failures), lockedUntil: row.second_factor_locked_until };
  }

  function expectLocked(response: ApiResponse, retryAfter: number): void {
    expectProblem(response, 429, 'too_many_attempts');
    expect(response.headers['retry-after']).toBe(String(retryAfter));
  }

  describe('an email-only account after its lock ran out', () => {
    async function emailOnlyAlice(): Promise<void> {
      h = await createHarness(dialect);
      const { workspaceId } = await h.tenant('Email Super App', { required: true, primaryMethod: 'email', secondaryMethod: null });
      await h.member(workspaceId, ALICE, 'developer');
    }
    async function challenge(): Promise<string> {
      const response = await h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password: PASSWORD } });
      expect(response.body.status).toBe('second_factor_required');
      return response.body.challenge.id;
    }
    const sendCode = (id: string) => h.api('POST', `/api/v1/auth/challenges/${id}/email-code`);
    const verify = (id: string, code: string) => h.api('POST', `/api/v1/auth/challenges/${id}/verify`, { body: { method: 'email', code } });

    /** Ten wrong email codes over three challenges (four a challenge, below the five that kill one); returns the lock's Retry-After. */
    async function lockAlice(): Promise<number> {
      let last: ApiResponse | undefined;
      for (let done = 0; done < 10;) {
        if (done > 0) h.clock.advanceSeconds(60); // the resend cooldown
        const id = await challenge();
        expect((await sendCode(id)).status).toBe(202);
        const wrong = otherCode(h.mailer.lastCode(ALICE));
        for (let i = 0; i < 4 && done < 10; i += 1, done += 1) last = await verify(id, wrong);
      }
      expectLocked(last!, 60);
      return 60;
    }

    // Mutation caught: `assertUnlocked` treating a lock in the past as active (`seconds > 0`
    // made always true, or compared the wrong way), which locks email-only users out for good.
    it('is refused a code until the lock ends, then gets one and signs in with it', async () => {
      await emailOnlyAlice();
      const retryAfter = await lockAlice();
      const id = await challenge();
      expectLocked(await sendCode(id), retryAfter);
      h.clock.advanceSeconds(retryAfter - 1);
      expectLocked(await sendCode(id), 1);

      h.clock.advanceSeconds(1);
      expect((await lockState(ALICE)).lockedUntil).not.toBeNull(); // the row still holds the old lock
      const fresh = await challenge();
      const sent = await sendCode(fresh);
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      const verified = await verify(fresh, h.mailer.lastCode(ALICE));
      expect(verified.status, JSON.stringify(verified.body)).toBe(200);
      expect(await lockState(ALICE)).toEqual({ failures: 0, lockedUntil: null });
    });
  });

  describe('wrong codes given for deactivation or new recovery codes', () => {
    async function bobWithTotp(): Promise<{ cookie: string; key: Uint8Array }> {
      h = await createHarness(dialect);
      const { workspaceId } = await h.tenant('Plain Super App');
      await h.member(workspaceId, BOB, 'developer');
      const cookie = await h.loginSession(BOB);
      const { key } = await h.activateTotp(cookie);
      return { cookie, key };
    }

    // Mutations caught: `withVerifiedIdentity` not reserving an attempt, not booking the
    // failure, or answering 401 instead of 429 when the failure started a lock.
    it('the tenth wrong code at deactivation locks with 429 and Retry-After; then even the right code is refused', async () => {
      const { cookie, key } = await bobWithTotp();
      const wrong = wrongTotp(key);
      for (let i = 1; i <= 9; i += 1) {
        expectProblem(await h.api('POST', DEACTIVATE, { cookie, body: { password: PASSWORD, method: 'totp', code: wrong } }), 401, 'invalid_code');
        expect(await lockState(BOB)).toEqual({ failures: i, lockedUntil: null });
      }
      expectLocked(await h.api('POST', DEACTIVATE, { cookie, body: { password: PASSWORD, method: 'totp', code: wrong } }), 60);
      expect(await lockState(BOB)).toEqual({ failures: 10, lockedUntil: new Date(h.clock.now().getTime() + 60_000).toISOString() });
      expect(h.mailer.to(BOB).filter((m) => /locked/i.test(m.subject))).toHaveLength(1);

      expectLocked(await h.api('POST', DEACTIVATE, { cookie, body: { password: PASSWORD, method: 'totp', code: h.totp(key) } }), 60);
      expect((await h.api('GET', STATUS, { cookie })).body.active).toBe(true);

      h.clock.advanceSeconds(60);
      const after = await h.api('POST', DEACTIVATE, { cookie, body: { password: PASSWORD, method: 'totp', code: h.totp(key) } });
      expect(after.status, JSON.stringify(after.body)).toBe(200);
      expect(await lockState(BOB)).toEqual({ failures: 0, lockedUntil: null });
    });

    it('the tenth wrong code at recovery-code regeneration locks with 429 and the codes stay as they were', async () => {
      const { cookie, key } = await bobWithTotp();
      const wrong = wrongTotp(key);
      for (let i = 1; i <= 9; i += 1) {
        expectProblem(await h.api('POST', REGENERATE, { cookie, body: { password: PASSWORD, code: wrong } }), 401, 'invalid_code');
      }
      const locked = await h.api('POST', REGENERATE, { cookie, body: { password: PASSWORD, code: wrong } });
      expectLocked(locked, 60);
      expect(locked.body).not.toHaveProperty('recoveryCodes');
      expect(await lockState(BOB)).toMatchObject({ failures: 10 });

      const correct = await h.api('POST', REGENERATE, { cookie, body: { password: PASSWORD, code: h.totp(key) } });
      expectLocked(correct, 60);
      const audit = await h.deps.db
        .selectFrom('audit_events')
        .select(['type', 'details'])
        .where('type', 'in', ['second_factor.locked', 'recovery_codes.regenerated'])
        .execute();
      expect(audit.map((e) => e.type)).toEqual(['second_factor.locked']);
    });

    it('failures at deactivation and at login add up to one count', async () => {
      const { cookie, key } = await bobWithTotp();
      const wrong = wrongTotp(key);
      for (let i = 0; i < 5; i += 1) await h.api('POST', DEACTIVATE, { cookie, body: { password: PASSWORD, method: 'totp', code: wrong } });
      const login = await h.api('POST', '/api/v1/auth/login', { body: { email: BOB, password: PASSWORD } });
      const id = login.body.challenge.id;
      for (let i = 0; i < 4; i += 1) await h.api('POST', `/api/v1/auth/challenges/${id}/verify`, { body: { method: 'totp', code: wrong } });
      expect(await lockState(BOB)).toEqual({ failures: 9, lockedUntil: null });
      expectLocked(await h.api('POST', REGENERATE, { cookie, body: { password: PASSWORD, code: wrong } }), 60);
    });
  });
});
