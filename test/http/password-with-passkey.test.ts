import { afterEach, expect, it, vi } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { addPasskey } from '../support/passkeys.js';
import { SoftwareAuthenticator } from '../support/webauthn.js';

/**
 * A password change or reset of an account whose second factor is a passkey (issue 13):
 * the passkey is the proof, as a code is for an authenticator; the reset page is told which
 * factors the account has, so a passkey-only account is not asked for an authenticator code.
 */

const ALICE = 'alice@example.com';
const NEW_PASSWORD = 'a new and much longer passphrase';
const IDENTITY_OPTIONS = '/api/v1/account/two-factor/webauthn';

describeEachDialect('password change and reset with a passkey (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function aliceWithPasskey() {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, ALICE);
    const cookie = await h.loginSession(ALICE);
    const { authenticator, recoveryCodes } = await addPasskey(h, cookie, 'Phone');
    return { cookie, authenticator, recoveryCodes: recoveryCodes! };
  }

  const loginAs = (password: string) => h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password } });

  async function resetToken(): Promise<string> {
    const before = h.mailer.to(ALICE).length;
    expect((await h.api('POST', '/api/v1/auth/password-reset', { body: { email: ALICE } })).status).toBe(202);
    await vi.waitFor(() => expect(h.mailer.to(ALICE).length).toBe(before + 1));
    const match = h.mailer
      .to(ALICE)
      .at(-1)
      ?.text.match(/\/reset-password#([A-Za-z0-9_-]+)/);
    if (!match) throw new Error('no reset link was emailed');
    return match[1]!;
  }

  it('changes the password with the current password and the passkey; without a proof the 403 names the passkey', async () => {
    const { cookie, authenticator } = await aliceWithPasskey();
    const asked = await h.api('POST', '/api/v1/account/password', { cookie, body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
    expectProblem(asked, 403, 'second_factor_code_required');
    expect(asked.body.methods).toEqual(['webauthn', 'recovery_code']);

    const options = await h.api('POST', IDENTITY_OPTIONS, { cookie });
    expect(options.status).toBe(200);
    const credential = authenticator.getAssertion(options.body.options);
    const changed = await h.api('POST', '/api/v1/account/password', {
      cookie,
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, method: 'webauthn', credential },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);
    expect((await loginAs(NEW_PASSWORD)).body.status).toBe('second_factor_required');
    // The assertion answered its options once: sent again it is refused, and the password stays.
    const replayed = await h.api('POST', '/api/v1/account/password', {
      cookie,
      body: { currentPassword: NEW_PASSWORD, newPassword: 'yet another long passphrase', method: 'webauthn', credential },
    });
    expectProblem(replayed, 401, 'invalid_code');
    expect((await loginAs(NEW_PASSWORD)).body.status).toBe('second_factor_required');
  });

  it('a passkey of another account does not change the password', async () => {
    const { cookie } = await aliceWithPasskey();
    const options = await h.api('POST', IDENTITY_OPTIONS, { cookie });
    const stranger = new SoftwareAuthenticator();
    const refused = await h.api('POST', '/api/v1/account/password', {
      cookie,
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, method: 'webauthn', credential: stranger.getAssertion(options.body.options) },
    });
    expectProblem(refused, 401, 'invalid_code');
    expect((await loginAs(PASSWORD)).body.status).toBe('second_factor_required');
  });

  it('the reset link of a passkey-only account asks for the passkey or a recovery code, never an authenticator code', async () => {
    const { authenticator } = await aliceWithPasskey();
    const token = await resetToken();
    const link = await h.api('GET', `/api/v1/auth/password-reset/${token}`);
    expect(link.body).toMatchObject({ secondFactorRequired: true, methods: ['webauthn', 'recovery_code'] });

    // An authenticator code is a wrong code for an account without an authenticator.
    const totp = await h.api('POST', `/api/v1/auth/password-reset/${token}`, { body: { newPassword: NEW_PASSWORD, method: 'totp', code: '123456' } });
    expectProblem(totp, 401, 'invalid_code');
    expect((await loginAs(PASSWORD)).body.status).toBe('second_factor_required');

    const options = await h.api('POST', `/api/v1/auth/password-reset/${token}/webauthn`);
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    expect(options.body.options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([authenticator.id]);
    const done = await h.api('POST', `/api/v1/auth/password-reset/${token}`, {
      body: { newPassword: NEW_PASSWORD, method: 'webauthn', credential: authenticator.getAssertion(options.body.options) },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(204);
    expect((await loginAs(NEW_PASSWORD)).body.status).toBe('second_factor_required');
    // The link is used up: its options are gone too.
    expectProblem(await h.api('POST', `/api/v1/auth/password-reset/${token}/webauthn`), 410, 'password_reset_expired');
  });

  it("reset options belong to their link: another link's options, or login options, do not reset the password", async () => {
    const { authenticator } = await aliceWithPasskey();
    const first = await resetToken();
    const early = await h.api('POST', `/api/v1/auth/password-reset/${first}/webauthn`);
    h.clock.advanceSeconds(61);
    const second = await resetToken();
    // The newer link killed the first one.
    expectProblem(await h.api('POST', `/api/v1/auth/password-reset/${first}/webauthn`), 410, 'password_reset_expired');
    const wrongLink = await h.api('POST', `/api/v1/auth/password-reset/${second}`, {
      body: { newPassword: NEW_PASSWORD, method: 'webauthn', credential: authenticator.getAssertion(early.body.options) },
    });
    expectProblem(wrongLink, 401, 'invalid_code');
    expect((await loginAs(PASSWORD)).body.status).toBe('second_factor_required');
  });

  it('an account without a passkey gets no reset options', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, ALICE);
    const cookie = await h.loginSession(ALICE);
    await h.activateTotp(cookie);
    const token = await resetToken();
    expect((await h.api('GET', `/api/v1/auth/password-reset/${token}`)).body.methods).toEqual(['totp', 'recovery_code']);
    expectProblem(await h.api('POST', `/api/v1/auth/password-reset/${token}/webauthn`), 400, 'method_not_allowed');
  });
});
