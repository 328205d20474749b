import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { emailSession, secondFactorSession } from '../support/authority.js';
import { updatePolicy } from '../../src/services/operator.js';

/**
 * Session lifetime (idle 30 min, absolute 12 h, as the harness configures like production),
 * the 15-minute recent-authentication rule for sensitive changes, and sessions ending when
 * an account's 2FA is removed.
 */

const ADMIN = 'alice@example.com';
const MEMBER = 'bob@example.com';
const MINUTE = 60;

describeEachDialect('session lifetime and re-authentication (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function setUp() {
    h = await createHarness(dialect);
    const { superAppId, workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, ADMIN, 'admin');
    await h.makeSuperAppAdmin(superAppId, ADMIN);
    const bob = await h.member(workspaceId, MEMBER, 'developer');
    return { superAppId, workspaceId, bob };
  }

  const session = (cookie: string) => h.api('GET', '/api/v1/session', { cookie });

  async function sessionCount(email: string): Promise<number> {
    const rows = await h.deps.db
      .selectFrom('sessions')
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .select('sessions.id')
      .where('accounts.email_key', '=', email)
      .execute();
    return rows.length;
  }

  it('a session dies after 30 idle minutes (and its row is deleted)', async () => {
    await setUp();
    const cookie = await h.loginSession(ADMIN);
    h.clock.advanceSeconds(30 * MINUTE - 1);
    expect((await session(cookie)).status).toBe(200);
    h.clock.advanceSeconds(30 * MINUTE - 1);
    expect((await session(cookie)).status).toBe(200);

    h.clock.advanceSeconds(30 * MINUTE);
    expectProblem(await session(cookie), 401, 'unauthenticated');
    expect(await sessionCount(ADMIN)).toBe(0);
  });

  it('activity keeps a session alive, but never past 12 hours', async () => {
    await setUp();
    const cookie = await h.loginSession(ADMIN);
    for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
      h.clock.advanceSeconds(20 * MINUTE);
      expect((await session(cookie)).status, `after ${minutes} minutes`).toBe(200);
    }
    h.clock.advanceSeconds(20 * MINUTE); // exactly 12 h after sign-in
    expectProblem(await session(cookie), 401, 'unauthenticated');
    expect(await sessionCount(ADMIN)).toBe(0);
  });

  it('a session signed in 16 minutes ago cannot start activation, change the policy or reset a member until the password is re-entered', async () => {
    const { superAppId, workspaceId, bob } = await setUp();
    // Policy changes and resets need a session that passed a second factor, and a reset needs
    // something to reset (issue 11): Acme asks for an emailed code, Bob has an authenticator.
    await updatePolicy(h.deps, superAppId, { required: true, primaryMethod: 'email', secondaryMethod: null });
    await h.activateTotp(await emailSession(h, MEMBER, workspaceId));
    const resetMails = () =>
      h.mailer
        .to(MEMBER)
        .filter((m) => /reset/i.test(m.subject))
        .map((m) => m.subject);
    const cookie = await emailSession(h, ADMIN, workspaceId);
    const policy = { required: true, primaryMethod: 'totp', secondaryMethod: 'email', allowDeactivation: false };
    const startActivation = () => h.api('POST', '/api/v1/account/two-factor/activation', { cookie });
    const changePolicy = () => h.api('PUT', `/api/v1/super-apps/${superAppId}/two-factor-policy`, { cookie, body: policy });
    const resetBob = () => h.api('POST', `/api/v1/workspaces/${workspaceId}/members/${bob.id}/two-factor/reset`, { cookie });

    // Activity in between keeps the session alive but does not renew the password proof.
    h.clock.advanceSeconds(10 * MINUTE);
    expect((await session(cookie)).status).toBe(200);
    h.clock.advanceSeconds(6 * MINUTE);
    for (const attempt of [startActivation, changePolicy, resetBob]) expectProblem(await attempt(), 401, 'reauthentication_required');
    expect(await h.deps.db.selectFrom('totp_factors').select('account_id').where('status', '=', 'pending').execute()).toEqual([]);
    expect((await h.api('GET', `/api/v1/super-apps/${superAppId}/two-factor-policy`, { cookie })).body).toMatchObject({
      primaryMethod: 'email',
      secondaryMethod: null,
    });
    expect(resetMails()).toEqual([]);

    expectProblem(await h.api('POST', '/api/v1/session/reauthenticate', { cookie, body: { password: 'wrong password here' } }), 401, 'invalid_credentials');
    expectProblem(await startActivation(), 401, 'reauthentication_required');

    const reauthenticated = await h.api('POST', '/api/v1/session/reauthenticate', { cookie, body: { password: PASSWORD } });
    expect(reauthenticated.status).toBe(200);
    const activation = await startActivation();
    expect(activation.status, JSON.stringify(activation.body)).toBe(201);
    const policyChange = await changePolicy();
    expect(policyChange.status, JSON.stringify(policyChange.body)).toBe(200);
    const reset = await resetBob();
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(resetMails()).toEqual(['Mini Program Platform: Your two-factor authentication was reset']);

    // The renewed proof lasts 15 minutes too.
    h.clock.advanceSeconds(16 * MINUTE);
    expectProblem(await h.api('POST', '/api/v1/account/two-factor/activation', { cookie }), 401, 'reauthentication_required');
  });

  it('deactivation needs the password in the body even from a fresh session, and ends the other sessions', async () => {
    await setUp();
    const current = await h.loginSession(ADMIN);
    const passwordOnly = await h.loginSession(ADMIN);
    const { key } = await h.activateTotp(current);
    // Activation ends the sessions that signed in with the password alone.
    expectProblem(await session(passwordOnly), 401, 'unauthenticated');
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: ADMIN, password: PASSWORD } });
    const other = (await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'totp', code: h.totp(key) } }))
      .sessionCookie!;
    h.clock.advanceSeconds(30);

    expectProblem(
      await h.api('POST', '/api/v1/account/two-factor/deactivation', { cookie: current, body: { method: 'totp', code: h.totp(key) } }),
      400,
      'invalid_request',
    );
    expectProblem(
      await h.api('POST', '/api/v1/account/two-factor/deactivation', {
        cookie: current,
        body: { password: 'wrong password here', method: 'totp', code: h.totp(key) },
      }),
      401,
      'invalid_credentials',
    );
    expect((await h.api('GET', '/api/v1/account/two-factor', { cookie: current })).body.active).toBe(true);
    expect((await session(other)).status).toBe(200);

    const done = await h.api('POST', '/api/v1/account/two-factor/deactivation', {
      cookie: current,
      body: { password: PASSWORD, method: 'totp', code: h.totp(key) },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await session(current)).status).toBe(200);
    expectProblem(await session(other), 401, 'unauthenticated');
    expect(await sessionCount(ADMIN)).toBe(1);
  });

  it('requiring 2FA ends the password-only sessions into the super app, except the admin session that made the change', async () => {
    const { superAppId } = await setUp();
    // Switching a requirement on needs the admin's own authenticator and a session that passed it (issue 11).
    const { cookie: admin } = await secondFactorSession(h, ADMIN);
    const bob = await h.loginSession(MEMBER);
    const policy = { required: true, primaryMethod: 'email', secondaryMethod: null, allowDeactivation: true };
    expect((await h.api('PUT', `/api/v1/super-apps/${superAppId}/two-factor-policy`, { cookie: admin, body: policy })).status).toBe(200);
    expect((await session(admin)).status).toBe(200);
    expectProblem(await session(bob), 401, 'unauthenticated');
    const again = await h.api('POST', '/api/v1/auth/login', { body: { email: MEMBER, password: PASSWORD } });
    expect(again.body.status).toBe('second_factor_required');
  });

  it("an admin reset of a member's 2FA ends all of that member's sessions", async () => {
    const { workspaceId, bob } = await setUp();
    const bobFirst = await h.loginSession(MEMBER);
    const bobSecond = await h.loginSession(MEMBER);
    await h.activateTotp(bobFirst);
    const { cookie: admin } = await secondFactorSession(h, ADMIN);

    const reset = await h.api('POST', `/api/v1/workspaces/${workspaceId}/members/${bob.id}/two-factor/reset`, { cookie: admin });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);

    expectProblem(await session(bobFirst), 401, 'unauthenticated');
    expectProblem(await session(bobSecond), 401, 'unauthenticated');
    expect(await sessionCount(MEMBER)).toBe(0);
    expect((await session(admin)).status).toBe(200);
  });
});
