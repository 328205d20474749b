import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness } from '../support/harness.js';
import { secondFactorSession } from '../support/authority.js';

interface Person {
  id: string;
  email: string;
  session: string;
}

describeEachDialect('workspace members and 2FA reset (%s)', (dialect) => {
  let h: Harness;
  let acme: { superAppId: string; workspaceId: string };
  /** alice: workspace admin and super app admin · bob: developer with 2FA · dave: workspace admin only · oscar: admin elsewhere. */
  let alice: Person;
  let bob: Person;
  let dave: Person;
  let oscar: Person;
  let bobRecoveryCodes: string[];
  let bobSecret: string;

  async function person(workspaceId: string, email: string, role: 'admin' | 'developer'): Promise<Person> {
    const { id } = await h.member(workspaceId, email, role);
    return { id, email, session: await h.loginSession(email) };
  }

  beforeEach(async () => {
    h = await createHarness(dialect);
    acme = await h.tenant('Acme Super App');
    const other = await h.tenant('Other Super App');
    alice = await person(acme.workspaceId, 'alice@example.com', 'admin');
    await h.makeSuperAppAdmin(acme.superAppId, alice.email);
    bob = await person(acme.workspaceId, 'bob@example.com', 'developer');
    dave = await person(acme.workspaceId, 'dave@example.com', 'admin');
    oscar = await person(other.workspaceId, 'oscar@example.com', 'admin');
    await h.makeSuperAppAdmin(other.superAppId, oscar.email);
    ({ recoveryCodes: bobRecoveryCodes, secret: bobSecret } = await h.activateTotp(bob.session));
    // Resets need the admin's own second factor in the session (issue 11).
    alice.session = (await secondFactorSession(h, alice.email)).cookie;
  });
  afterEach(async () => h?.close());

  const membersUrl = () => `/api/v1/workspaces/${acme.workspaceId}/members`;
  const resetUrl = (accountId: string) => `/api/v1/workspaces/${acme.workspaceId}/members/${accountId}/two-factor/reset`;
  const bobIsActive = async () =>
    (await h.api('GET', membersUrl(), { cookie: alice.session })).body.members.find((m: { account: { id: string } }) => m.account.id === bob.id)
      .twoFactorActive;

  it('shows a workspace admin every member with role and 2FA status', async () => {
    const response = await h.api('GET', membersUrl(), { cookie: dave.session });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.body.members).toEqual([
      { account: { id: alice.id, email: 'alice@example.com', name: 'alice' }, role: 'admin', twoFactorActive: true },
      { account: { id: bob.id, email: 'bob@example.com', name: 'bob' }, role: 'developer', twoFactorActive: true },
      { account: { id: dave.id, email: 'dave@example.com', name: 'dave' }, role: 'admin', twoFactorActive: false },
    ]);
  });

  it('shows the members to the super app admin too', async () => {
    const response = await h.api('GET', membersUrl(), { cookie: alice.session });
    expect(response.status).toBe(200);
    expect(response.body.members).toHaveLength(3);
  });

  it('refuses a developer with 403 forbidden', async () => {
    expectProblem(await h.api('GET', membersUrl(), { cookie: bob.session }), 403, 'forbidden');
  });

  it('refuses the admin of another super app with 403 forbidden', async () => {
    expectProblem(await h.api('GET', membersUrl(), { cookie: oscar.session }), 403, 'forbidden');
  });

  it('answers 401 unauthenticated without a session', async () => {
    expectProblem(await h.api('GET', membersUrl()), 401, 'unauthenticated');
    expectProblem(await h.api('POST', resetUrl(bob.id)), 401, 'unauthenticated');
  });

  it("lets the super app admin reset a member's 2FA", async () => {
    const response = await h.api('POST', resetUrl(bob.id), { cookie: alice.session });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ active: false });
    expect(await bobIsActive()).toBe(false);
  });

  it('signs the member out everywhere when their 2FA is reset', async () => {
    await h.api('POST', resetUrl(bob.id), { cookie: alice.session });
    expectProblem(await h.api('GET', '/api/v1/session', { cookie: bob.session }), 401, 'unauthenticated');
    // Without a policy the password alone signs in again, and 2FA is off with no codes left.
    const session = await h.loginSession(bob.email);
    const status = await h.api('GET', '/api/v1/account/two-factor', { cookie: session });
    expect(status.body).toMatchObject({ active: false, method: null, recoveryCodesRemaining: 0 });
  });

  it("removes the member's authenticator and recovery codes when their 2FA is reset", async () => {
    await h.api('POST', resetUrl(bob.id), { cookie: alice.session });
    const { db } = h.deps;
    expect(await db.selectFrom('totp_factors').select('status').where('account_id', '=', bob.id).execute()).toEqual([]);
    expect(await db.selectFrom('recovery_codes').select('id').where('account_id', '=', bob.id).execute()).toEqual([]);
  });

  it('emails the member that their 2FA was reset, without any secret', async () => {
    await h.api('POST', resetUrl(bob.id), { cookie: alice.session });
    const notices = h.mailer.to(bob.email).filter((m) => /reset/i.test(m.subject));
    expect(notices).toHaveLength(1);
    const text = `${notices[0]!.subject}\n${notices[0]!.text}`;
    expect(text).toMatch(/signed out/i);
    expect(text).not.toMatch(/\b\d{6}\b/);
    expect(text).not.toContain(bobSecret);
    for (const code of bobRecoveryCodes) expect(text).not.toContain(code);
  });

  it('records a two_factor.reset audit event naming the admin', async () => {
    await h.api('POST', resetUrl(bob.id), { cookie: alice.session, headers: { 'user-agent': 'reset-test/1.0' } });
    const audit = await h.api('GET', `/api/v1/super-apps/${acme.superAppId}/audit-events`, { cookie: alice.session });
    const resets = audit.body.events.filter((e: { type: string }) => e.type === 'two_factor.reset');
    expect(resets).toHaveLength(1);
    expect(resets[0]).toMatchObject({ accountId: bob.id, actorAccountId: alice.id, superAppId: acme.superAppId, userAgent: 'reset-test/1.0' });
  });

  it('refuses a workspace admin who does not administer the super app with 403 forbidden', async () => {
    expectProblem(await h.api('POST', resetUrl(bob.id), { cookie: dave.session }), 403, 'forbidden');
    expect(await bobIsActive()).toBe(true);
    expect((await h.api('GET', '/api/v1/session', { cookie: bob.session })).status).toBe(200);
    expect(h.mailer.to(bob.email).filter((m) => /reset/i.test(m.subject))).toEqual([]);
  });

  it('refuses a developer and the admin of another super app with 403 forbidden', async () => {
    expectProblem(await h.api('POST', resetUrl(dave.id), { cookie: bob.session }), 403, 'forbidden');
    expectProblem(await h.api('POST', resetUrl(bob.id), { cookie: oscar.session }), 403, 'forbidden');
    expect(await bobIsActive()).toBe(true);
  });

  it('refuses to reset your own 2FA with 400 cannot_reset_own_two_factor', async () => {
    expectProblem(await h.api('POST', resetUrl(alice.id), { cookie: alice.session }), 400, 'cannot_reset_own_two_factor');
    const status = await h.api('GET', '/api/v1/account/two-factor', { cookie: alice.session });
    expect(status.body.active).toBe(true);
  });

  it('answers 404 not_found for an account that is not a member of the workspace', async () => {
    expectProblem(await h.api('POST', resetUrl(oscar.id), { cookie: alice.session }), 404, 'not_found');
    expect((await h.api('GET', '/api/v1/session', { cookie: oscar.session })).status).toBe(200);
    expect(h.mailer.to(oscar.email)).toEqual([]);
  });
});
