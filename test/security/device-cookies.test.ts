import { createHash } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { DEVICE_COOKIE_MAX_AGE_SECONDS, MAX_DEVICES_PER_ACCOUNT, PASSWORD_FREE_FAILURES_PER_DEVICE } from '../../src/domain/limits.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/**
 * Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): a
 * browser that completed a sign-in holds `mpp_device`; its password attempts count on the
 * device's own counter, so someone guessing the email from anywhere else cannot keep the
 * owner out of the owner's own browser, and gets no more guesses for it.
 */

const OWNER = 'owner@example.com';
const WRONG = 'not the password at all';
const ATTACKER_IP = '203.0.113.66';
const OWNER_IP = '198.51.100.7';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0';

interface Sent {
  status: number;
  body: any;
  session: string | undefined;
  device: { name: string; value: string; httpOnly?: boolean; sameSite?: string; path?: string; maxAge?: number; secure?: boolean } | undefined;
}

describeEachDialect('device cookies (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function setUp(policy?: { required: boolean }, publicUrl?: string): Promise<{ id: string; workspaceId: string; superAppId: string }> {
    h = await createHarness(dialect, publicUrl === undefined ? {} : { publicUrl });
    const { workspaceId, superAppId } = await h.tenant('Acme', policy);
    const owner = await h.member(workspaceId, OWNER);
    return { id: owner.id, workspaceId, superAppId };
  }

  async function send(
    method: 'GET' | 'POST',
    url: string,
    options: { body?: object; ip?: string; device?: string; session?: string; origin?: string; cookieHeader?: string; userAgent?: string } = {},
  ): Promise<Sent> {
    const cookies: Record<string, string> = {};
    if (options.device !== undefined) cookies.mpp_device = options.device;
    if (options.session !== undefined) cookies.mpp_session = options.session;
    const response = await h.app.inject({
      method,
      url,
      remoteAddress: options.ip ?? OWNER_IP,
      headers: {
        'user-agent': options.userAgent ?? BROWSER,
        ...(options.origin ? { origin: options.origin } : {}),
        ...(options.cookieHeader ? { cookie: options.cookieHeader } : {}),
      },
      cookies,
      ...(options.body ? { payload: options.body } : {}),
    });
    await h.deps.outbox.settle();
    const device = response.cookies.find((c) => c.name.endsWith('mpp_device')) as Sent['device'];
    const session = response.cookies.find((c) => c.name.endsWith('mpp_session'))?.value;
    return { status: response.statusCode, body: response.body === '' ? undefined : JSON.parse(response.body), session, device };
  }

  const login = (password: string, options: { ip?: string; device?: string; cookieHeader?: string; userAgent?: string } = {}) =>
    send('POST', '/api/v1/auth/login', { body: { email: OWNER, password }, ...options });

  /** A full password-only sign-in from a fresh browser; its device cookie. */
  async function signInOnce(ip = OWNER_IP, userAgent = BROWSER): Promise<string> {
    const response = await login(PASSWORD, { ip, userAgent });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.device).toBeDefined();
    return response.device!.value;
  }

  function newSignInMails(): string[] {
    return h.mailer
      .to(OWNER)
      .filter((m) => /New sign-in/.test(m.subject))
      .map((m) => m.text);
  }

  it('a full sign-in sets a long-lived HttpOnly device cookie; the database keeps only the hash of its token', async () => {
    const { id } = await setUp();
    const response = await login(PASSWORD);
    expect(response.status).toBe(200);
    expect(response.device).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS });
    expect(response.device!.secure).toBeFalsy();

    const value = response.device!.value;
    const [token, signature] = value.split('.');
    expect(token!.length).toBeGreaterThanOrEqual(43);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    const rows = await h.deps.db.selectFrom('devices').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ account_id: id, token_hash: createHash('sha256').update(token!).digest('hex'), ip: OWNER_IP, user_agent: BROWSER });
    expect(JSON.stringify(rows)).not.toContain(token);

    // Signing in again from the same browser renews the same cookie and sees the device again.
    h.clock.advanceSeconds(3600);
    const again = await login(PASSWORD, { device: value, ip: '198.51.100.8' });
    expect(again.device?.value).toBe(value);
    const [row] = await h.deps.db.selectFrom('devices').selectAll().execute();
    expect(row).toMatchObject({ created_at: rows[0]!.created_at, last_seen_at: h.clock.now().toISOString(), ip: '198.51.100.8' });
  });

  it('behind https the cookie is __Host-mpp_device and Secure', async () => {
    await setUp(undefined, 'https://console.example.com');
    const response = await send('POST', '/api/v1/auth/login', { body: { email: OWNER, password: PASSWORD }, origin: 'https://console.example.com' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.device).toMatchObject({ name: '__Host-mpp_device', secure: true, httpOnly: true, path: '/' });
  });

  it("no device cookie before the second factor passes; the login challenge's verify sets it", async () => {
    await setUp({ required: true });
    const started = await login(PASSWORD);
    expect(started.body.status).toBe('enrollment_required');
    expect(started.device).toBeUndefined();
    expect(await h.deps.db.selectFrom('devices').select('id').execute()).toEqual([]);

    const challengeId = encodeURIComponent(started.body.challenge.id);
    const enrollment = await send('POST', `/api/v1/auth/challenges/${challengeId}/enrollment`, { body: {} });
    expect(enrollment.status, JSON.stringify(enrollment.body)).toBe(200);
    const { decodeTotpKey } = await import('../../src/domain/totp.js');
    const key = decodeTotpKey(enrollment.body.secret);
    const verified = await send('POST', `/api/v1/auth/challenges/${challengeId}/verify`, { body: { method: 'totp_enrollment', code: h.totp(key) } });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.device).toMatchObject({ httpOnly: true, maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS });
    expect(await h.deps.db.selectFrom('devices').select('id').execute()).toHaveLength(1);
  });

  it("someone guessing the email once a minute from elsewhere keeps a new browser waiting, never the owner's own browser", async () => {
    await setUp();
    const device = await signInOnce();
    // The attacker first drives the account's wait up to its longest (60 s), waiting out each delay.
    let retryAfter = 0;
    let warmUp = 0;
    while (retryAfter < 60) {
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: OWNER, password: WRONG },
        remoteAddress: ATTACKER_IP,
      });
      retryAfter = Number(response.headers['retry-after'] ?? 0);
      h.clock.advanceSeconds(retryAfter === 60 ? 0 : retryAfter);
      warmUp += 1;
    }
    const attacker: number[] = [];
    const ownerWithCookie: number[] = [];
    const ownerFreshBrowser: number[] = [];
    // Then one wrong password a minute for the rest of the 15-minute window, the owner trying between them.
    const minutes = 12;
    for (let minute = 0; minute < minutes; minute += 1) {
      h.clock.advanceSeconds(30);
      ownerWithCookie.push((await login(PASSWORD, { device })).status);
      ownerFreshBrowser.push((await login(PASSWORD, { ip: '198.51.100.99' })).status);
      h.clock.advanceSeconds(30);
      attacker.push((await login(WRONG, { ip: ATTACKER_IP })).status);
    }
    const count = (list: number[], status: number) => list.filter((s) => s === status).length;
    console.log(
      `owner lockout (${dialect}): ${warmUp} warm-up guesses, then attacker ${count(attacker, 401)}×401 ${count(attacker, 429)}×429 in ${minutes} min; owner with device cookie signed in ${count(ownerWithCookie, 200)}/${minutes}, from a new browser ${count(ownerFreshBrowser, 200)}/${minutes}`,
    );
    expect(ownerWithCookie).toEqual(Array(minutes).fill(200));
    expect(ownerFreshBrowser).toEqual(Array(minutes).fill(429));
    // The owner's sign-ins did not forgive the attacker's failures: still at most one guess a minute.
    expect(attacker.every((s) => s === 401 || s === 429)).toBe(true);
    expect(count(attacker, 401)).toBeLessThanOrEqual(minutes);
  });

  it('a device has its own limit: wrong passwords with its cookie slow that browser down, not the account', async () => {
    await setUp();
    const device = await signInOnce();
    for (let i = 0; i < PASSWORD_FREE_FAILURES_PER_DEVICE; i += 1) expect((await login(WRONG, { device })).status).toBe(401);
    const held = await login(WRONG, { device });
    expect(held.status).toBe(429);
    expect((await login(PASSWORD, { device })).status).toBe(429); // its own wait holds for the right password too
    expect((await login(PASSWORD, { ip: '198.51.100.50' })).status).toBe(200); // the account's counter is untouched
    h.clock.advanceSeconds(1);
    expect((await login(PASSWORD, { device })).status).toBe(200);
    expect((await login(WRONG, { device })).status).toBe(401); // a correct password forgave the device's failures
  });

  it('a forged, altered or foreign device cookie counts as none', async () => {
    const { workspaceId } = await setUp();
    await h.member(workspaceId, 'mallory@example.com');
    const malloryDevice = (await send('POST', '/api/v1/auth/login', { body: { email: 'mallory@example.com', password: PASSWORD }, ip: ATTACKER_IP })).device!
      .value;
    const ownerDevice = await signInOnce();
    const [token, signature] = ownerDevice.split('.');
    const forgeries = [
      `${token}.${'0'.repeat(64)}`,
      `${token}.${signature}zz`,
      `${token}.${signature!.toUpperCase()}`,
      `${token!.slice(0, -1)}${token!.endsWith('A') ? 'B' : 'A'}.${signature}`,
      token!,
      'x'.repeat(5000),
      malloryDevice,
    ];
    for (let i = 0; i < 5; i += 1) expect((await login(WRONG, { ip: ATTACKER_IP })).status).toBe(401);
    for (const forged of forgeries) {
      const response = await login(PASSWORD, { device: forged, ip: ATTACKER_IP });
      expect(response.status, forged.slice(0, 40)).toBe(429);
    }
    expect((await login(PASSWORD, { device: ownerDevice })).status).toBe(200);
  });

  it('a sign-in from a new browser emails the owner once, with address and browser; the first device and known devices do not', async () => {
    await setUp();
    const first = await signInOnce();
    expect(newSignInMails()).toEqual([]);
    await login(PASSWORD, { device: first });
    expect(newSignInMails()).toEqual([]);
    await signInOnce('192.0.2.44');
    const mails = newSignInMails();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain('From: 192.0.2.44');
    expect(mails[0]).toContain(`Browser: ${BROWSER}`);
  });

  it('GET /account/devices lists the known devices, the asking browser marked current', async () => {
    await setUp();
    const first = await signInOnce();
    h.clock.advanceSeconds(60);
    const second = await login(PASSWORD, { ip: '192.0.2.9' });
    expect((await send('GET', '/api/v1/account/devices')).status).toBe(401);

    const listed = await send('GET', '/api/v1/account/devices', { session: second.session!, device: second.device!.value });
    expect(listed.status).toBe(200);
    expect(listed.body.devices).toHaveLength(2);
    expect(listed.body.devices[0]).toEqual({
      id: expect.any(String),
      firstSeenAt: h.clock.now().toISOString(),
      lastSeenAt: h.clock.now().toISOString(),
      ip: '192.0.2.9',
      userAgent: BROWSER,
      current: true,
      rememberedUntil: null,
    });
    expect(listed.body.devices[1]).toMatchObject({ ip: OWNER_IP, current: false });
    expect(JSON.stringify(listed.body)).not.toContain(first.split('.')[0]);
  });

  it('a 2FA reset forgets every device of the member: the old cookie no longer helps', async () => {
    const { id } = await setUp();
    const device = await signInOnce();
    await h.activateTotp(await h.loginSession(OWNER));
    expect((await h.deps.db.selectFrom('devices').select('id').where('account_id', '=', id).execute()).length).toBeGreaterThan(0);

    const { resetTwoFactor } = await import('../../src/services/two-factor-reset.js');
    expect(await resetTwoFactor(h.deps, id, { admin: null, context: null })).toBe(true);
    expect(await h.deps.db.selectFrom('devices').select('id').where('account_id', '=', id).execute()).toEqual([]);
    for (let i = 0; i < 5; i += 1) expect((await login(WRONG, { ip: ATTACKER_IP })).status).toBe(401);
    expect((await login(PASSWORD, { device })).status).toBe(429);
  });

  it('a second cookie of the same name cannot shadow the real one', async () => {
    await setUp();
    const device = await signInOnce();
    for (let i = 0; i < 5; i += 1) expect((await login(WRONG, { ip: ATTACKER_IP })).status).toBe(401);
    const forged = `${device.split('.')[0]}.${'1'.repeat(64)}`;
    expect((await login(PASSWORD, { cookieHeader: `mpp_device=${forged}; mpp_device=${device}` })).status).toBe(200);
  });

  it("attempts from a known device stay off the address's counter", async () => {
    await setUp();
    const device = await signInOnce();
    for (let i = 0; i < 3; i += 1) expect((await login(WRONG, { device, ip: '192.0.2.200' })).status).toBe(401);
    const keys = (await h.deps.db.selectFrom('throttles').select('key').execute()).map((row) => row.key);
    expect(keys).not.toContain('password:ip:192.0.2.200');
    expect(keys.filter((key) => key.startsWith('password:account:'))).toEqual([]);
    expect(keys.filter((key) => key.startsWith('password:device:'))).toHaveLength(1);
  });

  it('one browser remembers each account that signed in from it: switching accounts is no new device', async () => {
    const { workspaceId } = await setUp();
    await h.member(workspaceId, 'second@example.com');
    let cookie = await signInOnce();
    const other = await send('POST', '/api/v1/auth/login', { body: { email: 'second@example.com', password: PASSWORD }, device: cookie });
    expect(other.status).toBe(200);
    cookie = other.device!.value;
    expect(cookie.split('~')).toHaveLength(2);
    const back = await login(PASSWORD, { device: cookie });
    expect(back.status).toBe(200);
    expect(back.device!.value.split('~')).toHaveLength(2);
    expect(await h.deps.db.selectFrom('devices').select('id').execute()).toHaveLength(2);
    expect(newSignInMails()).toEqual([]);
    // Either account's entry keeps its own counter.
    for (let i = 0; i < 5; i += 1) expect((await login(WRONG, { ip: ATTACKER_IP })).status).toBe(401);
    expect((await login(PASSWORD, { device: back.device!.value })).status).toBe(200);
  });

  it('a sign-in from a new browser that passed the second factor is told to the owner too', async () => {
    await setUp();
    const session = await h.loginSession(OWNER);
    const { key } = await h.activateTotp(session);
    const started = await login(PASSWORD, { ip: '192.0.2.77', userAgent: 'Tablet\u0007 Browser \u00e9' });
    expect(started.body.status).toBe('second_factor_required');
    const verified = await send('POST', `/api/v1/auth/challenges/${encodeURIComponent(started.body.challenge.id)}/verify`, {
      body: { method: 'totp', code: h.totp(key) },
      ip: '192.0.2.77',
      userAgent: 'Tablet\u0007 Browser \u00e9',
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    const mails = newSignInMails();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain('From: 192.0.2.77');
    expect(mails[0]).toContain('Browser: Tablet? Browser ?');
  });

  it('a device unseen for 400 days is forgotten: its cookie counts as none', async () => {
    await setUp();
    const device = await signInOnce();
    h.clock.advanceSeconds(DEVICE_COOKIE_MAX_AGE_SECONDS + 1);
    for (let i = 0; i < 5; i += 1) expect((await login(WRONG, { ip: ATTACKER_IP })).status).toBe(401);
    expect((await login(PASSWORD, { device })).status).toBe(429);
  });

  it(`an account keeps its ${MAX_DEVICES_PER_ACCOUNT} most recently seen devices`, async () => {
    const { id } = await setUp();
    const first = await signInOnce();
    for (let i = 0; i < MAX_DEVICES_PER_ACCOUNT; i += 1) {
      h.clock.advanceSeconds(1);
      await signInOnce(`192.0.2.${i + 1}`);
    }
    const rows = await h.deps.db.selectFrom('devices').select(['ip']).where('account_id', '=', id).execute();
    expect(rows).toHaveLength(MAX_DEVICES_PER_ACCOUNT);
    expect(rows.map((row) => row.ip)).not.toContain(OWNER_IP);
    for (let i = 0; i < 5; i += 1) expect((await login(WRONG, { ip: ATTACKER_IP })).status).toBe(401);
    expect((await login(PASSWORD, { device: first })).status).toBe(429);
  });
});
