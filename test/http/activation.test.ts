import { afterEach, expect, it } from 'vitest';
import { decodeTotpKey } from '../../src/domain/totp.js';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

const EMAIL = 'alice+2fa@example.com';
const START = '/api/v1/account/two-factor/activation';
const VERIFY = '/api/v1/account/two-factor/activation/verify';

/** Every row of every table (audit log included) as one string: what a database dump would reveal. */
async function dumpDatabase(h: Harness): Promise<string> {
  const tables = [
    'super_apps',
    'super_app_admins',
    'workspaces',
    'accounts',
    'memberships',
    'totp_factors',
    'recovery_codes',
    'challenges',
    'email_codes',
    'sessions',
    'audit_events',
  ] as const;
  const parts: string[] = [];
  for (const table of tables) parts.push(JSON.stringify(await h.deps.db.selectFrom(table).selectAll().execute()));
  return parts.join('\n');
}

describeEachDialect('account TOTP activation (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function signedIn(): Promise<string> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    return h.loginSession(EMAIL);
  }

  async function start(cookie: string): Promise<{ response: ApiResponse; key: Uint8Array }> {
    const response = await h.api('POST', START, { cookie });
    expect(response.status).toBe(201);
    return { response, key: decodeTotpKey(response.body.secret) };
  }

  /** A six-digit code the key does not produce within ±20 steps (no drift hint possible). */
  function wrongCode(key: Uint8Array): string {
    const near = new Set(Array.from({ length: 41 }, (_, i) => h.totp(key, (i - 20) * 30)));
    for (let n = 0; ; n += 1) {
      const candidate = String(n).padStart(6, '0');
      if (!near.has(candidate)) return candidate;
    }
  }

  it('starting answers 201 with a base32 secret, an otpauth key URI and a 10-minute expiry', async () => {
    const cookie = await signedIn();
    const { response } = await start(cookie);

    expect(response.headers['content-type']).toContain('application/json');
    const { secret, otpauthUri, expiresAt } = response.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 160 bits, RFC 4648 base32 without padding
    expect(Date.parse(expiresAt) - h.clock.now().getTime()).toBe(10 * 60 * 1000);

    const prefix = `otpauth://totp/Mini%20Program%20Platform:${encodeURIComponent(EMAIL)}?`;
    expect(otpauthUri.startsWith(prefix)).toBe(true);
    const query = otpauthUri.slice(prefix.length);
    expect(query).toContain('issuer=Mini%20Program%20Platform');
    const params = new URLSearchParams(query);
    expect(params.get('secret')).toBe(secret);
    expect(params.get('issuer')).toBe('Mini Program Platform');
    expect(params.get('algorithm')).toBe('SHA1');
    expect(params.get('digits')).toBe('6');
    expect(params.get('period')).toBe('30');
  });

  it('the secret becomes active only after a correct code', async () => {
    const cookie = await signedIn();
    const { key } = await start(cookie);
    const pending = await h.api('GET', '/api/v1/account/two-factor', { cookie });
    expect(pending.body).toMatchObject({ active: false, method: null, activatedAt: null, recoveryCodesRemaining: 0 });
    const stillPasswordOnly = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(stillPasswordOnly.body.status).toBe('authenticated');

    const verified = await h.api('POST', VERIFY, { cookie, body: { code: h.totp(key) } });
    expect(verified.status).toBe(200);
    expect(verified.body.active).toBe(true);
    const status = await h.api('GET', '/api/v1/account/two-factor', { cookie });
    expect(status.body).toMatchObject({ active: true, method: 'totp', activatedAt: h.clock.now().toISOString(), recoveryCodesRemaining: 10 });
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(login.body.status).toBe('second_factor_required');
  });

  it('activation returns 10 distinct recovery codes', async () => {
    const cookie = await signedIn();
    const { key } = await start(cookie);
    const verified = await h.api('POST', VERIFY, { cookie, body: { code: h.totp(key) } });

    const codes: string[] = verified.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
  });

  it('the code that activated cannot also sign in', async () => {
    const cookie = await signedIn();
    const { key } = await start(cookie);
    const code = h.totp(key);
    expect((await h.api('POST', VERIFY, { cookie, body: { code } })).status).toBe(200);

    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    const replay = await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'totp', code } });
    expectProblem(replay, 401, 'invalid_code');
  });

  it("a new activation replaces the pending secret: the old secret's code then fails", async () => {
    const cookie = await signedIn();
    const first = await start(cookie);
    const second = await start(cookie);
    expect(second.response.body.secret).not.toBe(first.response.body.secret);

    const old = await h.api('POST', VERIFY, { cookie, body: { code: h.totp(first.key) } });
    expectProblem(old, 401, 'invalid_code');
    const fresh = await h.api('POST', VERIFY, { cookie, body: { code: h.totp(second.key) } });
    expect(fresh.status).toBe(200);
  });

  it('a pending secret is still good just before 10 minutes', async () => {
    const cookie = await signedIn();
    const { key } = await start(cookie);
    h.clock.advanceSeconds(10 * 60 - 1);
    expect((await h.api('POST', VERIFY, { cookie, body: { code: h.totp(key) } })).status).toBe(200);
  });

  it('verifying 10 minutes and 1 second later answers 410 activation_expired', async () => {
    const cookie = await signedIn();
    const { key } = await start(cookie);
    h.clock.advanceSeconds(10 * 60 + 1);

    expectProblem(await h.api('POST', VERIFY, { cookie, body: { code: h.totp(key) } }), 410, 'activation_expired');
    const status = await h.api('GET', '/api/v1/account/two-factor', { cookie });
    expect(status.body.active).toBe(false);
  });

  it('verifying without a pending activation answers 404 no_pending_activation', async () => {
    const cookie = await signedIn();
    expectProblem(await h.api('POST', VERIFY, { cookie, body: { code: '123456' } }), 404, 'no_pending_activation');
  });

  it('starting or verifying while 2FA is active answers 409 two_factor_already_active and keeps the factor', async () => {
    const cookie = await signedIn();
    const { key, secret } = await h.activateTotp(cookie);
    const sealedBefore = await h.deps.db.selectFrom('totp_factors').select(['secret_sealed', 'status']).execute();

    const again = await h.api('POST', START, { cookie });
    expectProblem(again, 409, 'two_factor_already_active');
    expect(JSON.stringify(again.body)).not.toContain(secret);
    expectProblem(await h.api('POST', VERIFY, { cookie, body: { code: h.totp(key) } }), 409, 'two_factor_already_active');

    expect(await h.deps.db.selectFrom('totp_factors').select(['secret_sealed', 'status']).execute()).toEqual(sealedBefore);
    h.clock.advanceSeconds(30);
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    const verified = await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'totp', code: h.totp(key) } });
    expect(verified.status).toBe(200);
  });

  it('a wrong code answers 401 invalid_code without a drift hint, and the pending secret stays', async () => {
    const cookie = await signedIn();
    const { key } = await start(cookie);

    const wrong = await h.api('POST', VERIFY, { cookie, body: { code: wrongCode(key) } });
    expectProblem(wrong, 401, 'invalid_code');
    expect(wrong.body).not.toHaveProperty('clockDriftSeconds');
    expect((await h.api('POST', VERIFY, { cookie, body: { code: h.totp(key) } })).status).toBe(200);
  });

  it('a code from 5 minutes ahead is refused with clockDriftSeconds about +300', async () => {
    const cookie = await signedIn();
    const { key } = await start(cookie);

    const ahead = await h.api('POST', VERIFY, { cookie, body: { code: h.totp(key, 300) } });
    expectProblem(ahead, 401, 'invalid_code');
    expect(Math.abs(ahead.body.clockDriftSeconds - 300)).toBeLessThanOrEqual(30);
    expect((await h.api('GET', '/api/v1/account/two-factor', { cookie })).body.active).toBe(false);
  });

  it('a code from 5 minutes behind is refused with clockDriftSeconds about -300', async () => {
    const cookie = await signedIn();
    const { key } = await start(cookie);

    const behind = await h.api('POST', VERIFY, { cookie, body: { code: h.totp(key, -300) } });
    expectProblem(behind, 401, 'invalid_code');
    expect(Math.abs(behind.body.clockDriftSeconds + 300)).toBeLessThanOrEqual(30);
  });

  it('activation needs a session', async () => {
    h = await createHarness(dialect);
    expectProblem(await h.api('POST', START), 401, 'unauthenticated');
    expectProblem(await h.api('POST', VERIFY, { body: { code: '123456' } }), 401, 'unauthenticated');
    expectProblem(await h.api('POST', START, { cookie: 'forged-session-token' }), 401, 'unauthenticated');
  });

  it('the TOTP secret is sealed at rest: neither its base32 nor its hex is in the database', async () => {
    const cookie = await signedIn();
    const { secret, key } = await h.activateTotp(cookie);
    const hex = Buffer.from(key).toString('hex');
    const base64 = Buffer.from(key).toString('base64').replace(/=+$/, '');
    const base64url = Buffer.from(key).toString('base64url');

    const [factor] = await h.deps.db.selectFrom('totp_factors').select('secret_sealed').execute();
    const sealed = factor!.secret_sealed;
    for (const text of [sealed, sealed.toLowerCase(), await dumpDatabase(h)]) {
      expect(text).not.toContain(secret);
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
      expect(text.toLowerCase()).not.toContain(hex);
      expect(text).not.toContain(base64);
      expect(text).not.toContain(base64url);
    }
  });

  it('recovery codes and session tokens are not stored in plaintext', async () => {
    const cookie = await signedIn();
    const { key, recoveryCodes } = await h.activateTotp(cookie);
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    const verified = await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'totp', code: h.totp(key) } });
    expect(verified.status).toBe(200);

    const dump = (await dumpDatabase(h)).toLowerCase();
    for (const code of recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replaceAll('-', ''));
    }
    for (const token of [cookie, verified.sessionCookie!, login.body.challenge.id as string]) {
      expect(dump).not.toContain(token.toLowerCase());
    }
    expect(dump).not.toContain(PASSWORD);
  });
});
