import { afterEach, describe, expect, it } from 'vitest';
import { EMAIL_CODES_PER_IP_PER_HOUR } from '../../src/domain/limits.js';
import { verifyPassword } from '../../src/services/login.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/**
 * Throttling rules that no other test pinned down (SECURITY.md "Second factor" and
 * "Passwords"): the per-IP cap on verification emails, and a correct password clearing the
 * account's count of wrong ones. Each test names the code change it catches.
 */

const WRONG = 'not the password at all';

describeEachDialect('throttling gaps (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  interface Reply {
    status: number;
    body: any;
    retryAfter: string | undefined;
  }

  async function post(url: string, ip: string, payload?: object): Promise<Reply> {
    const response = await h.app.inject({ method: 'POST', url, remoteAddress: ip, ...(payload ? { payload } : {}) });
    return { status: response.statusCode, body: JSON.parse(response.body), retryAfter: response.headers['retry-after'] as string | undefined };
  }

  /** `count` members of an email-only super app, each with an open login challenge; returns email and challenge id. */
  async function emailChallenges(count: number): Promise<{ email: string; id: string }[]> {
    const { workspaceId } = await h.tenant('Email Super App', { required: true, primaryMethod: 'email', secondaryMethod: null });
    const out: { email: string; id: string }[] = [];
    for (let i = 0; i < count; i += 1) {
      const email = `user${i}@example.com`;
      await h.member(workspaceId, email, 'developer');
      // Logins come from their own addresses: only the email sends below share one.
      const login = await post('/api/v1/auth/login', `10.1.0.${i + 1}`, { email, password: PASSWORD });
      expect(login.body.status).toBe('second_factor_required');
      out.push({ email, id: login.body.challenge.id });
    }
    return out;
  }

  describe('verification emails per client address', () => {
    // Mutations caught: deleting the per-IP cap (`countEmailSendFromIp` or its `count > limit`
    // check), `>` turned into `>=`, and the refused send keeping the account's cooldown.
    it('one address gets 30 codes an hour across accounts; the 31st is refused with 429 too_many_codes and no mail', async () => {
      h = await createHarness(dialect);
      const users = await emailChallenges(EMAIL_CODES_PER_IP_PER_HOUR + 1);
      const attacker = '203.0.113.9';
      for (const user of users.slice(0, EMAIL_CODES_PER_IP_PER_HOUR)) {
        expect((await post(`/api/v1/auth/challenges/${user.id}/email-code`, attacker)).status).toBe(202);
      }
      const last = users[EMAIL_CODES_PER_IP_PER_HOUR]!;
      const refused = await post(`/api/v1/auth/challenges/${last.id}/email-code`, attacker);
      expect(refused.status, JSON.stringify(refused.body)).toBe(429);
      expect(refused.body.code).toBe('too_many_codes');
      expect(refused.retryAfter).toBe('3600');
      expect(h.mailer.to(last.email)).toEqual([]);

      // The refusal did not start that account's resend cooldown: another address sends at once.
      const elsewhere = await post(`/api/v1/auth/challenges/${last.id}/email-code`, '198.51.100.7');
      expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(202);
      expect(h.mailer.to(last.email)).toHaveLength(1);
    });

    // Mutation caught: the per-IP window not starting over after an hour (e.g. its start moved).
    it('the address may send again once the hour has passed', async () => {
      h = await createHarness(dialect);
      const users = await emailChallenges(EMAIL_CODES_PER_IP_PER_HOUR + 1);
      const attacker = '203.0.113.10';
      for (const user of users.slice(0, EMAIL_CODES_PER_IP_PER_HOUR)) await post(`/api/v1/auth/challenges/${user.id}/email-code`, attacker);

      h.clock.advanceSeconds(3599);
      // The challenges have expired by now; fresh ones, from the same users.
      const late = users[EMAIL_CODES_PER_IP_PER_HOUR]!;
      const fresh = async () => (await post('/api/v1/auth/login', '10.2.0.1', { email: late.email, password: PASSWORD })).body.challenge.id as string;
      expect((await post(`/api/v1/auth/challenges/${await fresh()}/email-code`, attacker)).status).toBe(429);
      h.clock.advanceSeconds(1);
      const again = await post(`/api/v1/auth/challenges/${await fresh()}/email-code`, attacker);
      expect(again.status, JSON.stringify(again.body)).toBe(202);
    });
  });

  describe('a correct password clears the account count', () => {
    async function alice(): Promise<void> {
      h = await createHarness(dialect);
      const { workspaceId } = await h.tenant('Acme');
      await h.member(workspaceId, 'alice@example.com');
    }
    const attempt = async (email: string, password: string) => {
      try {
        await verifyPassword(h.deps, email, password, null);
        return 'ok';
      } catch (error) {
        return (error as { code: string }).code;
      }
    };

    // Mutation caught: `releasePasswordAttempt` not called (or clearing another key) after a correct password.
    it('four wrong passwords, the right one, then five wrong ones are all answered without a wait', async () => {
      await alice();
      for (let i = 0; i < 4; i += 1) expect(await attempt('alice@example.com', WRONG)).toBe('invalid_credentials');
      expect(await attempt('alice@example.com', PASSWORD)).toBe('ok');
      // Without the reset, the fifth failure overall (the first below) would already impose a wait.
      for (let i = 0; i < 5; i += 1) expect(await attempt('alice@example.com', WRONG)).toBe('invalid_credentials');
      expect(await attempt('alice@example.com', WRONG)).toBe('too_many_attempts');
    });

    // Mutation caught: the wait rounded down or to the nearest second (Math.ceil in `reservePasswordAttempt`).
    it('a wait with 1.4 s left is announced as 2 s, never less than what is left', async () => {
      await alice();
      for (let i = 0; i < 5; i += 1) expect(await attempt('alice@example.com', WRONG)).toBe('invalid_credentials');
      h.clock.advanceSeconds(1); // the 1 s wait after the fifth failure
      expect(await attempt('alice@example.com', WRONG)).toBe('invalid_credentials');
      // Six failures: a 2 s wait from the last one.
      h.clock.advanceSeconds(0.6);
      const refused = await verifyPassword(h.deps, 'alice@example.com', PASSWORD, null).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'too_many_attempts', extra: { retryAfterSeconds: 2 } });
    });

    // Mutation caught: clearing the count under the email as typed instead of its normalized key.
    it('the count is cleared whatever the case of the email typed with the right password', async () => {
      await alice();
      for (let i = 0; i < 4; i += 1) expect(await attempt('alice@example.com', WRONG)).toBe('invalid_credentials');
      expect(await attempt('ALICE@Example.COM', PASSWORD)).toBe('ok');
      for (let i = 0; i < 5; i += 1) expect(await attempt('alice@example.com', WRONG)).toBe('invalid_credentials');
    });
  });
});
