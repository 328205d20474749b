import { afterEach, beforeEach, expect, it } from 'vitest';
import { resetAccountTwoFactor } from '../../src/services/operator.js';
import { login, passwordSession, secondFactorSession, verify } from '../support/authority.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness } from '../support/harness.js';

/**
 * A reset turns a member's 2FA off account-wide, so one tenant's admin may reset it only
 * when they administer every super app that forbids that member's deactivation (issue 11).
 */

const ALICE = 'alice@example.com';
const MO = 'mo@example.com';
const CARL = 'carl@example.com';

describeEachDialect('2FA reset across tenants (%s)', (dialect) => {
  let h: Harness;
  let acme: { superAppId: string; workspaceId: string };
  let bolt: { superAppId: string; workspaceId: string };
  let calm: { superAppId: string; workspaceId: string };
  let mo: { id: string };
  let alice: string;

  beforeEach(async () => {
    h = await createHarness(dialect);
    // Alice administers Acme. Mo works in Acme, Bolt (forbids deactivation) and Calm (Carl administers it).
    acme = await h.tenant('Acme');
    bolt = await h.tenant('Bolt', { allowDeactivation: false });
    calm = await h.tenant('Calm');
    await h.member(acme.workspaceId, ALICE, 'admin');
    await h.makeSuperAppAdmin(acme.superAppId, ALICE);
    await h.member(calm.workspaceId, CARL, 'admin');
    await h.makeSuperAppAdmin(calm.superAppId, CARL);
    mo = await h.member(acme.workspaceId, MO, 'developer');
    await h.member(bolt.workspaceId, MO, 'developer');
    await h.member(calm.workspaceId, MO, 'developer');
    await h.activateTotp(await h.loginSession(MO));
    alice = (await secondFactorSession(h, ALICE)).cookie;
    h.mailer.sent.length = 0;
  });
  afterEach(async () => h?.close());

  const resetMo = () => h.api('POST', `/api/v1/workspaces/${acme.workspaceId}/members/${mo.id}/two-factor/reset`, { cookie: alice });
  const moIsActive = async () =>
    (await h.deps.db.selectFrom('totp_factors').select('status').where('account_id', '=', mo.id).executeTakeFirst())?.status === 'active';
  const resetMails = () => h.mailer.to(MO).filter((m) => /reset/i.test(m.subject));
  const resetEvents = async () => h.deps.db.selectFrom('audit_events').selectAll().where('type', '=', 'two_factor.reset').execute();

  it('refuses an admin of one super app when another super app of the member forbids deactivation: 403 reset_forbidden_by_super_app', async () => {
    const refused = await resetMo();
    expectProblem(refused, 403, 'reset_forbidden_by_super_app');
    expect(refused.body.superApps).toEqual([{ id: bolt.superAppId, name: 'Bolt' }]);
    expect(await moIsActive()).toBe(true);
    expect(resetMails()).toEqual([]);
    expect(await resetEvents()).toEqual([]);
  });

  it('allows the reset when the admin administers every super app that forbids it, and every super app of the member sees it', async () => {
    await h.makeSuperAppAdmin(bolt.superAppId, ALICE);
    const reset = await resetMo();
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(await moIsActive()).toBe(false);

    // Calm's admin (password-only session, Calm asks no second factor) reads it in Calm's log.
    const carl = await passwordSession(h, CARL, calm.workspaceId);
    const calmLog = await h.api('GET', `/api/v1/super-apps/${calm.superAppId}/audit-events`, { cookie: carl });
    expect(calmLog.status).toBe(200);
    expect(calmLog.body.events.filter((e: { type: string }) => e.type === 'two_factor.reset')).toEqual([
      expect.objectContaining({ accountId: mo.id, superAppId: acme.superAppId, details: expect.objectContaining({ by: 'super_app_admin' }) }),
    ]);
  });

  it('the reset email names the admin, their super app and when', async () => {
    await h.makeSuperAppAdmin(bolt.superAppId, ALICE);
    expect((await resetMo()).status).toBe(200);
    const [mail] = resetMails();
    expect(resetMails()).toHaveLength(1);
    expect(mail!.text).toContain('Reset by: alice, an admin of Acme');
    expect(mail!.text).toContain(`When: ${h.clock.now().toUTCString()}`);
  });

  it('the operator can always reset, and the email says an operator did', async () => {
    expect(await resetAccountTwoFactor(h.deps, MO)).toEqual({ active: false });
    await h.deps.outbox.settle();
    expect(await moIsActive()).toBe(false);
    expect(resetMails()).toHaveLength(1);
    expect(resetMails()[0]!.text).toMatch(/Reset by: an operator/);
    expect(await resetEvents()).toHaveLength(1);
  });

  it('answers 409 two_factor_not_active for a member without 2FA: no email, no reset in the audit log', async () => {
    const plain = await h.member(acme.workspaceId, 'pat@example.com', 'developer');
    const refused = await h.api('POST', `/api/v1/workspaces/${acme.workspaceId}/members/${plain.id}/two-factor/reset`, { cookie: alice });
    expectProblem(refused, 409, 'two_factor_not_active');
    expect(h.mailer.to('pat@example.com')).toEqual([]);
    expect(await resetEvents()).toEqual([]);
    // The operator's reset of nothing changes, mails and records nothing either.
    expect(await resetAccountTwoFactor(h.deps, 'pat@example.com')).toEqual({ active: false });
    expect(h.mailer.to('pat@example.com')).toEqual([]);
    expect(await resetEvents()).toEqual([]);
  });

  it('a member locked out by wrong emailed codes, without an authenticator, can still be reset: the lock is lifted', async () => {
    const dart = await h.tenant('Dart', { required: true, primaryMethod: 'email', secondaryMethod: null });
    await h.makeSuperAppAdmin(dart.superAppId, ALICE);
    const lee = await h.member(dart.workspaceId, 'lee@example.com', 'developer');
    for (let round = 0; round < 2; round += 1) {
      const started = await login(h, 'lee@example.com');
      for (let i = 0; i < 5; i += 1) await verify(h, started.body.challenge.id, 'email', '000000');
    }
    const locked = await h.deps.db.selectFrom('accounts').select('second_factor_locked_until').where('id', '=', lee.id).executeTakeFirstOrThrow();
    expect(locked.second_factor_locked_until).not.toBeNull();
    const reset = await h.api('POST', `/api/v1/workspaces/${dart.workspaceId}/members/${lee.id}/two-factor/reset`, { cookie: alice });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    const after = await h.deps.db
      .selectFrom('accounts')
      .select(['second_factor_locked_until', 'second_factor_failures'])
      .where('id', '=', lee.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ second_factor_locked_until: null, second_factor_failures: 0 });
  });

  it('a second reset of the same member answers 409: one reset wins', async () => {
    await h.makeSuperAppAdmin(bolt.superAppId, ALICE);
    const [first, second] = await Promise.all([resetMo(), resetMo()]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect(resetMails()).toHaveLength(1);
    expect(await resetEvents()).toHaveLength(1);
  });
});
