import { afterEach, expect, it } from 'vitest';
import { updatePolicy } from '../../src/services/operator.js';
import { resetTwoFactor } from '../../src/services/account-two-factor.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/**
 * "Don't ask again on this browser" (issue 17): `verify` with `rememberDevice: true` records
 * on the browser's device row until when it is remembered and the policy's days it was
 * granted under; a later login of that account from that browser skips the second factor
 * exactly while the super app's policy allows those days, and never for step-ups.
 */

const OWNER = 'owner@example.com';
const OTHER = 'other@example.com';
const DAY = 24 * 3600;

interface Sent {
  status: number;
  body: any;
  session: string | undefined;
  device: string | undefined;
}

describeEachDialect('remember this browser (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function send(method: 'GET' | 'POST' | 'DELETE', url: string, options: { body?: object; device?: string; session?: string } = {}): Promise<Sent> {
    const cookies: Record<string, string> = {};
    if (options.device !== undefined) cookies.mpp_device = options.device;
    if (options.session !== undefined) cookies.mpp_session = options.session;
    const response = await h.app.inject({
      method,
      url,
      remoteAddress: '198.51.100.7',
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0' },
      cookies,
      ...(options.body ? { payload: options.body } : {}),
    });
    return {
      status: response.statusCode,
      body: response.body === '' ? undefined : JSON.parse(response.body),
      session: response.cookies.find((c) => c.name.endsWith('mpp_session'))?.value,
      device: response.cookies.find((c) => c.name.endsWith('mpp_device'))?.value,
    };
  }

  /** A tenant whose policy allows `days`, and OWNER with an authenticator; its key. */
  async function setUp(days: number, required = false) {
    h = await createHarness(dialect);
    const tenant = await h.tenant('Acme', { rememberDeviceDays: days });
    const owner = await h.member(tenant.workspaceId, OWNER);
    const { key } = await h.activateTotp(await h.loginSession(OWNER));
    if (required) await updatePolicy(h.deps, tenant.superAppId, { required: true, rememberDeviceDays: days });
    return { ...tenant, ownerId: owner.id, key };
  }

  const login = (device?: string, email = OWNER, workspaceId?: string) =>
    send('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD, ...(workspaceId && { workspaceId }) }, ...(device !== undefined && { device }) });

  /** A full login with the authenticator from `device` (a fresh browser when undefined), asking to be remembered or not. */
  async function loginWithCode(key: Uint8Array, options: { device?: string; remember: boolean; workspaceId?: string }): Promise<Sent & { started: Sent }> {
    const started = await login(options.device, OWNER, options.workspaceId);
    expect(started.body.status, JSON.stringify(started.body)).toBe('second_factor_required');
    h.clock.advanceSeconds(30);
    const verified = await send('POST', `/api/v1/auth/challenges/${encodeURIComponent(started.body.challenge.id)}/verify`, {
      body: { method: 'totp', code: h.totp(key), ...(options.remember && { rememberDevice: true }) },
      ...(options.device !== undefined && { device: options.device }),
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    return { ...verified, started };
  }

  async function skippedEvents(accountId: string) {
    return h.deps.db.selectFrom('audit_events').selectAll().where('account_id', '=', accountId).where('type', '=', 'second_factor.skipped').execute();
  }

  it('a remembered browser skips the second factor for the days the policy allows, then is asked again', async () => {
    const { key, ownerId } = await setUp(7, true);
    const first = await loginWithCode(key, { remember: true });
    expect(first.started.body.challenge.rememberDeviceDays).toBe(7);
    const until = new Date(h.clock.now().getTime() + 7 * DAY * 1000).toISOString();
    expect(first.body.rememberedDeviceUntil).toBe(until);
    const device = first.device!;
    // Of the account's two browsers (set-up and this one), only this one is remembered.
    const rows = await h.deps.db.selectFrom('devices').selectAll().where('account_id', '=', ownerId).orderBy('created_at').execute();
    expect(rows.map((row) => [row.remembered_until, row.remember_days === null ? null : Number(row.remember_days)])).toEqual([
      [null, null],
      [until, 7],
    ]);

    h.clock.advanceSeconds(6 * DAY);
    const skipped = await login(device);
    expect(skipped.status, JSON.stringify(skipped.body)).toBe(200);
    expect(skipped.body).toMatchObject({ status: 'authenticated', rememberedDeviceUntil: until });
    expect(skipped.session).toBeDefined();
    const [event] = await skippedEvents(ownerId);
    expect(event).toMatchObject({ workspace_id: first.body.workspace.id, ip: '198.51.100.7' });
    expect(JSON.parse(event!.details)).toMatchObject({ reason: 'remembered_device', rememberedUntil: until, rememberDays: 7 });

    // Another browser, or no cookie, is asked as before.
    expect((await login()).body.status).toBe('second_factor_required');

    h.clock.advanceSeconds(DAY);
    const expired = await login(device);
    expect(expired.body.status).toBe('second_factor_required');
    expect(await skippedEvents(ownerId)).toHaveLength(1);
  });

  it('the session it opens counts as the password alone: a step-up still asks for the second factor', async () => {
    const { key, superAppId } = await setUp(7, true);
    await h.makeSuperAppAdmin(superAppId, OWNER);
    const device = (await loginWithCode(key, { remember: true })).device!;
    const skipped = await login(device);
    expect(skipped.body.status).toBe('authenticated');
    const session = await send('GET', '/api/v1/session', { session: skipped.session! });
    expect(session.body.secondFactorVerified).toBe(false);
    const stepUp = await send('POST', `/api/v1/super-apps/${superAppId}/step-up`, { session: skipped.session!, device });
    expect(stepUp.status, JSON.stringify(stepUp.body)).toBe(200);
    expect(stepUp.body.status).toBe('second_factor_required');
    expect(stepUp.body.challenge.rememberDeviceDays).toBe(0);
    // The tenant rule of a super app that requires 2FA is not met by the skip either.
    const policy = await send('GET', `/api/v1/super-apps/${superAppId}/two-factor-policy`, { session: skipped.session! });
    expect(policy.status).toBe(403);
    expect(policy.body.code).toBe('second_factor_required_for_super_app');
  });

  it('without the tick, or where the policy allows 0 days, nothing is remembered', async () => {
    const { key, superAppId } = await setUp(7, true);
    const plain = await loginWithCode(key, { remember: false });
    expect(plain.body.rememberedDeviceUntil).toBeUndefined();
    expect((await login(plain.device)).body.status).toBe('second_factor_required');

    await updatePolicy(h.deps, superAppId, { rememberDeviceDays: 0 });
    const refused = await loginWithCode(key, { remember: true, device: plain.device });
    expect(refused.started.body.challenge.rememberDeviceDays).toBe(0);
    expect(refused.body.rememberedDeviceUntil).toBeUndefined();
    expect((await login(plain.device)).body.status).toBe('second_factor_required');
  });

  it('a policy that lowers N ends the remembrance (raising it back does not restore it); one that raises N keeps it', async () => {
    const { key, superAppId, ownerId } = await setUp(7);
    const device = (await loginWithCode(key, { remember: true })).device!;
    await updatePolicy(h.deps, superAppId, { rememberDeviceDays: 14 });
    expect((await login(device)).body.status).toBe('authenticated');

    await updatePolicy(h.deps, superAppId, { rememberDeviceDays: 3 });
    const rows = await h.deps.db.selectFrom('devices').select('remembered_until').where('account_id', '=', ownerId).execute();
    expect(rows.map((row) => row.remembered_until)).toEqual([null, null]);
    expect((await login(device)).body.status).toBe('second_factor_required');
    await updatePolicy(h.deps, superAppId, { rememberDeviceDays: 7 });
    expect((await login(device)).body.status).toBe('second_factor_required');
  });

  it('switching required on without naming the days makes them 0 and asks every time', async () => {
    const { key, superAppId } = await setUp(30);
    const device = (await loginWithCode(key, { remember: true })).device!;
    expect((await login(device)).body.status).toBe('authenticated');
    const policy = await updatePolicy(h.deps, superAppId, { required: true });
    expect(policy.rememberDeviceDays).toBe(0);
    expect((await login(device)).body.status).toBe('second_factor_required');
  });

  it('only into super apps whose policy allows at least the days it was granted under', async () => {
    const { key, workspaceId } = await setUp(7);
    const strict = await h.tenant('Strict', { rememberDeviceDays: 3 });
    const lenient = await h.tenant('Lenient', { rememberDeviceDays: 30 });
    await h.member(strict.workspaceId, OWNER);
    await h.member(lenient.workspaceId, OWNER);
    const device = (await loginWithCode(key, { remember: true, workspaceId })).device!;
    expect((await login(device, OWNER, strict.workspaceId)).body.status).toBe('second_factor_required');
    expect((await login(device, OWNER, lenient.workspaceId)).body.status).toBe('authenticated');
    expect((await login(device, OWNER, workspaceId)).body.status).toBe('authenticated');
  });

  it('only for that account: another account signing in from the same browser is asked', async () => {
    const { key, workspaceId } = await setUp(7);
    await h.member(workspaceId, OTHER);
    const other = await h.activateTotp(await h.loginSession(OTHER));
    const device = (await loginWithCode(key, { remember: true })).device!;
    const started = await login(device, OTHER);
    expect(started.body.status).toBe('second_factor_required');
    h.clock.advanceSeconds(30);
    const verified = await send('POST', `/api/v1/auth/challenges/${encodeURIComponent(started.body.challenge.id)}/verify`, {
      body: { method: 'totp', code: h.totp(other.key) },
      device,
    });
    expect(verified.status).toBe(200);
    // The browser now holds both accounts' entries; the owner's remembrance is still its own.
    expect((await login(verified.device, OTHER)).body.status).toBe('second_factor_required');
    expect((await login(verified.device, OWNER)).body.status).toBe('authenticated');
  });

  it('ends on password change (this browser too), on "forget this device", on 2FA deactivation and reactivation, and on an admin reset', async () => {
    const { key, ownerId } = await setUp(7);
    // Password change, from the remembered browser itself.
    let device = (await loginWithCode(key, { remember: true })).device!;
    const session = (await login(device)).session!;
    h.clock.advanceSeconds(30);
    const changed = await send('POST', '/api/v1/account/password', {
      session,
      device,
      body: { currentPassword: PASSWORD, newPassword: PASSWORD + ' again', method: 'totp', code: h.totp(key) },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);
    const afterChange = await send('POST', '/api/v1/auth/login', { body: { email: OWNER, password: PASSWORD + ' again' }, device });
    expect(afterChange.body.status).toBe('second_factor_required');
    await h.deps.db
      .updateTable('accounts')
      .set({ password_hash: await h.deps.hasher.hash(PASSWORD) })
      .where('id', '=', ownerId)
      .execute();

    // Forget this device.
    device = (await loginWithCode(key, { remember: true, device })).device!;
    const signedIn = await login(device);
    expect(signedIn.body.status).toBe('authenticated');
    const devices = await send('GET', '/api/v1/account/devices', { session: signedIn.session!, device });
    const current = devices.body.devices.find((d: { current: boolean }) => d.current);
    expect(current.rememberedUntil).toBe(signedIn.body.rememberedDeviceUntil);
    expect((await send('DELETE', `/api/v1/account/devices/${current.id}`, { session: signedIn.session!, device })).status).toBe(204);
    expect((await login(device)).body.status).toBe('second_factor_required');

    // Deactivating and activating the authenticator again: a second-factor change.
    device = (await loginWithCode(key, { remember: true, device })).device!;
    const fresh = (await loginWithCode(key, { remember: false })).session!;
    h.clock.advanceSeconds(30);
    const off = await send('POST', '/api/v1/account/two-factor/deactivation', {
      session: fresh,
      body: { password: PASSWORD, method: 'totp', code: h.totp(key) },
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    h.clock.advanceSeconds(30);
    const again = await h.activateTotp(fresh);
    expect((await login(device)).body.status).toBe('second_factor_required');

    // An admin (here the operator) reset forgets the devices altogether.
    device = (await loginWithCode(again.key, { remember: true, device })).device!;
    expect((await login(device)).body.status).toBe('authenticated');
    await resetTwoFactor(h.deps, ownerId, { admin: null, context: null });
    expect(await h.deps.db.selectFrom('devices').select('id').where('account_id', '=', ownerId).execute()).toEqual([]);
    // No second factor is left to skip: the password alone signs in, and nothing says the browser is remembered.
    const after = await login(device);
    expect(after.body.status).toBe('authenticated');
    expect(after.body).not.toHaveProperty('rememberedDeviceUntil');
  });

  it('the policy shows and takes rememberDeviceDays; out of range is a 400 that changes nothing', async () => {
    const { key, superAppId } = await setUp(7);
    await h.makeSuperAppAdmin(superAppId, OWNER);
    const admin = (await loginWithCode(key, { remember: false })).session!;
    const url = `/api/v1/super-apps/${superAppId}/two-factor-policy`;
    expect((await send('GET', url, { session: admin })).body.rememberDeviceDays).toBe(7);
    const base = { required: false, primaryMethod: 'totp', secondaryMethod: null, allowDeactivation: true };
    for (const days of [31, -1, 2.5]) {
      const refused = await h.api('PUT', url, { cookie: admin, body: { ...base, rememberDeviceDays: days } });
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.code).toBe('invalid_request');
    }
    expect((await send('GET', url, { session: admin })).body.rememberDeviceDays).toBe(7);
    const changed = await h.api('PUT', url, { cookie: admin, body: { ...base, rememberDeviceDays: 14 } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.rememberDeviceDays).toBe(14);
    // A client that predates the field leaves it as it is.
    expect((await h.api('PUT', url, { cookie: admin, body: base })).body.rememberDeviceDays).toBe(14);
  });
});
