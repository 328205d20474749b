import { afterEach, beforeEach, expect, it } from 'vitest';
import { getTwoFactorPolicy } from '../../src/services/super-app-policy.js';
import { passwordSession, login, passWithEmail, stepUp, stepUpWithTotp, totpSession } from '../support/authority.js';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

/**
 * SPEC "Authority is bounded by the tenant's rule" (issue 11): a session acts on super app X
 * only while it satisfies X's login rule, checked on every request; admin actions need a
 * second factor in the session.
 */

const STRICT_POLICY = {
  required: true,
  primaryMethod: 'email',
  secondaryMethod: 'totp',
  allowDeactivation: false,
  phishingResistantOnly: false,
  rememberDeviceDays: 0,
} as const;
const RELAXED = {
  required: false,
  primaryMethod: 'totp',
  secondaryMethod: null,
  allowDeactivation: true,
  phishingResistantOnly: false,
  rememberDeviceDays: 30,
} as const;
const VICTIM = 'victim@example.com';
const BOB = 'bob@example.com';

describeEachDialect('tenant-bounded authority (%s)', (dialect) => {
  let h: Harness;
  let lax: { superAppId: string; workspaceId: string };
  let strict: { superAppId: string; workspaceId: string };
  let bob: { id: string };

  beforeEach(async () => {
    h = await createHarness(dialect);
    lax = await h.tenant('SA Lax');
    strict = await h.tenant('SA Strict', STRICT_POLICY);
    // The victim administers SA_STRICT, has no authenticator, and is also in a SA_LAX workspace.
    await h.member(strict.workspaceId, VICTIM, 'admin');
    await h.member(lax.workspaceId, VICTIM, 'developer');
    await h.makeSuperAppAdmin(strict.superAppId, VICTIM);
    // Bob, a strict member with his own authenticator, is whose 2FA the attacker would reset.
    bob = await h.member(strict.workspaceId, BOB, 'developer');
    await h.member(lax.workspaceId, BOB, 'developer');
    await h.activateTotp(await passwordSession(h, BOB, lax.workspaceId));
  });
  afterEach(async () => h?.close());

  const membersUrl = () => `/api/v1/workspaces/${strict.workspaceId}/members`;
  const auditUrl = () => `/api/v1/super-apps/${strict.superAppId}/audit-events`;
  const policyUrl = () => `/api/v1/super-apps/${strict.superAppId}/two-factor-policy`;
  const resetUrl = () => `/api/v1/workspaces/${strict.workspaceId}/members/${bob.id}/two-factor/reset`;
  const bobHasTotp = async () =>
    (await h.deps.db.selectFrom('totp_factors').select('status').where('account_id', '=', bob.id).executeTakeFirst())?.status === 'active';

  function expectTenantRefusal(response: ApiResponse): void {
    expectProblem(response, 403, 'second_factor_required_for_super_app');
    expect(response.body.superApp).toEqual({ id: strict.superAppId, name: 'SA Strict' });
    expect(response.body.methods).toEqual(['email', 'totp_enrollment']);
  }

  it('refuses the walk-around: a password-only SA_LAX session cannot read or change SA_STRICT, nor sign in there without the factor', async () => {
    // 1. The password alone signs in to the SA_LAX workspace.
    const signedIn = await login(h, VICTIM, lax.workspaceId);
    expect(signedIn.body.status).toBe('authenticated');
    const cookie = signedIn.sessionCookie!;
    expect((await h.api('GET', '/api/v1/session', { cookie })).body.secondFactorVerified).toBe(false);

    // 2. Every SA_STRICT endpoint refuses that session, reads included.
    expectTenantRefusal(await h.api('GET', membersUrl(), { cookie }));
    expectTenantRefusal(await h.api('GET', auditUrl(), { cookie }));
    expectTenantRefusal(await h.api('GET', policyUrl(), { cookie }));
    expectTenantRefusal(await h.api('PUT', policyUrl(), { cookie, body: RELAXED }));
    expectTenantRefusal(await h.api('POST', resetUrl(), { cookie }));
    expect(await getTwoFactorPolicy(h.deps, strict.superAppId)).toEqual(STRICT_POLICY);
    expect(await bobHasTotp()).toBe(true);
    expect(h.mailer.to(BOB).filter((m) => /reset/i.test(m.subject))).toEqual([]);

    // 3. Signing in to the SA_STRICT workspace still asks for the second factor.
    const strictLogin = await login(h, VICTIM, strict.workspaceId);
    expect(strictLogin.body.status).toBe('second_factor_required');
    expect(strictLogin.sessionCookie).toBeUndefined();
  });

  it('a step-up with the emailed code then gives the session authority over SA_STRICT (new token, the old one dies)', async () => {
    const cookie = await passwordSession(h, VICTIM, lax.workspaceId);
    const started = await stepUp(h, cookie, strict.superAppId);
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('second_factor_required');
    expect(started.body.challenge).toMatchObject({
      methods: ['email', 'totp_enrollment'],
      primaryMethod: 'email',
      superApp: { id: strict.superAppId, name: 'SA Strict' },
    });
    const verified = await passWithEmail(h, started.body.challenge.id, VICTIM, cookie);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({ status: 'authenticated', workspace: { id: lax.workspaceId } });
    const elevated = verified.sessionCookie!;
    expect(elevated).not.toBe(cookie);
    expectProblem(await h.api('GET', '/api/v1/session', { cookie }), 401, 'unauthenticated');
    expect(h.mailer.to(VICTIM).at(-1)!.text).toContain('SA Strict');

    expect((await h.api('GET', membersUrl(), { cookie: elevated })).status).toBe(200);
    expect((await h.api('GET', auditUrl(), { cookie: elevated })).status).toBe(200);
    expect((await h.api('GET', policyUrl(), { cookie: elevated })).body).toEqual(STRICT_POLICY);
    const reset = await h.api('POST', resetUrl(), { cookie: elevated });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(await bobHasTotp()).toBe(false);
    const relaxed = { ...STRICT_POLICY, secondaryMethod: null };
    expect((await h.api('PUT', policyUrl(), { cookie: elevated, body: relaxed })).status).toBe(200);
    expect(await getTwoFactorPolicy(h.deps, strict.superAppId)).toEqual(relaxed);
    // The session stayed in its workspace and now reports the second factor.
    expect((await h.api('GET', '/api/v1/session', { cookie: elevated })).body).toMatchObject({
      workspace: { id: lax.workspaceId },
      secondFactorVerified: true,
    });
  });

  it('a step-up challenge is completed only by the session that asked for it', async () => {
    const cookie = await passwordSession(h, VICTIM, lax.workspaceId);
    const started = await stepUp(h, cookie, strict.superAppId);
    await h.api('POST', `/api/v1/auth/challenges/${started.body.challenge.id}/email-code`);
    const code = h.mailer.lastCode(VICTIM);
    expectProblem(
      await h.api('POST', `/api/v1/auth/challenges/${started.body.challenge.id}/verify`, { body: { method: 'email', code } }),
      410,
      'challenge_expired',
    );
    // Another session of the same account cannot complete it either.
    const second = await passwordSession(h, VICTIM, lax.workspaceId);
    expectProblem(
      await h.api('POST', `/api/v1/auth/challenges/${started.body.challenge.id}/verify`, { cookie: second, body: { method: 'email', code } }),
      410,
      'challenge_expired',
    );
    expect((await h.api('POST', `/api/v1/auth/challenges/${started.body.challenge.id}/verify`, { cookie, body: { method: 'email', code } })).status).toBe(200);
  });

  it('steps up into a super app the account administers without being in any of its workspaces', async () => {
    const remote = await h.tenant('SA Remote', { required: true, primaryMethod: 'email', secondaryMethod: null });
    await h.makeSuperAppAdmin(remote.superAppId, VICTIM);
    const cookie = await passwordSession(h, VICTIM, lax.workspaceId);
    const policyOfRemote = `/api/v1/super-apps/${remote.superAppId}/two-factor-policy`;
    expectProblem(await h.api('GET', policyOfRemote, { cookie }), 403, 'second_factor_required_for_super_app');
    const started = await stepUp(h, cookie, remote.superAppId);
    expect(started.body.challenge).toMatchObject({ methods: ['email'], superApp: { id: remote.superAppId }, workspace: { id: lax.workspaceId } });
    const elevated = (await passWithEmail(h, started.body.challenge.id, VICTIM, cookie)).sessionCookie!;
    expect((await h.api('GET', policyOfRemote, { cookie: elevated })).status).toBe(200);
    // Already satisfied: a second step-up asks nothing and changes nothing.
    const again = await stepUp(h, elevated, remote.superAppId);
    expect(again.body).toMatchObject({ status: 'authenticated', workspace: { id: lax.workspaceId } });
    expect(again.sessionCookie).toBeUndefined();
    expect((await h.api('GET', '/api/v1/session', { cookie: elevated })).status).toBe(200);
  });

  it('refuses step-up into a super app the account neither administers nor belongs to', async () => {
    const outsider = await h.tenant('SA Other', STRICT_POLICY);
    const cookie = await passwordSession(h, VICTIM, lax.workspaceId);
    expectProblem(await stepUp(h, cookie, outsider.superAppId), 403, 'forbidden');
    expectProblem(await stepUp(h, cookie, 'no-such-super-app'), 403, 'forbidden');
  });

  it('a step-up needs a recent password: after 15 minutes 401 reauthentication_required', async () => {
    const cookie = await passwordSession(h, VICTIM, lax.workspaceId);
    h.clock.advanceSeconds(16 * 60);
    expectProblem(await stepUp(h, cookie, strict.superAppId), 401, 'reauthentication_required');
  });

  it('admin actions need a second factor: policy changes and resets answer 403 admin_second_factor_required from a password-only session', async () => {
    await h.makeSuperAppAdmin(lax.superAppId, VICTIM);
    const laxMember = await h.member(lax.workspaceId, 'carol@example.com', 'developer');
    const cookie = await passwordSession(h, VICTIM, lax.workspaceId);
    const laxPolicyUrl = `/api/v1/super-apps/${lax.superAppId}/two-factor-policy`;
    expect((await h.api('GET', laxPolicyUrl, { cookie })).status).toBe(200);
    expect((await h.api('GET', `/api/v1/workspaces/${lax.workspaceId}/members`, { cookie })).status).toBe(200);
    expectProblem(await h.api('PUT', laxPolicyUrl, { cookie, body: { ...RELAXED, allowDeactivation: false } }), 403, 'admin_second_factor_required');
    expectProblem(
      await h.api('POST', `/api/v1/workspaces/${lax.workspaceId}/members/${bob.id}/two-factor/reset`, { cookie }),
      403,
      'admin_second_factor_required',
    );
    expectProblem(
      await h.api('POST', `/api/v1/workspaces/${lax.workspaceId}/members/${laxMember.id}/two-factor/reset`, { cookie }),
      403,
      'admin_second_factor_required',
    );
    expect(await getTwoFactorPolicy(h.deps, lax.superAppId)).toEqual(RELAXED);
    expect(await bobHasTotp()).toBe(true);
    // SA_LAX asks no second factor and the victim has no authenticator: nothing to step up with.
    expectProblem(await stepUp(h, cookie, lax.superAppId), 409, 'two_factor_not_active');
  });

  it('an admin without an authenticator of their own cannot switch a requirement on, even with an emailed second factor', async () => {
    await h.makeSuperAppAdmin(lax.superAppId, VICTIM);
    const cookie = await passwordSession(h, VICTIM, lax.workspaceId);
    const started = await stepUp(h, cookie, strict.superAppId);
    const elevated = (await passWithEmail(h, started.body.challenge.id, VICTIM, cookie)).sessionCookie!;
    const laxPolicyUrl = `/api/v1/super-apps/${lax.superAppId}/two-factor-policy`;
    const refused = await h.api('PUT', laxPolicyUrl, { cookie: elevated, body: STRICT_POLICY });
    expectProblem(refused, 403, 'admin_second_factor_required');
    expect(refused.body.ownTwoFactorRequired).toBe(true);
    expect(await getTwoFactorPolicy(h.deps, lax.superAppId)).toEqual(RELAXED);
    // Other changes are allowed with the second factor.
    expect((await h.api('PUT', laxPolicyUrl, { cookie: elevated, body: { ...RELAXED, allowDeactivation: false } })).status).toBe(200);

    // With an authenticator of their own, stepped up with it, the requirement goes on.
    const { key } = await h.activateTotp(elevated);
    const withTotp = await stepUpWithTotp(h, elevated, lax.superAppId, key);
    expect((await h.api('PUT', laxPolicyUrl, { cookie: withTotp, body: STRICT_POLICY })).status).toBe(200);
  });

  it('when a policy starts requiring 2FA, a password-only session elsewhere loses authority at its next request', async () => {
    // Carol is a workspace admin of SA_OPEN (no requirement yet), signed in to SA_LAX with the password alone.
    const open = await h.tenant('SA Open');
    await h.member(open.workspaceId, 'carol@example.com', 'admin');
    await h.member(lax.workspaceId, 'carol@example.com', 'developer');
    const carol = await passwordSession(h, 'carol@example.com', lax.workspaceId);
    const openMembers = `/api/v1/workspaces/${open.workspaceId}/members`;
    expect((await h.api('GET', openMembers, { cookie: carol })).status).toBe(200);

    // SA_OPEN's admin (own authenticator, session that passed it) switches the requirement on.
    await h.member(open.workspaceId, 'olga@example.com', 'admin');
    await h.makeSuperAppAdmin(open.superAppId, 'olga@example.com');
    const { key } = await h.activateTotp(await passwordSession(h, 'olga@example.com', open.workspaceId));
    const olga = await totpSession(h, 'olga@example.com', key, open.workspaceId);
    const put = await h.api('PUT', `/api/v1/super-apps/${open.superAppId}/two-factor-policy`, { cookie: olga, body: STRICT_POLICY });
    expect(put.status, JSON.stringify(put.body)).toBe(200);

    // Carol's unrelated session lives on, but has no authority over SA_OPEN any more.
    expect((await h.api('GET', '/api/v1/session', { cookie: carol })).status).toBe(200);
    const refused = await h.api('GET', openMembers, { cookie: carol });
    expectProblem(refused, 403, 'second_factor_required_for_super_app');
    expect(refused.body.superApp).toEqual({ id: open.superAppId, name: 'SA Open' });
  });

  it('a session that passed a factor the rule does not accept is refused: an emailed code for an authenticator-only super app', async () => {
    const totpOnly = await h.tenant('SA Totp', { required: true, primaryMethod: 'totp', secondaryMethod: null });
    await h.member(totpOnly.workspaceId, VICTIM, 'admin');
    await h.makeSuperAppAdmin(totpOnly.superAppId, VICTIM);
    const cookie = await passwordSession(h, VICTIM, lax.workspaceId);
    const started = await stepUp(h, cookie, strict.superAppId);
    const elevated = (await passWithEmail(h, started.body.challenge.id, VICTIM, cookie)).sessionCookie!;
    const refused = await h.api('GET', `/api/v1/super-apps/${totpOnly.superAppId}/two-factor-policy`, { cookie: elevated });
    expectProblem(refused, 403, 'second_factor_required_for_super_app');
    expect(refused.body.methods).toEqual(['totp_enrollment']);
  });

  it("turning one's own authenticator off takes away the authority it gave over a super app that requires one", async () => {
    const totpOnly = await h.tenant('SA Totp', { required: true, primaryMethod: 'totp', secondaryMethod: null });
    await h.member(totpOnly.workspaceId, 'tess@example.com', 'admin');
    await h.member(lax.workspaceId, 'tess@example.com', 'developer');
    const { key } = await h.activateTotp(await passwordSession(h, 'tess@example.com', lax.workspaceId));
    const cookie = await totpSession(h, 'tess@example.com', key, lax.workspaceId);
    const members = `/api/v1/workspaces/${totpOnly.workspaceId}/members`;
    expect((await h.api('GET', members, { cookie })).status).toBe(200);
    h.clock.advanceSeconds(30);
    const off = await h.api('POST', '/api/v1/account/two-factor/deactivation', { cookie, body: { password: PASSWORD, method: 'totp', code: h.totp(key) } });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const refused = await h.api('GET', members, { cookie });
    expectProblem(refused, 403, 'second_factor_required_for_super_app');
    expect(refused.body.methods).toEqual(['totp_enrollment']);
  });

  it('a non-admin still gets 403 forbidden, without the super app being named', async () => {
    await h.member(lax.workspaceId, 'dave@example.com', 'developer');
    const cookie = await passwordSession(h, 'dave@example.com', lax.workspaceId);
    const refused = await h.api('GET', policyUrl(), { cookie });
    expectProblem(refused, 403, 'forbidden');
    expect(refused.body.superApp).toBeUndefined();
  });
});
