import { afterEach, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const NEW_PASSWORD = 'a new and much longer passphrase';

describeEachDialect('account self-service: password, sessions, devices (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function setUp(): Promise<string> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, ALICE);
    await h.member(workspaceId, BOB);
    return h.loginSession(ALICE);
  }

  const loginAs = (email: string, password: string) => h.api('POST', '/api/v1/auth/login', { body: { email, password } });
  const me = (cookie: string) => h.api('GET', '/api/v1/session', { cookie });
  const changePassword = (cookie: string, body: Record<string, unknown>) => h.api('POST', '/api/v1/account/password', { cookie, body });
  const auditTypes = async () => (await h.deps.db.selectFrom('audit_events').select('type').orderBy('created_at').execute()).map((r) => r.type);
  const devicesOfAlice = async () =>
    (
      await h.deps.db
        .selectFrom('devices')
        .innerJoin('accounts', 'accounts.id', 'devices.account_id')
        .select('devices.id')
        .where('email_key', '=', ALICE)
        .execute()
    ).length;

  describe('change password', () => {
    it('needs the current password and a new one the policy accepts; a weak one changes nothing', async () => {
      const cookie = await setUp();
      expectProblem(await changePassword(cookie, { currentPassword: 'not it', newPassword: NEW_PASSWORD }), 401, 'invalid_credentials');
      expectProblem(await changePassword(cookie, { currentPassword: PASSWORD, newPassword: 'password' }), 400, 'weak_password');
      expectProblem(await changePassword(cookie, { currentPassword: PASSWORD, newPassword: 'short' }), 400, 'weak_password');
      expect((await loginAs(ALICE, PASSWORD)).status).toBe(200);
      expect(await auditTypes()).not.toContain('password.changed');
    });

    it('ends every other session and forgets other browsers, keeps this one, and emails the owner', async () => {
      const cookie = await setUp();
      const other = await h.loginSession(ALICE);
      expect(await devicesOfAlice()).toBe(2);
      const changed = await changePassword(cookie, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      expect(changed.status, JSON.stringify(changed.body)).toBe(204);
      expect((await me(cookie)).status).toBe(200);
      expectProblem(await me(other), 401, 'unauthenticated');
      expect(await devicesOfAlice()).toBe(0);
      expectProblem(await loginAs(ALICE, PASSWORD), 401, 'invalid_credentials');
      expect((await loginAs(ALICE, NEW_PASSWORD)).status).toBe(200);
      expect(h.mailer.to(ALICE).map((m) => m.subject)).toContain('Mini Program Platform: Your password was changed');
      expect(await auditTypes()).toContain('password.changed');
      expect(JSON.stringify(await h.deps.db.selectFrom('audit_events').selectAll().execute())).not.toContain(NEW_PASSWORD);
    });

    it('with an authenticator, also needs a code from it or a recovery code; wrong codes count towards the lockout', async () => {
      const cookie = await setUp();
      const { key, recoveryCodes } = await h.activateTotp(cookie);
      const missing = await changePassword(cookie, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      expectProblem(missing, 403, 'second_factor_code_required');
      expect(missing.body.methods).toEqual(['totp', 'recovery_code']);
      expectProblem(
        await changePassword(cookie, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, method: 'email', code: '123456' }),
        400,
        'invalid_request',
      );
      const wrong = h.totp(key) === '000000' ? '111111' : '000000';
      expectProblem(await changePassword(cookie, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, method: 'totp', code: wrong }), 401, 'invalid_code');
      const row = await h.deps.db.selectFrom('accounts').select('second_factor_failures').where('email_key', '=', ALICE).executeTakeFirstOrThrow();
      expect(row.second_factor_failures).toBe(1);
      expectProblem(await loginAs(ALICE, NEW_PASSWORD), 401, 'invalid_credentials');
      const changed = await changePassword(cookie, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, method: 'recovery_code', code: recoveryCodes[0] });
      expect(changed.status, JSON.stringify(changed.body)).toBe(204);
      expect((await loginAs(ALICE, NEW_PASSWORD)).body.status).toBe('second_factor_required');
    });
  });

  describe('where you are signed in', () => {
    it('lists the sessions with browser, address, workspace and which one is this, newest activity first', async () => {
      const cookie = await setUp();
      h.clock.advanceSeconds(120);
      const phone = await h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password: PASSWORD }, headers: { 'user-agent': 'Phone Browser 1.0' } });
      const list = await h.api('GET', '/api/v1/account/sessions', { cookie });
      expect(list.status).toBe(200);
      expect(list.body.sessions).toHaveLength(2);
      const lastSeen = list.body.sessions.map((s: { lastSeenAt: string }) => s.lastSeenAt);
      expect(lastSeen).toEqual([...lastSeen].sort().reverse());
      const newest = list.body.sessions.find((s: { current: boolean }) => !s.current);
      expect(newest).toMatchObject({ userAgent: 'Phone Browser 1.0', current: false, secondFactorVerified: false, workspace: { name: 'Workspace 1' } });
      expect(list.body.sessions.find((s: { current: boolean }) => s.current).userAgent).toBe('lightMyRequest');
      expect(newest.id).toMatch(/^[0-9a-f]{32}$/);
      // The id shown is neither the cookie nor the stored hash.
      const stored = (await h.deps.db.selectFrom('sessions').select('id').execute()).map((r) => r.id);
      expect(stored).not.toContain(newest.id);
      expect(newest.id).not.toBe(phone.sessionCookie);
    });

    it('signs out one session by its id, this one (clearing the cookie) or everywhere else; never another account’s', async () => {
      const cookie = await setUp();
      const second = await h.loginSession(ALICE);
      const third = await h.loginSession(ALICE);
      const bob = await h.loginSession(BOB);
      const list = (await h.api('GET', '/api/v1/account/sessions', { cookie })).body.sessions;
      const bobsId = (await h.api('GET', '/api/v1/account/sessions', { cookie: bob })).body.sessions[0].id;
      expectProblem(await h.api('DELETE', `/api/v1/account/sessions/${bobsId}`, { cookie }), 404, 'not_found');
      expectProblem(await h.api('DELETE', '/api/v1/account/sessions/0123456789abcdef0123456789abcdef', { cookie }), 404, 'not_found');
      expect((await me(bob)).status).toBe(200);

      const ended = await h.api('DELETE', `/api/v1/account/sessions/${list.find((s: { current: boolean }) => !s.current).id}`, { cookie });
      expect(ended.status).toBe(204);
      expect([(await me(second)).status, (await me(third)).status].sort()).toEqual([200, 401]);

      const others = await h.api('DELETE', '/api/v1/account/sessions', { cookie });
      expect(others.body).toEqual({ ended: 1 });
      expectProblem(await me(second), 401, 'unauthenticated');
      expectProblem(await me(third), 401, 'unauthenticated');
      expect((await me(cookie)).status).toBe(200);

      const own = (await h.api('GET', '/api/v1/account/sessions', { cookie })).body.sessions[0];
      const self = await h.api('DELETE', `/api/v1/account/sessions/${own.id}`, { cookie });
      expect(self.status).toBe(204);
      expect(String(self.headers['set-cookie'])).toMatch(/mpp_session=;/);
      expectProblem(await me(cookie), 401, 'unauthenticated');
      expect((await me(bob)).status).toBe(200);
    });

    it('forgets a known browser by its id; another account’s device or an unknown id is not found', async () => {
      const cookie = await setUp();
      await h.loginSession(BOB);
      const devices = (await h.api('GET', '/api/v1/account/devices', { cookie })).body.devices;
      expect(devices).toHaveLength(1);
      const bobsDevice = (
        await h.deps.db
          .selectFrom('devices')
          .innerJoin('accounts', 'accounts.id', 'devices.account_id')
          .select('devices.id')
          .where('email_key', '=', BOB)
          .executeTakeFirstOrThrow()
      ).id;
      expectProblem(await h.api('DELETE', `/api/v1/account/devices/${bobsDevice}`, { cookie }), 404, 'not_found');
      expect((await h.api('DELETE', `/api/v1/account/devices/${devices[0].id}`, { cookie })).status).toBe(204);
      expect((await h.api('GET', '/api/v1/account/devices', { cookie })).body.devices).toEqual([]);
      expectProblem(await h.api('DELETE', `/api/v1/account/devices/${devices[0].id}`, { cookie }), 404, 'not_found');
    });
  });
});
