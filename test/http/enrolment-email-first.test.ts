import { afterEach, describe, expect, it } from 'vitest';
import { decodeTotpKey } from '../../src/domain/totp.js';
import type { TwoFactorPolicy } from '../../src/domain/policy.js';
import { login, verify } from '../support/authority.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness } from '../support/harness.js';

/**
 * Enrolment during login when email is also allowed: the emailed code first, then the
 * authenticator, so the password alone never enrols one when the mailbox could have been
 * asked (issue 11).
 */

const CAROL = 'carol@example.com';

describeEachDialect('enrolment after the emailed code (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function setUp(policy: Partial<TwoFactorPolicy>): Promise<string> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Strict', { required: true, ...policy });
    await h.member(workspaceId, CAROL, 'developer');
    const started = await login(h, CAROL);
    expect(started.body.challenge.methods).toContain('totp_enrollment');
    return started.body.challenge.id;
  }
  const enrol = (id: string, code?: string) => h.api('POST', `/api/v1/auth/challenges/${id}/enrollment`, code === undefined ? {} : { body: { code } });
  const sendCode = (id: string) => h.api('POST', `/api/v1/auth/challenges/${id}/email-code`);
  const factorRows = () => h.deps.db.selectFrom('totp_factors').select('status').execute();

  describe.each([
    ['authenticator primary, email secondary', { primaryMethod: 'totp', secondaryMethod: 'email' }],
    ['email primary, authenticator secondary', { primaryMethod: 'email', secondaryMethod: 'totp' }],
  ] as const)('%s', (_name, policy) => {
    it('refuses enrolment with the password alone: 403 email_code_required, and no secret is handed out', async () => {
      const id = await setUp(policy);
      const refused = await enrol(id);
      expectProblem(refused, 403, 'email_code_required');
      expect(refused.body.secret).toBeUndefined();
      expectProblem(await verify(h, id, 'totp_enrollment', '123456'), 403, 'email_code_required');
      expect(await factorRows()).toEqual([]);
    });

    it('hands out the secret after the emailed code, then enrols and signs in', async () => {
      const id = await setUp(policy);
      expect((await sendCode(id)).status).toBe(202);
      const code = h.mailer.lastCode(CAROL);
      const wrong = code === '000000' ? '111111' : '000000';
      const refused = await enrol(id, wrong);
      expectProblem(refused, 401, 'invalid_code');
      expect(refused.body.attemptsRemaining).toBe(4);
      expect(await factorRows()).toEqual([]);

      const started = await enrol(id, code);
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      // The email step is passed once: starting enrolment again needs no new code.
      const restarted = await enrol(id);
      expect(restarted.status).toBe(200);
      const verified = await verify(h, id, 'totp_enrollment', h.totp(decodeTotpKey(restarted.body.secret)));
      expect(verified.status, JSON.stringify(verified.body)).toBe(200);
      expect(verified.body.recoveryCodes).toHaveLength(10);
      expect(await factorRows()).toEqual([{ status: 'active' }]);
    });

    it('an emailed code used to start enrolment cannot also sign in', async () => {
      const id = await setUp(policy);
      await sendCode(id);
      const code = h.mailer.lastCode(CAROL);
      expect((await enrol(id, code)).status).toBe(200);
      expectProblem(await verify(h, id, 'email', code), 401, 'invalid_code');
    });
  });

  it('with an authenticator-only policy, enrolment needs no emailed code (trust on first use, documented in SECURITY.md)', async () => {
    const id = await setUp({ primaryMethod: 'totp', secondaryMethod: null });
    expect((await enrol(id)).status).toBe(200);
    expect(h.mailer.to(CAROL)).toEqual([]);
  });

  it('refuses a code of the wrong shape with 400 invalid_request, without counting an attempt', async () => {
    const id = await setUp({ primaryMethod: 'totp', secondaryMethod: 'email' });
    expectProblem(await enrol(id, 'abc'), 400, 'invalid_request');
    expectProblem(await h.api('POST', `/api/v1/auth/challenges/${id}/enrollment`, { body: { code: '123456', extra: true } }), 400, 'invalid_request');
    const row = await h.deps.db.selectFrom('challenges').select('failures').executeTakeFirstOrThrow();
    expect(row.failures).toBe(0);
  });
});
