import { afterEach, expect, it } from 'vitest';
import { decodeTotpKey } from '../../src/domain/totp.js';
import { resetAccountTwoFactor } from '../../src/services/operator.js';
import { findActiveTotpKey, totpMethod } from '../../src/services/second-factor/totp.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { findAccountByEmail } from '../../src/store/accounts.js';

/**
 * A pending authenticator key (activation started, not confirmed) proves nothing: only an
 * active key passes a TOTP check, at login, deactivation or recovery-code regeneration.
 * Mutation caught: `findActiveTotpKey` returning the key whatever the factor's status.
 */

const ALICE = 'alice@example.com';

describeEachDialect('a pending authenticator key (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function aliceSession(): Promise<string> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Plain Super App');
    await h.member(workspaceId, ALICE);
    return h.loginSession(ALICE);
  }

  async function startActivation(cookie: string): Promise<Uint8Array> {
    const started = await h.api('POST', '/api/v1/account/two-factor/activation', { cookie });
    expect(started.status).toBe(201);
    return decodeTotpKey(started.body.secret);
  }

  const accountRow = async () => (await findAccountByEmail(h.deps.db, ALICE))!;

  it('is not an active key, and its current code does not pass the TOTP check', async () => {
    const cookie = await aliceSession();
    const key = await startActivation(cookie);
    const account = await accountRow();

    expect(await findActiveTotpKey(h.deps, h.deps.db, account.id)).toBeNull();
    for (const offset of [-30, 0, 30]) {
      expect(await totpMethod.check(h.deps, h.deps.db, account, { method: 'totp', code: h.totp(key, offset) })).toEqual({ accepted: false, hint: {} });
    }
    // Nothing was used up: the same code still confirms the activation.
    expect((await h.api('POST', '/api/v1/account/two-factor/activation/verify', { cookie, body: { code: h.totp(key) } })).status).toBe(200);
  });

  it('cannot sign in on a challenge that asked for the authenticator it replaced', async () => {
    // A challenge opened while the old authenticator was active, then a 2FA reset and a new,
    // unconfirmed activation: the challenge still offers `totp`, but the pending key must not pass.
    const cookie = await aliceSession();
    await h.activateTotp(cookie);
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password: PASSWORD } });
    expect(login.body.challenge.methods).toContain('totp');
    await resetAccountTwoFactor(h.deps, ALICE);
    const fresh = await h.loginSession(ALICE);
    const pending = await startActivation(fresh);

    h.clock.advanceSeconds(30);
    const response = await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'totp', code: h.totp(pending) } });
    expectProblem(response, 401, 'invalid_code');
    expect(response.sessionCookie).toBeUndefined();
  });

  it('does not make deactivation or new recovery codes possible', async () => {
    const cookie = await aliceSession();
    const key = await startActivation(cookie);
    expectProblem(
      await h.api('POST', '/api/v1/account/two-factor/deactivation', { cookie, body: { password: PASSWORD, method: 'totp', code: h.totp(key) } }),
      409,
      'two_factor_not_active',
    );
    expectProblem(
      await h.api('POST', '/api/v1/account/two-factor/recovery-codes', { cookie, body: { password: PASSWORD, code: h.totp(key) } }),
      409,
      'two_factor_not_active',
    );
    expect((await h.api('GET', '/api/v1/account/two-factor', { cookie })).body).toMatchObject({ active: false, method: null, recoveryCodesRemaining: 0 });
  });
});
