import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { addPasskey, challengeOptions, startLogin, verifyWithPasskey } from '../support/passkeys.js';
import { type SoftwareAuthenticator, strangerKey } from '../support/webauthn.js';

/** Passkey answers go through the one verifier: wrong ones count alike in every flow (issue 13). */

const ALICE = 'alice@example.com';

describeEachDialect('passkeys behind the one verifier (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function failures(): Promise<number> {
    const row = await h.deps.db.selectFrom('accounts').select('second_factor_failures').where('email_key', '=', ALICE).executeTakeFirstOrThrow();
    return row.second_factor_failures;
  }

  /** A forged assertion answering fresh Settings identity options. */
  async function forgedIdentity(cookie: string, authenticator: SoftwareAuthenticator) {
    const options = await h.api('POST', '/api/v1/account/two-factor/webauthn', { cookie });
    return authenticator.getAssertion(options.body.options, { signWith: strangerKey() });
  }

  it('wrong passkey answers at login, deactivation and recovery-code renewal count towards one lockout', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, ALICE);
    const cookie = await h.loginSession(ALICE);
    const { authenticator } = await addPasskey(h, cookie);

    const challengeId = await startLogin(h, ALICE);
    for (let i = 0; i < 3; i += 1) {
      const forged = authenticator.getAssertion(await challengeOptions(h, challengeId), { signWith: strangerKey() });
      expectProblem(await verifyWithPasskey(h, challengeId, forged), 401, 'invalid_code');
    }
    expect(await failures()).toBe(3);
    for (let i = 0; i < 3; i += 1) {
      const body = { password: PASSWORD, method: 'webauthn', credential: await forgedIdentity(cookie, authenticator) };
      expectProblem(await h.api('POST', '/api/v1/account/two-factor/deactivation', { cookie, body }), 401, 'invalid_code');
    }
    expect(await failures()).toBe(6);
    for (let i = 0; i < 3; i += 1) {
      const body = { password: PASSWORD, method: 'webauthn', credential: await forgedIdentity(cookie, authenticator) };
      expectProblem(await h.api('POST', '/api/v1/account/two-factor/recovery-codes', { cookie, body }), 401, 'invalid_code');
    }
    expect(await failures()).toBe(9);

    const tenth = authenticator.getAssertion(await challengeOptions(h, challengeId), { signWith: strangerKey() });
    expectProblem(await verifyWithPasskey(h, challengeId, tenth), 429, 'too_many_attempts');
    // Locked in Settings too, even for the genuine passkey.
    expectProblem(await h.api('POST', '/api/v1/account/two-factor/webauthn', { cookie }), 429, 'too_many_attempts');
  });
});
