import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

/** A six-digit code that is certainly not `code`. */
function otherCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

describeEachDialect('email verification codes (%s)', (dialect) => {
  let h: Harness;

  beforeEach(async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme Super App', { required: true, primaryMethod: 'email', secondaryMethod: null });
    await h.member(workspaceId, ALICE, 'developer');
  });
  afterEach(async () => h?.close());

  async function login(email = ALICE): Promise<ApiResponse> {
    return h.api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
  }
  async function challenge(): Promise<string> {
    const response = await login();
    expect(response.body.status).toBe('second_factor_required');
    return response.body.challenge.id;
  }
  const sendCode = (id: string) => h.api('POST', `/api/v1/auth/challenges/${id}/email-code`);
  const verify = (id: string, code: string, method = 'email') => h.api('POST', `/api/v1/auth/challenges/${id}/verify`, { body: { method, code } });

  /** Bob, in a super app without a policy, with his own authenticator active; returns his session. */
  async function bobWithTotp(): Promise<string> {
    const plain = await h.tenant('Plain Super App');
    await h.member(plain.workspaceId, BOB, 'developer');
    const cookie = await h.loginSession(BOB);
    await h.activateTotp(cookie);
    return cookie;
  }
  const sendDeactivationCode = (cookie: string) => h.api('POST', '/api/v1/account/two-factor/deactivation/email-code', { cookie });
  const deactivate = (cookie: string, code: string) =>
    h.api('POST', '/api/v1/account/two-factor/deactivation', { cookie, body: { password: PASSWORD, method: 'email', code } });
  const isActive = async (cookie: string) => (await h.api('GET', '/api/v1/account/two-factor', { cookie })).body.active;

  it('asks for an email code after the password when the super app requires email', async () => {
    const response = await login();
    expect(response.status).toBe(200);
    expect(response.sessionCookie).toBeUndefined();
    expect(response.body.status).toBe('second_factor_required');
    expect(response.body.challenge).toMatchObject({ methods: ['email'], primaryMethod: 'email', reason: 'super_app_policy' });
    expect(h.mailer.to(ALICE)).toEqual([]);
  });

  it('mails a code on request and signs in with it', async () => {
    const id = await challenge();
    const sent = await sendCode(id);
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ sentTo: 'a***@example.com', resendAfterSeconds: 60 });
    expect(h.mailer.to(ALICE)).toHaveLength(1);

    const verified = await verify(id, h.mailer.lastCode(ALICE));
    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe('authenticated');
    expect(verified.sessionCookie).toBeDefined();
    const session = await h.api('GET', '/api/v1/session', { cookie: verified.sessionCookie });
    expect(session.body).toMatchObject({ account: { email: ALICE }, workspace: { name: 'Workspace 1' }, secondFactorVerified: true });
  });

  it('says in the email which workspace the code signs in to, and never carries the password', async () => {
    await sendCode(await challenge());
    const [mail] = h.mailer.to(ALICE);
    expect(mail!.subject).toMatch(/verification code/i);
    expect(mail!.text).toContain('Workspace 1');
    expect(mail!.text).toContain('Acme Super App');
    expect(mail!.text).toMatch(/sign in/i);
    expect(mail!.text).toContain('10 minutes');
    expect(`${mail!.subject}\n${mail!.text}`).not.toContain(PASSWORD);
  });

  it('accepts a login code once and only for its own challenge', async () => {
    const first = await challenge();
    await sendCode(first);
    const code = h.mailer.lastCode(ALICE);
    expect((await verify(first, code)).status).toBe(200);
    expectProblem(await verify(first, code), 410, 'challenge_expired');

    const second = await challenge();
    expectProblem(await verify(second, code), 401, 'invalid_code');
  });

  it('accepts a deactivation code once', async () => {
    const cookie = await bobWithTotp();
    expect((await sendDeactivationCode(cookie)).status).toBe(202);
    const code = h.mailer.lastCode(BOB);
    expect((await deactivate(cookie, code)).status).toBe(200);

    await h.activateTotp(cookie);
    expectProblem(await deactivate(cookie, code), 401, 'invalid_code');
    expect(await isActive(cookie)).toBe(true);
  });

  it('keeps a code valid for just under 10 minutes', async () => {
    const cookie = await bobWithTotp();
    await sendDeactivationCode(cookie);
    h.clock.advanceSeconds(599);
    const response = await deactivate(cookie, h.mailer.lastCode(BOB));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ active: false });
  });

  it('refuses a code after 10 minutes', async () => {
    const cookie = await bobWithTotp();
    await sendDeactivationCode(cookie);
    h.clock.advanceSeconds(601);
    expectProblem(await deactivate(cookie, h.mailer.lastCode(BOB)), 401, 'invalid_code');
    expect(await isActive(cookie)).toBe(true);
  });

  it('kills the older code when a new one is sent', async () => {
    const id = await challenge();
    await sendCode(id);
    const older = h.mailer.lastCode(ALICE);
    h.clock.advanceSeconds(60);
    expect((await sendCode(id)).status).toBe(202);
    const newer = h.mailer.lastCode(ALICE);
    // Two random codes coincide one time in a million; then there is nothing to tell apart.
    if (newer !== older) expectProblem(await verify(id, older), 401, 'invalid_code');
    expect((await verify(id, newer)).status).toBe(200);
  });

  it('kills a code after 5 wrong tries', async () => {
    const cookie = await bobWithTotp();
    await sendDeactivationCode(cookie);
    const code = h.mailer.lastCode(BOB);
    for (let i = 0; i < 5; i += 1) expectProblem(await deactivate(cookie, otherCode(code)), 401, 'invalid_code');
    expectProblem(await deactivate(cookie, code), 401, 'invalid_code');
    expect(await isActive(cookie)).toBe(true);
  });

  it("does not reset a code's wrong tries when a new code is sent", async () => {
    const cookie = await bobWithTotp();
    await sendDeactivationCode(cookie);
    const older = h.mailer.lastCode(BOB);
    for (let i = 0; i < 3; i += 1) await deactivate(cookie, otherCode(older));
    h.clock.advanceSeconds(60);
    expect((await sendDeactivationCode(cookie)).status).toBe(202);
    const newer = h.mailer.lastCode(BOB);
    for (let i = 0; i < 2; i += 1) expectProblem(await deactivate(cookie, otherCode(newer)), 401, 'invalid_code');
    expectProblem(await deactivate(cookie, newer), 401, 'invalid_code');
    expect(await isActive(cookie)).toBe(true);
  });

  it('does not give a challenge back its attempts when a new code is sent', async () => {
    const id = await challenge();
    await sendCode(id);
    const older = h.mailer.lastCode(ALICE);
    for (const remaining of [4, 3, 2]) {
      const wrong = await verify(id, otherCode(older));
      expectProblem(wrong, 401, 'invalid_code');
      expect(wrong.body.attemptsRemaining).toBe(remaining);
    }
    h.clock.advanceSeconds(60);
    await sendCode(id);
    const newer = h.mailer.lastCode(ALICE);
    const wrong = await verify(id, otherCode(newer));
    expectProblem(wrong, 401, 'invalid_code');
    expect(wrong.body.attemptsRemaining).toBe(1);
    expect((await verify(id, newer)).status).toBe(200);
  });

  it('refuses a resend within 60 seconds with 429 resend_too_soon and Retry-After', async () => {
    const id = await challenge();
    await sendCode(id);
    h.clock.advanceSeconds(20);
    const early = await sendCode(id);
    expectProblem(early, 429, 'resend_too_soon');
    expect(early.headers['retry-after']).toBe('40');
    expect(early.body.retryAfterSeconds).toBe(40);

    // The cooldown belongs to the account: a fresh login does not skip it.
    expectProblem(await sendCode(await challenge()), 429, 'resend_too_soon');
    expect(h.mailer.to(ALICE)).toHaveLength(1);

    h.clock.advanceSeconds(40);
    const later = await sendCode(id);
    expect(later.status).toBe(202);
    expect(h.mailer.to(ALICE)).toHaveLength(2);
  });

  it('sends at most 10 codes per account per hour', async () => {
    for (let i = 0; i < 10; i += 1) {
      expect((await sendCode(await challenge())).status).toBe(202);
      h.clock.advanceSeconds(60);
    }
    const capped = await sendCode(await challenge());
    expectProblem(capped, 429, 'too_many_codes');
    expect(Number(capped.headers['retry-after'])).toBeGreaterThan(0);
    expect(capped.body.retryAfterSeconds).toBeGreaterThan(0);
    expect(h.mailer.to(ALICE)).toHaveLength(10);

    // Once the first code is more than an hour old, one more may be sent.
    h.clock.advanceSeconds(3600 - 600 + 1);
    expect((await sendCode(await challenge())).status).toBe(202);
  });

  it('refuses email codes on a challenge that does not offer email with 400 method_not_allowed', async () => {
    await bobWithTotp();
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: BOB, password: PASSWORD } });
    expect(login.body.challenge.methods).toEqual(['totp', 'recovery_code']);
    const before = h.mailer.sent.length;
    expectProblem(await sendCode(login.body.challenge.id), 400, 'method_not_allowed');
    expectProblem(await verify(login.body.challenge.id, '123456', 'email'), 400, 'method_not_allowed');
    expect(h.mailer.sent.length).toBe(before);
  });

  it('refuses other methods on an email-only challenge with 400 method_not_allowed', async () => {
    const id = await challenge();
    expectProblem(await verify(id, '123456', 'totp'), 400, 'method_not_allowed');
    expectProblem(await h.api('POST', `/api/v1/auth/challenges/${id}/enrollment`), 400, 'method_not_allowed');
  });

  it('answers 410 challenge_expired for an unknown or expired challenge', async () => {
    expectProblem(await sendCode('no-such-challenge'), 410, 'challenge_expired');
    const id = await challenge();
    h.clock.advanceSeconds(301);
    expectProblem(await sendCode(id), 410, 'challenge_expired');
    expect(h.mailer.to(ALICE)).toEqual([]);
  });

  it('stores codes only as a hash', async () => {
    await sendCode(await challenge());
    const code = h.mailer.lastCode(ALICE);
    const rows = await h.deps.db.selectFrom('email_codes').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.code_hash).not.toBe(code);
    expect(JSON.stringify(rows)).not.toContain(code);
  });

  it('leaves neither code nor cooldown behind when the mail cannot be sent', async () => {
    const id = await challenge();
    h.mailer.failNext();
    expectProblem(await sendCode(id), 503, 'mail_delivery_failed');
    expect(await h.deps.db.selectFrom('email_codes').selectAll().execute()).toEqual([]);

    const retry = await sendCode(id);
    expect(retry.status).toBe(202);
    expect((await verify(id, h.mailer.lastCode(ALICE))).status).toBe(200);
  });
});
