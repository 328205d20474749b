import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { secondFactorSession } from '../support/authority.js';

const BOB = 'bob@example.com';
const SAM = 'sam@example.com';
const OPEN_POLICY = {
  required: false,
  primaryMethod: 'totp',
  secondaryMethod: null,
  allowDeactivation: true,
  phishingResistantOnly: false,
  rememberDeviceDays: 30,
};
const STRICT_POLICY = { ...OPEN_POLICY, allowDeactivation: false };

describeEachDialect('deactivation under super app policies (%s)', (dialect) => {
  let h: Harness;
  let acme: { superAppId: string; workspaceId: string };
  let strict: { superAppId: string; workspaceId: string };
  /** Bob's session (member of both super apps, own 2FA active) and the Strict admin's session. */
  let bob: string;
  let sam: string;
  let key: Uint8Array;

  beforeEach(async () => {
    h = await createHarness(dialect);
    acme = await h.tenant('Acme Super App');
    strict = await h.tenant('Strict Super App', { allowDeactivation: false });
    await h.member(acme.workspaceId, BOB, 'developer');
    await h.member(strict.workspaceId, BOB, 'developer');
    await h.member(strict.workspaceId, SAM, 'admin');
    await h.makeSuperAppAdmin(strict.superAppId, SAM);
    // Policy changes need the admin's own second factor in the session (issue 11).
    sam = (await secondFactorSession(h, SAM)).cookie;
    bob = await h.loginSession(BOB);
    ({ key } = await h.activateTotp(bob));
  });
  afterEach(async () => h?.close());

  const status = async () => (await h.api('GET', '/api/v1/account/two-factor', { cookie: bob })).body;
  const deactivate = (method: string, code: string, password = PASSWORD) =>
    h.api('POST', '/api/v1/account/two-factor/deactivation', { cookie: bob, body: { password, method, code } });
  const requestEmailCode = () => h.api('POST', '/api/v1/account/two-factor/deactivation/email-code', { cookie: bob });
  const setStrictPolicy = (policy: typeof OPEN_POLICY) =>
    h.api('PUT', `/api/v1/super-apps/${strict.superAppId}/two-factor-policy`, { cookie: sam, body: policy });
  const noticesTo = (pattern: RegExp) => h.mailer.to(BOB).filter((m) => pattern.test(m.subject));

  it('shows deactivation as forbidden, names the super app that forbids it and lists every policy', async () => {
    const body = await status();
    expect(body.active).toBe(true);
    expect(body.deactivation).toEqual({ allowed: false, forbiddenBy: [{ id: strict.superAppId, name: 'Strict Super App' }] });
    expect(body.superAppPolicies).toHaveLength(2);
    expect(body.superAppPolicies).toEqual(
      expect.arrayContaining([
        { superApp: { id: acme.superAppId, name: 'Acme Super App' }, ...OPEN_POLICY },
        { superApp: { id: strict.superAppId, name: 'Strict Super App' }, ...STRICT_POLICY },
      ]),
    );
  });

  it('refuses deactivation with 403 deactivation_not_allowed naming the super app', async () => {
    const refused = await deactivate('totp', h.totp(key));
    expectProblem(refused, 403, 'deactivation_not_allowed');
    expect(refused.body.superApp).toEqual({ id: strict.superAppId, name: 'Strict Super App' });
    expect((await status()).active).toBe(true);
    expect(noticesTo(/turned off/i)).toEqual([]);
  });

  it('refuses to send a deactivation email code while a super app forbids deactivation', async () => {
    const before = h.mailer.to(BOB).length;
    const refused = await requestEmailCode();
    expectProblem(refused, 403, 'deactivation_not_allowed');
    expect(refused.body.superApp).toEqual({ id: strict.superAppId, name: 'Strict Super App' });
    expect(h.mailer.to(BOB)).toHaveLength(before);
  });

  it('does not use up the code of a refused deactivation', async () => {
    const code = h.totp(key);
    expectProblem(await deactivate('totp', code), 403, 'deactivation_not_allowed');
    expect((await setStrictPolicy(OPEN_POLICY)).status).toBe(200);
    const off = await deactivate('totp', code);
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ active: false });
  });

  it('names every super app that forbids deactivation', async () => {
    await h.makeSuperAppAdmin(acme.superAppId, SAM);
    await h.api('PUT', `/api/v1/super-apps/${acme.superAppId}/two-factor-policy`, { cookie: sam, body: STRICT_POLICY });
    const body = await status();
    expect(body.deactivation.allowed).toBe(false);
    expect(body.deactivation.forbiddenBy).toHaveLength(2);
    expect(body.deactivation.forbiddenBy).toEqual(
      expect.arrayContaining([
        { id: acme.superAppId, name: 'Acme Super App' },
        { id: strict.superAppId, name: 'Strict Super App' },
      ]),
    );
    const refused = await deactivate('totp', h.totp(key));
    expectProblem(refused, 403, 'deactivation_not_allowed');
    expect(body.deactivation.forbiddenBy).toContainEqual(refused.body.superApp);
  });

  describe('once every super app allows deactivation', () => {
    beforeEach(async () => {
      expect((await setStrictPolicy(OPEN_POLICY)).status).toBe(200);
    });

    it('shows deactivation as allowed', async () => {
      expect((await status()).deactivation).toEqual({ allowed: true, forbiddenBy: [] });
    });

    it('deactivates with an emailed code', async () => {
      const sent = await requestEmailCode();
      expect(sent.status).toBe(202);
      expect(sent.body).toEqual({ sentTo: 'b***@example.com', resendAfterSeconds: 60 });
      expect(h.mailer.to(BOB).at(-1)!.text).toMatch(/turn off two-factor authentication/i);

      const off = await deactivate('email', h.mailer.lastCode(BOB));
      expect(off.status).toBe(200);
      expect(off.body).toEqual({ active: false });
      expect(await status()).toMatchObject({ active: false, method: null, recoveryCodesRemaining: 0 });
      expect(noticesTo(/turned off/i)).toHaveLength(1);
      // Bob's session survives the change he made himself.
      expect((await h.api('GET', '/api/v1/session', { cookie: bob })).status).toBe(200);
    });

    it('refuses a wrong password with 401 invalid_credentials and keeps 2FA on', async () => {
      await requestEmailCode();
      expectProblem(await deactivate('email', h.mailer.lastCode(BOB), 'not the password at all'), 401, 'invalid_credentials');
      expect((await status()).active).toBe(true);
    });

    it('refuses a wrong email code with 401 invalid_code and keeps 2FA on', async () => {
      await requestEmailCode();
      const code = h.mailer.lastCode(BOB);
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      expectProblem(await deactivate('email', wrong), 401, 'invalid_code');
      expect((await status()).active).toBe(true);
    });
  });

  it('answers 409 two_factor_not_active for an account without 2FA', async () => {
    await h.member(acme.workspaceId, 'carol@example.com', 'developer');
    const carol = await h.loginSession('carol@example.com');
    const off = await h.api('POST', '/api/v1/account/two-factor/deactivation', { cookie: carol, body: { password: PASSWORD, method: 'totp', code: '123456' } });
    expectProblem(off, 409, 'two_factor_not_active');
    expectProblem(await h.api('POST', '/api/v1/account/two-factor/deactivation/email-code', { cookie: carol }), 409, 'two_factor_not_active');
  });

  it('answers 401 unauthenticated without a session', async () => {
    expectProblem(await h.api('GET', '/api/v1/account/two-factor'), 401, 'unauthenticated');
    expectProblem(await h.api('POST', '/api/v1/account/two-factor/deactivation/email-code'), 401, 'unauthenticated');
    const off = await h.api('POST', '/api/v1/account/two-factor/deactivation', { body: { password: PASSWORD, method: 'totp', code: h.totp(key) } });
    expectProblem(off, 401, 'unauthenticated');
  });
});
