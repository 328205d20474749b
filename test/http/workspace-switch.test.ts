import { afterEach, beforeEach, expect, it } from 'vitest';
import { login, passwordSession, passWithEmail, switchWorkspace, totpSession, verify } from '../support/authority.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

/** `POST /api/v1/session/workspace` and the `workspaces` of `GET /api/v1/session` (issue 11). */

const ANN = 'ann@example.com';
const MINUTE = 60;

describeEachDialect('workspace switching (%s)', (dialect) => {
  let h: Harness;
  let lax: { superAppId: string; workspaceId: string };
  let open: { superAppId: string; workspaceId: string };
  let strict: { superAppId: string; workspaceId: string };
  let totpOnly: { superAppId: string; workspaceId: string };

  beforeEach(async () => {
    h = await createHarness(dialect);
    lax = await h.tenant('Lax');
    open = await h.tenant('Open');
    strict = await h.tenant('Strict', { required: true, primaryMethod: 'email', secondaryMethod: null });
    totpOnly = await h.tenant('Totp Only', { required: true, primaryMethod: 'totp', secondaryMethod: null });
    // Memberships a second apart, so "first workspace" and the listing order are fixed.
    for (const [tenant, role] of [
      [lax, 'developer'],
      [open, 'admin'],
      [strict, 'developer'],
      [totpOnly, 'developer'],
    ] as const) {
      await h.member(tenant.workspaceId, ANN, role);
      h.clock.advanceSeconds(1);
    }
  });
  afterEach(async () => h?.close());

  const session = (cookie: string) => h.api('GET', '/api/v1/session', { cookie });

  it('GET /api/v1/session lists every workspace of the account with role and super app', async () => {
    const cookie = await passwordSession(h, ANN, lax.workspaceId);
    const body = (await session(cookie)).body;
    expect(body.workspace).toMatchObject({ id: lax.workspaceId });
    expect(body.workspaces).toEqual([
      { id: lax.workspaceId, name: 'Workspace 1', role: 'developer', superApp: { id: lax.superAppId, name: 'Lax' } },
      { id: open.workspaceId, name: 'Workspace 2', role: 'admin', superApp: { id: open.superAppId, name: 'Open' } },
      { id: strict.workspaceId, name: 'Workspace 3', role: 'developer', superApp: { id: strict.superAppId, name: 'Strict' } },
      { id: totpOnly.workspaceId, name: 'Workspace 4', role: 'developer', superApp: { id: totpOnly.superAppId, name: 'Totp Only' } },
    ]);
  });

  it('switches at once into a workspace whose rule the session satisfies: new token, the old one dies', async () => {
    const cookie = await passwordSession(h, ANN, lax.workspaceId);
    const switched = await switchWorkspace(h, cookie, open.workspaceId);
    expect(switched.status).toBe(200);
    expect(switched.body).toMatchObject({
      status: 'authenticated',
      account: { email: ANN },
      workspace: { id: open.workspaceId, role: 'admin', superApp: { id: open.superAppId } },
    });
    const next = switched.sessionCookie!;
    expect(next).toBeDefined();
    expect(next).not.toBe(cookie);
    expectProblem(await session(cookie), 401, 'unauthenticated');
    expect((await session(next)).body).toMatchObject({ workspace: { id: open.workspaceId }, secondFactorVerified: false });
  });

  it("asks for the stricter super app's factor exactly like login, then moves the session; it keeps that factor afterwards", async () => {
    const cookie = await passwordSession(h, ANN, lax.workspaceId);
    const started = await switchWorkspace(h, cookie, strict.workspaceId);
    expect(started.status).toBe(200);
    expect(started.sessionCookie).toBeUndefined();
    expect(started.body.status).toBe('second_factor_required');
    expect(started.body.challenge).toMatchObject({
      methods: ['email'],
      primaryMethod: 'email',
      reason: 'super_app_policy',
      superApp: { id: strict.superAppId, name: 'Strict' },
      workspace: { id: strict.workspaceId },
      sentTo: 'a***@example.com',
    });
    // Until the factor passes, the old session still works and is still where it was.
    expect((await session(cookie)).body.workspace.id).toBe(lax.workspaceId);

    const verified = await passWithEmail(h, started.body.challenge.id, ANN, cookie);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({ status: 'authenticated', workspace: { id: strict.workspaceId } });
    expect(h.mailer.to(ANN).at(-1)!.text).toContain('switch to the workspace');
    const inStrict = verified.sessionCookie!;
    expectProblem(await session(cookie), 401, 'unauthenticated');
    expect((await session(inStrict)).body).toMatchObject({ workspace: { id: strict.workspaceId }, secondFactorVerified: true });

    // Back to Lax and into Strict again: the emailed code still counts, nothing is asked.
    const back = await switchWorkspace(h, inStrict, lax.workspaceId);
    expect(back.body.status).toBe('authenticated');
    const again = await switchWorkspace(h, back.sessionCookie!, strict.workspaceId);
    expect(again.body.status).toBe('authenticated');
    expect((await session(again.sessionCookie!)).body).toMatchObject({ workspace: { id: strict.workspaceId }, secondFactorVerified: true });
  });

  it('asks for enrolment when the super app requires an authenticator the account does not have', async () => {
    const cookie = await passwordSession(h, ANN, lax.workspaceId);
    const started = await switchWorkspace(h, cookie, totpOnly.workspaceId);
    expect(started.body.status).toBe('enrollment_required');
    expect(started.body.challenge).toMatchObject({ methods: ['totp_enrollment'], workspace: { id: totpOnly.workspaceId } });
  });

  it("with the account's own authenticator passed, switches into every workspace at once", async () => {
    const { key } = await h.activateTotp(await passwordSession(h, ANN, lax.workspaceId));
    const cookie = await totpSession(h, ANN, key, lax.workspaceId);
    const intoStrict = await switchWorkspace(h, cookie, strict.workspaceId);
    expect(intoStrict.body.status).toBe('authenticated');
    const intoTotpOnly = await switchWorkspace(h, intoStrict.sessionCookie!, totpOnly.workspaceId);
    expect(intoTotpOnly.body.status).toBe('authenticated');
  });

  it('refuses a workspace the account is not a member of with 403 not_a_member and keeps the session', async () => {
    const other = await h.tenant('Elsewhere');
    const cookie = await passwordSession(h, ANN, lax.workspaceId);
    expectProblem(await switchWorkspace(h, cookie, other.workspaceId), 403, 'not_a_member');
    expectProblem(await switchWorkspace(h, cookie, 'no-such-workspace'), 403, 'not_a_member');
    expect((await session(cookie)).body.workspace.id).toBe(lax.workspaceId);
  });

  it('after the re-authentication window a switch that needs a factor answers 401 reauthentication_required, until the password is re-entered', async () => {
    const cookie = await passwordSession(h, ANN, lax.workspaceId);
    h.clock.advanceSeconds(10 * MINUTE);
    expect((await session(cookie)).status).toBe(200);
    h.clock.advanceSeconds(6 * MINUTE);
    expectProblem(await switchWorkspace(h, cookie, strict.workspaceId), 401, 'reauthentication_required');
    expect(h.mailer.to(ANN)).toEqual([]);
    expect((await h.api('POST', '/api/v1/session/reauthenticate', { cookie, body: { password: PASSWORD } })).status).toBe(200);
    expect((await switchWorkspace(h, cookie, strict.workspaceId)).body.status).toBe('second_factor_required');
  });

  it("a switch that needs no factor keeps the session's password time: the window is not renewed by switching", async () => {
    const cookie = await passwordSession(h, ANN, lax.workspaceId);
    h.clock.advanceSeconds(16 * MINUTE);
    const switched = await switchWorkspace(h, cookie, open.workspaceId);
    expect(switched.body.status).toBe('authenticated');
    expectProblem(await switchWorkspace(h, switched.sessionCookie!, strict.workspaceId), 401, 'reauthentication_required');
  });

  it('a switch challenge is completed only with the session that asked for it', async () => {
    const cookie = await passwordSession(h, ANN, lax.workspaceId);
    const started = await switchWorkspace(h, cookie, strict.workspaceId);
    await h.api('POST', `/api/v1/auth/challenges/${started.body.challenge.id}/email-code`);
    const code = h.mailer.lastCode(ANN);
    expectProblem(await verify(h, started.body.challenge.id, 'email', code), 410, 'challenge_expired');
    // The asking session ended meanwhile (logout): the challenge elevates nothing.
    await h.api('POST', '/api/v1/auth/logout', { cookie });
    expectProblem(await verify(h, started.body.challenge.id, 'email', code, cookie), 410, 'challenge_expired');
    expect(await h.deps.db.selectFrom('sessions').select('id').execute()).toEqual([]);
  });

  it('answers 401 without a session and 400 for a malformed body', async () => {
    expectProblem(await h.api('POST', '/api/v1/session/workspace', { body: { workspaceId: lax.workspaceId } }), 401, 'unauthenticated');
    const cookie = await passwordSession(h, ANN, lax.workspaceId);
    expectProblem(await h.api('POST', '/api/v1/session/workspace', { cookie, body: {} }), 400, 'invalid_request');
    expectProblem(await h.api('POST', '/api/v1/session/workspace', { cookie, body: { workspaceId: 'bad id!' } }), 400, 'invalid_request');
    expectProblem(await h.api('POST', '/api/v1/session/workspace', { cookie, body: { workspaceId: lax.workspaceId, extra: 1 } }), 400, 'invalid_request');
  });

  it('a login still signs in to the first workspace, and to a chosen one with workspaceId', async () => {
    expect((await login(h, ANN)).body.workspace.id).toBe(lax.workspaceId);
    expect((await login(h, ANN, open.workspaceId)).body.workspace.id).toBe(open.workspaceId);
  });
});
