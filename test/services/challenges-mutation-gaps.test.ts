import { afterEach, expect, it } from 'vitest';
import { decodeTotpKey } from '../../src/domain/totp.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/**
 * Login-challenge details that mutation testing found unpinned (src/services/challenges.ts):
 * a challenge speaks of its own workspace (mail and answer) when the account has several,
 * and enrolment or a recovery code during login leave their own audit events.
 */

const CAROL = 'carol@example.com';

describeEachDialect('login challenge details (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  const login = (workspaceId: string) => h.api('POST', '/api/v1/auth/login', { body: { email: CAROL, password: PASSWORD, workspaceId } });
  const verify = (id: string, method: string, code: string) => h.api('POST', `/api/v1/auth/challenges/${id}/verify`, { body: { method, code } });
  const audit = async (type: string) =>
    (await h.deps.db.selectFrom('audit_events').selectAll().where('type', '=', type).execute()).map((e) => ({
      workspaceId: e.workspace_id,
      details: JSON.parse(e.details),
    }));

  // Mutations caught: the workspace looked up without matching the challenge's (first membership taken instead).
  it('with two workspaces, the code mail and the signed-in answer name the workspace the login asked for', async () => {
    h = await createHarness(dialect);
    const email = { required: true, primaryMethod: 'email', secondaryMethod: null } as const;
    const first = await h.tenant('First Super App', email);
    const second = await h.tenant('Second Super App', email);
    await h.member(first.workspaceId, CAROL, 'developer');
    await h.member(second.workspaceId, CAROL, 'developer');

    for (const [index, target] of [first, second].entries()) {
      if (index > 0) h.clock.advanceSeconds(60); // the resend cooldown
      const id = (await login(target.workspaceId)).body.challenge.id;
      expect((await h.api('POST', `/api/v1/auth/challenges/${id}/email-code`)).status).toBe(202);
      const name = `Workspace ${index + 1}`;
      const superApp = index === 0 ? 'First Super App' : 'Second Super App';
      const mail = h.mailer.to(CAROL).at(-1)!.text;
      expect(mail).toContain(`"${name}"`);
      expect(mail).toContain(superApp);
      const verified = await verify(id, 'email', h.mailer.lastCode(CAROL));
      expect(verified.status).toBe(200);
      expect(verified.body.workspace).toMatchObject({ id: target.workspaceId, name, superApp: { name: superApp } });
    }
  });

  // Mutations caught: the `two_factor.activated` event of an enrolment during login dropped, renamed or stripped.
  it('an enrolment during login is audited as an activation during login, in that workspace', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Strict Super App', { required: true, primaryMethod: 'totp', secondaryMethod: null });
    await h.member(workspaceId, CAROL, 'developer');
    const id = (await login(workspaceId)).body.challenge.id;
    const key = decodeTotpKey((await h.api('POST', `/api/v1/auth/challenges/${id}/enrollment`)).body.secret);
    expect((await verify(id, 'totp_enrollment', h.totp(key))).status).toBe(200);

    expect(await audit('two_factor.activated')).toEqual([{ workspaceId, details: { during: 'login' } }]);
    expect(await audit('recovery_code.used')).toEqual([]);
  });

  // Mutations caught: the `recovery_code.used` event dropped or renamed.
  it('a recovery code used to sign in is audited as such, and nothing is audited as an activation', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Plain Super App');
    await h.member(workspaceId, CAROL, 'developer');
    const { recoveryCodes } = await h.activateTotp(await h.loginSession(CAROL));
    const activations = (await audit('two_factor.activated')).length;

    const id = (await login(workspaceId)).body.challenge.id;
    expect((await verify(id, 'recovery_code', recoveryCodes[0]!)).status).toBe(200);
    expect(await audit('recovery_code.used')).toEqual([{ workspaceId, details: {} }]);
    expect(await audit('two_factor.activated')).toHaveLength(activations);
  });
});
