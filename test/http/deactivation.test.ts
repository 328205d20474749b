import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

const EMAIL = 'alice@example.com';
const DEACTIVATE = '/api/v1/account/two-factor/deactivation';
const STATUS = '/api/v1/account/two-factor';

describeEachDialect('account TOTP deactivation (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  /** Alice with an active authenticator, signed in through the TOTP challenge. */
  async function aliceWithTotp(policy?: { allowDeactivation: boolean }) {
    h = await createHarness(dialect);
    const { workspaceId, superAppId } = await h.tenant('Acme', policy);
    await h.member(workspaceId, EMAIL);
    const oldCookie = await h.loginSession(EMAIL);
    const { key, recoveryCodes } = await h.activateTotp(oldCookie);
    const cookie = await signInWithTotp(key);
    h.clock.advanceSeconds(30); // the step the login used is spent
    return { workspaceId, superAppId, oldCookie, cookie, key, recoveryCodes };
  }

  async function signInWithTotp(key: Uint8Array): Promise<string> {
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    const verified = await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'totp', code: h.totp(key) } });
    expect(verified.status).toBe(200);
    return verified.sessionCookie!;
  }

  function deactivate(cookie: string | undefined, body: object): Promise<ApiResponse> {
    return h.api('POST', DEACTIVATE, { cookie, body });
  }

  async function expectStillActive(cookie: string): Promise<void> {
    const status = await h.api('GET', STATUS, { cookie });
    expect(status.body.active).toBe(true);
    expect(status.body.recoveryCodesRemaining).toBe(10);
  }

  it('password plus a current authenticator code turns 2FA off', async () => {
    const { cookie, key } = await aliceWithTotp();

    const off = await deactivate(cookie, { password: PASSWORD, method: 'totp', code: h.totp(key) });
    expect(off.status).toBe(200);
    expect(off.headers['content-type']).toContain('application/json');
    expect(off.body).toEqual({ active: false });

    const status = await h.api('GET', STATUS, { cookie });
    expect(status.body).toMatchObject({ active: false, method: null, activatedAt: null, recoveryCodesRemaining: 0 });
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(login.body.status).toBe('authenticated');
    const rows = await h.deps.db.selectFrom('totp_factors').select('account_id').execute();
    expect(rows).toHaveLength(0);
  });

  it('password plus a recovery code turns 2FA off, and the other recovery codes die with it', async () => {
    const { cookie, recoveryCodes } = await aliceWithTotp();

    const off = await deactivate(cookie, { password: PASSWORD, method: 'recovery_code', code: recoveryCodes[4] });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ active: false });
    expect((await h.api('GET', STATUS, { cookie })).body.active).toBe(false);
    const codes = await h.deps.db.selectFrom('recovery_codes').select('id').execute();
    expect(codes).toHaveLength(0);
  });

  it('a wrong password answers 401 invalid_credentials and keeps 2FA on', async () => {
    const { cookie, key } = await aliceWithTotp();

    const refused = await deactivate(cookie, { password: 'not my password', method: 'totp', code: h.totp(key) });
    expectProblem(refused, 401, 'invalid_credentials');
    await expectStillActive(cookie);
  });

  it('a wrong password does not use up the code', async () => {
    const { cookie, key } = await aliceWithTotp();
    const code = h.totp(key);

    expectProblem(await deactivate(cookie, { password: 'not my password', method: 'totp', code }), 401, 'invalid_credentials');
    expect((await deactivate(cookie, { password: PASSWORD, method: 'totp', code })).status).toBe(200);
  });

  it('a wrong authenticator code answers 401 invalid_code and keeps 2FA on', async () => {
    const { cookie, key } = await aliceWithTotp();
    const near = new Set([-30, 0, 30].map((offset) => h.totp(key, offset)));
    const wrong = ['000000', '000001', '000002', '000003'].find((c) => !near.has(c))!;

    expectProblem(await deactivate(cookie, { password: PASSWORD, method: 'totp', code: wrong }), 401, 'invalid_code');
    await expectStillActive(cookie);
  });

  it('an already used authenticator code answers 401 invalid_code', async () => {
    const { cookie, key } = await aliceWithTotp();
    const code = h.totp(key);
    await signInWithTotp(key); // spends the current step

    expectProblem(await deactivate(cookie, { password: PASSWORD, method: 'totp', code }), 401, 'invalid_code');
    await expectStillActive(cookie);
  });

  it('a wrong or already used recovery code answers 401 invalid_code', async () => {
    const { cookie, recoveryCodes } = await aliceWithTotp();
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'recovery_code', code: recoveryCodes[0] } });

    expectProblem(await deactivate(cookie, { password: PASSWORD, method: 'recovery_code', code: recoveryCodes[0] }), 401, 'invalid_code');
    expectProblem(await deactivate(cookie, { password: PASSWORD, method: 'recovery_code', code: 'aaaa-bbbb-cccc-dddd' }), 401, 'invalid_code');
    expect((await h.api('GET', STATUS, { cookie })).body).toMatchObject({ active: true, recoveryCodesRemaining: 9 });
  });

  it('deactivating when 2FA is not active answers 409 two_factor_not_active', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant();
    await h.member(workspaceId, EMAIL);
    const cookie = await h.loginSession(EMAIL);

    expectProblem(await deactivate(cookie, { password: PASSWORD, method: 'totp', code: '123456' }), 409, 'two_factor_not_active');
    expectProblem(await deactivate(cookie, { password: PASSWORD, method: 'recovery_code', code: 'aaaa-bbbb-cccc-dddd' }), 409, 'two_factor_not_active');
  });

  it('deactivating twice answers 409 the second time', async () => {
    const { cookie, recoveryCodes } = await aliceWithTotp();
    expect((await deactivate(cookie, { password: PASSWORD, method: 'recovery_code', code: recoveryCodes[0] })).status).toBe(200);
    expectProblem(await deactivate(cookie, { password: PASSWORD, method: 'recovery_code', code: recoveryCodes[1] }), 409, 'two_factor_not_active');
  });

  it("after deactivation the account's other sessions are dead while the current one lives", async () => {
    const { workspaceId, oldCookie, cookie, key, recoveryCodes } = await aliceWithTotp();
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    const third = await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, {
      body: { method: 'recovery_code', code: recoveryCodes[0] },
    });
    await h.member(workspaceId, 'bob@example.com');
    const bobCookie = await h.loginSession('bob@example.com');
    for (const c of [oldCookie, cookie, third.sessionCookie!]) expect((await h.api('GET', '/api/v1/session', { cookie: c })).status).toBe(200);

    expect((await deactivate(cookie, { password: PASSWORD, method: 'totp', code: h.totp(key) })).status).toBe(200);

    expectProblem(await h.api('GET', '/api/v1/session', { cookie: oldCookie }), 401, 'unauthenticated');
    expectProblem(await h.api('GET', '/api/v1/session', { cookie: third.sessionCookie }), 401, 'unauthenticated');
    expectProblem(await h.api('GET', STATUS, { cookie: oldCookie }), 401, 'unauthenticated');
    const current = await h.api('GET', '/api/v1/session', { cookie });
    expect(current.status).toBe(200);
    expect(current.body.account.email).toBe(EMAIL);
    const status = await h.api('GET', STATUS, { cookie });
    expect(status.status).toBe(200);
    expect(status.body.active).toBe(false);
    // Someone else's session is untouched.
    expect((await h.api('GET', '/api/v1/session', { cookie: bobCookie })).status).toBe(200);
  });

  it('a super app that forbids deactivation makes it answer 403 deactivation_not_allowed', async () => {
    const { cookie, key, superAppId } = await aliceWithTotp({ allowDeactivation: false });

    const refused = await deactivate(cookie, { password: PASSWORD, method: 'totp', code: h.totp(key) });
    expectProblem(refused, 403, 'deactivation_not_allowed');
    expect(refused.body.superApp).toEqual({ id: superAppId, name: 'Acme' });
    await expectStillActive(cookie);
  });

  it('deactivation needs a session', async () => {
    const { key } = await aliceWithTotp();
    expectProblem(await deactivate(undefined, { password: PASSWORD, method: 'totp', code: h.totp(key) }), 401, 'unauthenticated');
  });
});
