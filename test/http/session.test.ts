import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD, setCookieLines } from '../support/harness.js';

const EMAIL = 'alice@example.com';
const SESSION = '/api/v1/session';
const LOGOUT = '/api/v1/auth/logout';

describeEachDialect('session and logout (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function signedIn(): Promise<{ cookie: string; workspaceId: string; superAppId: string; accountId: string }> {
    h = await createHarness(dialect);
    const { workspaceId, superAppId } = await h.tenant('Acme');
    const alice = await h.member(workspaceId, EMAIL, 'developer');
    return { cookie: await h.loginSession(EMAIL), workspaceId, superAppId, accountId: alice.id };
  }

  async function sessionRows(): Promise<number> {
    return (await h.deps.db.selectFrom('sessions').select('id').execute()).length;
  }

  it('GET /api/v1/session without a cookie answers 401 unauthenticated', async () => {
    h = await createHarness(dialect);
    expectProblem(await h.api('GET', SESSION), 401, 'unauthenticated');
  });

  it('a forged, empty or oversized session cookie answers 401 unauthenticated', async () => {
    await signedIn();
    for (const cookie of ['forged-token', 'A'.repeat(43), 'x'.repeat(5000)]) {
      expectProblem(await h.api('GET', SESSION, { cookie }), 401, 'unauthenticated');
    }
    const empty = await h.api('GET', SESSION, { headers: { cookie: 'mpp_session=' } });
    expectProblem(empty, 401, 'unauthenticated');
  });

  it('the session describes the account, the workspace with role and super app', async () => {
    const { cookie, workspaceId, superAppId, accountId } = await signedIn();
    const response = await h.api('GET', SESSION, { cookie });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      account: { id: accountId, email: EMAIL, name: 'alice' },
      workspace: { id: workspaceId, name: expect.any(String), role: 'developer', superApp: { id: superAppId, name: 'Acme' } },
      secondFactorVerified: false,
    });
    expect(JSON.stringify(response.body)).not.toContain('password');
  });

  it('the session cookie lives no longer than the absolute session lifetime', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant();
    await h.member(workspaceId, EMAIL);
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    const [line] = setCookieLines(login);
    const maxAge = Number(/Max-Age=(\d+)/i.exec(line!)?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(12 * 3600);
  });

  it('logout answers 204, clears the cookie, and the old cookie no longer works server-side', async () => {
    const { cookie } = await signedIn();
    expect(await sessionRows()).toBe(1);

    const response = await h.api('POST', LOGOUT, { cookie });
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    const [line] = setCookieLines(response);
    expect(line).toMatch(/^mpp_session=;/);
    expect(line).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);

    // Replaying the old token (a stolen copy, or a browser that kept it) is refused.
    expectProblem(await h.api('GET', SESSION, { cookie }), 401, 'unauthenticated');
    expectProblem(await h.api('GET', '/api/v1/account/two-factor', { cookie }), 401, 'unauthenticated');
    expect(await sessionRows()).toBe(0);
  });

  it('logout ends only the session it is sent with', async () => {
    const { cookie } = await signedIn();
    const other = await h.loginSession(EMAIL);

    expect((await h.api('POST', LOGOUT, { cookie })).status).toBe(204);
    expect((await h.api('GET', SESSION, { cookie: other })).status).toBe(200);
  });

  it('logout without a session still answers 204', async () => {
    await signedIn();
    expect((await h.api('POST', LOGOUT)).status).toBe(204);
    expect((await h.api('POST', LOGOUT, { cookie: 'forged-token' })).status).toBe(204);
    expect(await sessionRows()).toBe(1);
  });

  it('logout from another origin is refused and the session lives on', async () => {
    const { cookie } = await signedIn();
    const response = await h.api('POST', LOGOUT, { cookie, headers: { origin: 'https://evil.example' } });
    expectProblem(response, 403, 'cross_origin_request');
    expect((await h.api('GET', SESSION, { cookie })).status).toBe(200);
  });

  it('a session survives just under 30 idle minutes', async () => {
    const { cookie } = await signedIn();
    h.clock.advanceSeconds(30 * 60 - 1);
    expect((await h.api('GET', SESSION, { cookie })).status).toBe(200);
  });

  it('a session idle for 30 minutes is dead', async () => {
    const { cookie } = await signedIn();
    h.clock.advanceSeconds(30 * 60);
    expectProblem(await h.api('GET', SESSION, { cookie }), 401, 'unauthenticated');
    // Going back in time does not revive it: it was removed server-side.
    h.clock.advanceSeconds(-30 * 60);
    expectProblem(await h.api('GET', SESSION, { cookie }), 401, 'unauthenticated');
  });

  it('activity resets the idle timer', async () => {
    const { cookie } = await signedIn();
    for (let i = 0; i < 4; i += 1) {
      h.clock.advanceSeconds(25 * 60);
      expect((await h.api('GET', SESSION, { cookie })).status).toBe(200);
    }
    h.clock.advanceSeconds(30 * 60);
    expectProblem(await h.api('GET', SESSION, { cookie }), 401, 'unauthenticated');
  });

  it('a session dies after 12 hours even with steady activity', async () => {
    const { cookie } = await signedIn();
    const twentyMinutes = 20 * 60;
    for (let elapsed = twentyMinutes; elapsed < 12 * 3600; elapsed += twentyMinutes) {
      h.clock.advanceSeconds(twentyMinutes);
      const response = await h.api('GET', SESSION, { cookie });
      expect(response.status, `after ${elapsed / 60} minutes`).toBe(200);
    }
    h.clock.advanceSeconds(twentyMinutes); // exactly 12 hours after login
    expectProblem(await h.api('GET', SESSION, { cookie }), 401, 'unauthenticated');
    expectProblem(await h.api('GET', '/api/v1/account/two-factor', { cookie }), 401, 'unauthenticated');
  });

  it('a session verified by a second factor also dies after 12 hours', async () => {
    const { cookie } = await signedIn();
    const { key } = await h.activateTotp(cookie);
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    const verified = await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'totp', code: h.totp(key) } });
    const strong = verified.sessionCookie!;
    for (let i = 0; i < 24; i += 1) {
      h.clock.advanceSeconds(29 * 60);
      expect((await h.api('GET', SESSION, { cookie: strong })).status).toBe(200);
    }
    h.clock.advanceSeconds(12 * 3600 - 24 * 29 * 60);
    expectProblem(await h.api('GET', SESSION, { cookie: strong }), 401, 'unauthenticated');
  });
});
