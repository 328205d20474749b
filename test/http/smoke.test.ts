import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

describeEachDialect('account TOTP end to end (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('activates, logs in with a code once, and deactivates with a recovery code', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme Super App');
    await h.member(workspaceId, 'alice@example.com');
    const cookie = await h.loginSession('alice@example.com');
    const { key, recoveryCodes } = await h.activateTotp(cookie);
    expect(recoveryCodes).toHaveLength(10);

    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: 'ALICE@example.com', password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.status).toBe('second_factor_required');
    expect(login.sessionCookie).toBeUndefined();
    expect(login.body.challenge.methods).toEqual(['totp', 'recovery_code']);

    const code = h.totp(key);
    const verified = await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'totp', code } });
    expect(verified.status).toBe(200);
    expect(verified.sessionCookie).toBeDefined();

    const again = await h.api('POST', '/api/v1/auth/login', { body: { email: 'alice@example.com', password: PASSWORD } });
    const replay = await h.api('POST', `/api/v1/auth/challenges/${again.body.challenge.id}/verify`, { body: { method: 'totp', code } });
    expect(replay.status).toBe(401);
    expect(replay.headers['content-type']).toContain('application/problem+json');
    expect(replay.body.code).toBe('invalid_code');

    const off = await h.api('POST', '/api/v1/account/two-factor/deactivation', {
      cookie: verified.sessionCookie,
      body: { password: PASSWORD, method: 'recovery_code', code: recoveryCodes[0] },
    });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ active: false });
  });
});
