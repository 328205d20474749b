import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

const EMAIL = 'alice@example.com';
const REGENERATE = '/api/v1/account/two-factor/recovery-codes';
const STATUS = '/api/v1/account/two-factor';

describeEachDialect('recovery code regeneration (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function aliceWithTotp() {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    const cookie = await h.loginSession(EMAIL);
    const { key, recoveryCodes } = await h.activateTotp(cookie);
    return { cookie, key, recoveryCodes };
  }

  /** A fresh login challenge answered with `method`/`code`. */
  async function signIn(method: string, code: string): Promise<ApiResponse> {
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    return h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method, code } });
  }

  function wrongCode(key: Uint8Array): string {
    const near = new Set([-30, 0, 30].map((offset) => h.totp(key, offset)));
    return ['000000', '000001', '000002', '000003'].find((c) => !near.has(c))!;
  }

  it('password plus a current authenticator code returns 10 new distinct codes', async () => {
    const { cookie, key, recoveryCodes } = await aliceWithTotp();

    const response = await h.api('POST', REGENERATE, { cookie, body: { password: PASSWORD, code: h.totp(key) } });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    const fresh: string[] = response.body.recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(new Set(fresh).size).toBe(10);
    for (const code of fresh) {
      expect(code).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
      expect(recoveryCodes).not.toContain(code);
    }
  });

  it('the old codes stop working and the new ones work', async () => {
    const { cookie, key, recoveryCodes } = await aliceWithTotp();
    expect((await signIn('recovery_code', recoveryCodes[0]!)).status).toBe(200);
    expect((await h.api('GET', STATUS, { cookie })).body.recoveryCodesRemaining).toBe(9);

    const response = await h.api('POST', REGENERATE, { cookie, body: { password: PASSWORD, code: h.totp(key) } });
    expect(response.status).toBe(200);
    expect((await h.api('GET', STATUS, { cookie })).body.recoveryCodesRemaining).toBe(10);

    for (const old of recoveryCodes.slice(1, 4)) expectProblem(await signIn('recovery_code', old), 401, 'invalid_code');
    expect((await signIn('recovery_code', response.body.recoveryCodes[0])).status).toBe(200);
    expect((await h.api('GET', STATUS, { cookie })).body.recoveryCodesRemaining).toBe(9);
  });

  it('the new codes are not stored in plaintext', async () => {
    const { cookie, key } = await aliceWithTotp();
    const response = await h.api('POST', REGENERATE, { cookie, body: { password: PASSWORD, code: h.totp(key) } });

    const rows = JSON.stringify(await h.deps.db.selectFrom('recovery_codes').selectAll().execute()).toLowerCase();
    const audit = JSON.stringify(await h.deps.db.selectFrom('audit_events').selectAll().execute()).toLowerCase();
    for (const code of response.body.recoveryCodes as string[]) {
      for (const text of [rows, audit]) {
        expect(text).not.toContain(code);
        expect(text).not.toContain(code.replaceAll('-', ''));
      }
    }
  });

  it('the authenticator code used for regeneration cannot sign in afterwards', async () => {
    const { cookie, key } = await aliceWithTotp();
    const code = h.totp(key);
    expect((await h.api('POST', REGENERATE, { cookie, body: { password: PASSWORD, code } })).status).toBe(200);

    expectProblem(await signIn('totp', code), 401, 'invalid_code');
  });

  it('a wrong password answers 401 invalid_credentials and the old codes keep working', async () => {
    const { cookie, key, recoveryCodes } = await aliceWithTotp();

    const refused = await h.api('POST', REGENERATE, { cookie, body: { password: 'not my password', code: h.totp(key) } });
    expectProblem(refused, 401, 'invalid_credentials');
    expect(refused.body).not.toHaveProperty('recoveryCodes');
    expect((await signIn('recovery_code', recoveryCodes[0]!)).status).toBe(200);
  });

  it('a wrong authenticator code answers 401 invalid_code and the old codes keep working', async () => {
    const { cookie, key, recoveryCodes } = await aliceWithTotp();

    const refused = await h.api('POST', REGENERATE, { cookie, body: { password: PASSWORD, code: wrongCode(key) } });
    expectProblem(refused, 401, 'invalid_code');
    expect(refused.body).not.toHaveProperty('recoveryCodes');
    expect((await h.api('GET', STATUS, { cookie })).body.recoveryCodesRemaining).toBe(10);
    expect((await signIn('recovery_code', recoveryCodes[0]!)).status).toBe(200);
  });

  it('a recovery code does not stand in for the authenticator code', async () => {
    const { cookie, recoveryCodes } = await aliceWithTotp();

    const refused = await h.api('POST', REGENERATE, { cookie, body: { password: PASSWORD, code: recoveryCodes[0] } });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(['invalid_request', 'invalid_code']).toContain(refused.body.code);
    expect((await h.api('GET', STATUS, { cookie })).body.recoveryCodesRemaining).toBe(10);
  });

  it('regeneration without active 2FA answers 409 two_factor_not_active', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant();
    await h.member(workspaceId, EMAIL);
    const cookie = await h.loginSession(EMAIL);

    expectProblem(await h.api('POST', REGENERATE, { cookie, body: { password: PASSWORD, code: '123456' } }), 409, 'two_factor_not_active');
    expect(await h.deps.db.selectFrom('recovery_codes').select('id').execute()).toHaveLength(0);
  });

  it('regeneration needs a session', async () => {
    const { key } = await aliceWithTotp();
    expectProblem(await h.api('POST', REGENERATE, { body: { password: PASSWORD, code: h.totp(key) } }), 401, 'unauthenticated');
  });
});
