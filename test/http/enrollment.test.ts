import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeTotpKey } from '../../src/domain/totp.js';
import type { TwoFactorPolicy } from '../../src/domain/policy.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

const CAROL = 'carol@example.com';

describeEachDialect('authenticator enrolment during login (%s)', (dialect) => {
  let h: Harness;

  async function setUp(policy: Partial<TwoFactorPolicy> = { required: true, primaryMethod: 'totp', secondaryMethod: null }): Promise<void> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Strict Super App', policy);
    await h.member(workspaceId, CAROL, 'developer');
  }
  afterEach(async () => h?.close());

  const login = () => h.api('POST', '/api/v1/auth/login', { body: { email: CAROL, password: PASSWORD } });
  const enrol = (id: string) => h.api('POST', `/api/v1/auth/challenges/${id}/enrollment`);
  const verify = (id: string, method: string, code: string) => h.api('POST', `/api/v1/auth/challenges/${id}/verify`, { body: { method, code } });

  /** A six-digit code that no step in the accepted window (now ± 30 s) produces for `key`. */
  function wrongCode(key: Uint8Array): string {
    const window = new Set([h.totp(key, -30), h.totp(key), h.totp(key, 30)]);
    return ['000000', '111111', '222222', '333333'].find((c) => !window.has(c))!;
  }

  /** Logs in, starts enrolment and returns the challenge and the new key. */
  async function startEnrolment(): Promise<{ id: string; key: Uint8Array; secret: string }> {
    const response = await login();
    expect(response.body.status).toBe('enrollment_required');
    const id = response.body.challenge.id;
    const started = await enrol(id);
    expect(started.status).toBe(200);
    return { id, key: decodeTotpKey(started.body.secret), secret: started.body.secret };
  }

  describe('when the super app requires an authenticator', () => {
    beforeEach(async () => setUp());

    it('asks an account without one to enrol after the password', async () => {
      const response = await login();
      expect(response.status).toBe(200);
      expect(response.sessionCookie).toBeUndefined();
      expect(response.body.status).toBe('enrollment_required');
      expect(response.body.challenge.methods[0]).toBe('totp_enrollment');
      expect(response.body.challenge).toMatchObject({ methods: ['totp_enrollment'], primaryMethod: 'totp_enrollment', reason: 'super_app_policy' });
    });

    it('hands out a fresh secret and its key URI', async () => {
      const response = await login();
      const started = await enrol(response.body.challenge.id);
      expect(started.status).toBe(200);
      expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
      const uri = new URL(started.body.otpauthUri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(uri.searchParams.get('secret')).toBe(started.body.secret);
      expect(uri.searchParams.get('issuer')).toBe('Mini Program Platform');
      expect(decodeURIComponent(uri.pathname)).toContain(CAROL);
      expect(Date.parse(started.body.expiresAt)).toBeGreaterThan(h.clock.now().getTime());
    });

    it('signs in, turns on 2FA and shows 10 recovery codes after a correct code', async () => {
      const { id, key } = await startEnrolment();
      const verified = await verify(id, 'totp_enrollment', h.totp(key));
      expect(verified.status).toBe(200);
      expect(verified.body.status).toBe('authenticated');
      expect(verified.sessionCookie).toBeDefined();
      expect(verified.body.recoveryCodes).toHaveLength(10);
      expect(new Set(verified.body.recoveryCodes).size).toBe(10);

      const status = await h.api('GET', '/api/v1/account/two-factor', { cookie: verified.sessionCookie });
      expect(status.body).toMatchObject({ active: true, method: 'totp', recoveryCodesRemaining: 10 });
      const session = await h.api('GET', '/api/v1/session', { cookie: verified.sessionCookie });
      expect(session.body.secondFactorVerified).toBe(true);
    });

    it('asks for the new authenticator, not enrolment, at the next login', async () => {
      const { id, key } = await startEnrolment();
      const enrolmentCode = h.totp(key);
      await verify(id, 'totp_enrollment', enrolmentCode);

      const next = await login();
      expect(next.body.status).toBe('second_factor_required');
      expect(next.body.challenge).toMatchObject({ methods: ['totp', 'recovery_code'], primaryMethod: 'totp', reason: 'account_two_factor' });
      // The enrolment code was used; the authenticator's next code is not.
      expectProblem(await verify(next.body.challenge.id, 'totp', enrolmentCode), 401, 'invalid_code');
      h.clock.advanceSeconds(30);
      expect((await verify(next.body.challenge.id, 'totp', h.totp(key))).status).toBe(200);
    });

    it('emails an activation notice that carries no secret or code', async () => {
      const { id, key, secret } = await startEnrolment();
      const verified = await verify(id, 'totp_enrollment', h.totp(key));
      const mails = h.mailer.to(CAROL);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toMatch(/turned on/i);
      const text = `${mails[0]!.subject}\n${mails[0]!.text}`;
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/\b\d{6}\b/);
      for (const code of verified.body.recoveryCodes) expect(text).not.toContain(code);
    });

    it('counts wrong enrolment codes against the challenge until it dies', async () => {
      const { id, key } = await startEnrolment();
      for (const remaining of [4, 3, 2, 1, 0]) {
        const wrong = await verify(id, 'totp_enrollment', wrongCode(key));
        expectProblem(wrong, 401, 'invalid_code');
        expect(wrong.body.attemptsRemaining).toBe(remaining);
      }
      expectProblem(await verify(id, 'totp_enrollment', h.totp(key)), 410, 'challenge_expired');
      expect(h.mailer.to(CAROL)).toEqual([]);
      expect((await login()).body.status).toBe('enrollment_required');
    });

    it('accepts only the newest secret when enrolment is started again', async () => {
      const { id, key: stale } = await startEnrolment();
      const latest = decodeTotpKey((await enrol(id)).body.secret);
      // Codes of two random keys coincide a few times in a million; then there is nothing to tell apart.
      if (![h.totp(latest, -30), h.totp(latest), h.totp(latest, 30)].includes(h.totp(stale))) {
        expectProblem(await verify(id, 'totp_enrollment', h.totp(stale)), 401, 'invalid_code');
      }
      expect((await verify(id, 'totp_enrollment', h.totp(latest))).status).toBe(200);
    });

    it('refuses to start enrolment on an expired challenge', async () => {
      const response = await login();
      h.clock.advanceSeconds(301);
      expectProblem(await enrol(response.body.challenge.id), 410, 'challenge_expired');
    });

    it('refuses email codes when the super app names no email method', async () => {
      const response = await login();
      expectProblem(await h.api('POST', `/api/v1/auth/challenges/${response.body.challenge.id}/email-code`), 400, 'method_not_allowed');
    });
  });

  describe('when the super app allows email as the secondary method', () => {
    beforeEach(async () => setUp({ required: true, primaryMethod: 'totp', secondaryMethod: 'email' }));

    it('offers enrolment first and email second', async () => {
      const response = await login();
      expect(response.body.status).toBe('enrollment_required');
      expect(response.body.challenge).toMatchObject({ methods: ['totp_enrollment', 'email'], primaryMethod: 'totp_enrollment' });
    });

    it('signs in with an email code without turning on 2FA', async () => {
      const response = await login();
      const id = response.body.challenge.id;
      expect((await h.api('POST', `/api/v1/auth/challenges/${id}/email-code`)).status).toBe(202);
      const verified = await verify(id, 'email', h.mailer.lastCode(CAROL));
      expect(verified.status).toBe(200);
      expect(verified.body.recoveryCodes).toBeUndefined();
      const status = await h.api('GET', '/api/v1/account/two-factor', { cookie: verified.sessionCookie });
      expect(status.body.active).toBe(false);
      expect((await login()).body.status).toBe('enrollment_required');
    });
  });
});
