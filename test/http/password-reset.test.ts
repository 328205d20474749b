import { afterEach, expect, it, vi } from 'vitest';
import { PASSWORD_RESET_RESEND_SECONDS, PASSWORD_RESET_TTL_SECONDS } from '../../src/domain/limits.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

const ALICE = 'alice@example.com';
const NOBODY = 'nobody@example.com';
const NEW_PASSWORD = 'a new and much longer passphrase';

describeEachDialect('forgot password: an emailed single-use link (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function setUp(): Promise<string> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, ALICE);
    return h.loginSession(ALICE);
  }

  const ask = (email: string) => h.api('POST', '/api/v1/auth/password-reset', { body: { email } });
  const describeLink = (token: string) => h.api('GET', `/api/v1/auth/password-reset/${token}`);
  const reset = (token: string, body: Record<string, unknown>) => h.api('POST', `/api/v1/auth/password-reset/${token}`, { body });
  const loginAs = (password: string) => h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password } });

  /** Asks for a link and waits until it was emailed (links are written and sent after the answer). */
  async function askAndReceive(): Promise<string> {
    const before = resetMails();
    expect((await ask(ALICE)).status).toBe(202);
    await vi.waitFor(() => expect(resetMails()).toBe(before + 1));
    return lastToken();
  }

  /** The token of the newest reset email to Alice (it travels in the link's fragment). */
  function lastToken(): string {
    const mail = h.mailer
      .to(ALICE)
      .filter((m) => m.subject.includes('reset your password'))
      .at(-1);
    const match = mail?.text.match(/\/reset-password#([A-Za-z0-9_-]+)/);
    if (!match) throw new Error('no reset link was emailed');
    return match[1]!;
  }
  const resetMails = () => h.mailer.to(ALICE).filter((m) => m.subject.includes('reset your password')).length;

  it('answers the same 202 for a known and an unknown email; only the known one gets a link', async () => {
    await setUp();
    const known = await ask(ALICE);
    const unknown = await ask(NOBODY);
    await vi.waitFor(() => expect(resetMails()).toBe(1));
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
    expect(known.body).toEqual({ expiresInMinutes: PASSWORD_RESET_TTL_SECONDS / 60 });
    expect(resetMails()).toBe(1);
    expect(h.mailer.to(NOBODY)).toHaveLength(0);
    // Only the token's hash is stored.
    const token = lastToken();
    expect(JSON.stringify(await h.deps.db.selectFrom('password_resets').selectAll().execute())).not.toContain(token);
  });

  it('sets a new password once, ends every session, signs no one in, and tells the owner', async () => {
    const cookie = await setUp();
    const token = await askAndReceive();
    expect((await describeLink(token)).body).toMatchObject({ secondFactorRequired: false, methods: [] });
    expectProblem(await reset(token, { newPassword: 'password' }), 400, 'weak_password');
    const done = await reset(token, { newPassword: NEW_PASSWORD });
    expect(done.status, JSON.stringify(done.body)).toBe(204);
    expect(done.sessionCookie).toBeUndefined();
    expectProblem(await h.api('GET', '/api/v1/session', { cookie }), 401, 'unauthenticated');
    expectProblem(await loginAs(PASSWORD), 401, 'invalid_credentials');
    expect((await loginAs(NEW_PASSWORD)).status).toBe(200);
    expect(h.mailer.to(ALICE).map((m) => m.subject)).toContain('Mini Program Platform: Your password was reset');
    // Used up.
    expectProblem(await reset(token, { newPassword: 'yet another long passphrase' }), 410, 'password_reset_expired');
    expectProblem(await describeLink(token), 410, 'password_reset_expired');
  });

  it('one new link a minute; a newer link kills the older one; a link dies after 30 minutes', async () => {
    await setUp();
    const first = await askAndReceive();
    h.clock.advanceSeconds(PASSWORD_RESET_RESEND_SECONDS - 1);
    await ask(ALICE);
    h.clock.advanceSeconds(2);
    const second = await askAndReceive();
    // The ask inside the minute sent nothing: only two emails in all.
    expect(resetMails()).toBe(2);
    expectProblem(await reset(first, { newPassword: NEW_PASSWORD }), 410, 'password_reset_expired');
    h.clock.advanceSeconds(PASSWORD_RESET_TTL_SECONDS);
    expectProblem(await reset(second, { newPassword: NEW_PASSWORD }), 410, 'password_reset_expired');
    expect((await loginAs(PASSWORD)).status).toBe(200);
  });

  it('never bypasses the second factor: an account with an authenticator must give a code from it or a recovery code', async () => {
    const cookie = await setUp();
    const { key, recoveryCodes } = await h.activateTotp(cookie);
    const token = await askAndReceive();
    expect((await describeLink(token)).body).toMatchObject({ secondFactorRequired: true, methods: ['totp', 'recovery_code'] });
    expectProblem(await reset(token, { newPassword: NEW_PASSWORD }), 403, 'second_factor_code_required');
    // An email code would come from the same mailbox as the link: it is not accepted.
    expectProblem(await reset(token, { newPassword: NEW_PASSWORD, method: 'email', code: '123456' }), 400, 'invalid_request');
    const wrong = h.totp(key) === '000000' ? '111111' : '000000';
    expectProblem(await reset(token, { newPassword: NEW_PASSWORD, method: 'totp', code: wrong }), 401, 'invalid_code');
    expectProblem(await loginAs(NEW_PASSWORD), 401, 'invalid_credentials');
    expect((await reset(token, { newPassword: NEW_PASSWORD, method: 'recovery_code', code: recoveryCodes[1] })).status).toBe(204);
    const login = await loginAs(NEW_PASSWORD);
    expect(login.body.status).toBe('second_factor_required');
    expect(login.sessionCookie).toBeUndefined();
  });

  it('an unknown, malformed or oversized token is refused without a 5xx', async () => {
    await setUp();
    expectProblem(await describeLink('A'.repeat(43)), 410, 'password_reset_expired');
    expectProblem(await reset('A'.repeat(43), { newPassword: NEW_PASSWORD }), 410, 'password_reset_expired');
    expectProblem(await describeLink('not*a*token'), 400, 'invalid_request');
    expectProblem(await reset('B'.repeat(300), { newPassword: NEW_PASSWORD }), 400, 'invalid_request');
    expectProblem(await ask('x'.repeat(300)), 400, 'invalid_request');
  });
});
