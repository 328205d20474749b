import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/**
 * Password guessing is slowed down per account and per IP (domain/limits.ts): it never
 * locks the owner out, never touches the second-factor lockout, and unknown emails are
 * treated exactly like known ones.
 */

const EMAIL = 'alice@example.com';
const WRONG = 'not the password at all';

interface Attempt {
  status: number;
  code: string | undefined;
  retryAfter: number | undefined;
  body: any;
  cookie: string | undefined;
}

describeEachDialect('password throttling (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function setUp(): Promise<string> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    return workspaceId;
  }

  let ipCounter = 0;
  /** A fresh client address, so only the account's counter is in play. */
  function freshIp(): string {
    ipCounter += 1;
    return `10.200.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
  }

  /** POST /auth/login from `ip` (an in-process inject; `remoteAddress` is what `request.ip` reports). */
  async function login(email: string, password: string, ip = freshIp()): Promise<Attempt> {
    const response = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: ip });
    const body = JSON.parse(response.body);
    const retry = response.headers['retry-after'];
    const cookie = response.cookies.find((c) => c.name === 'mpp_session')?.value;
    return { status: response.statusCode, code: body.code, retryAfter: retry === undefined ? undefined : Number(retry), body, cookie };
  }

  function expectThrottled(attempt: Attempt, retryAfter: number): void {
    expect(attempt.status, JSON.stringify(attempt.body)).toBe(429);
    expect(attempt.code).toBe('too_many_attempts');
    expect(attempt.retryAfter).toBe(retryAfter);
    expect(attempt.cookie).toBeUndefined();
  }

  function expectWrong(attempt: Attempt): void {
    expect(attempt.status, JSON.stringify(attempt.body)).toBe(401);
    expect(attempt.code).toBe('invalid_credentials');
  }

  it('wrong passwords for one account slow it down, 1 s doubling to at most 60 s; the owner gets in after the wait', async () => {
    await setUp();
    for (let i = 0; i < 5; i += 1) expectWrong(await login(EMAIL, WRONG));

    for (const delay of [1, 2, 4, 8, 16, 32, 60, 60]) {
      expectThrottled(await login(EMAIL, WRONG), delay);
      if (delay > 1) {
        h.clock.advanceSeconds(delay - 1);
        expectThrottled(await login(EMAIL, PASSWORD), 1); // even the right password waits
        h.clock.advanceSeconds(1);
      } else {
        h.clock.advanceSeconds(1);
      }
      expectWrong(await login(EMAIL, WRONG));
    }

    // Hammering during the wait is refused without making the wait longer.
    for (let i = 0; i < 20; i += 1) expectThrottled(await login(EMAIL, WRONG), 60);
    h.clock.advanceSeconds(60);
    const owner = await login(EMAIL, PASSWORD);
    expect(owner.status).toBe(200);
    expect(owner.body.status).toBe('authenticated');
    expect(owner.cookie).toBeDefined();
    // A correct password forgets the account's failures.
    expectWrong(await login(EMAIL, WRONG));
  });

  it('password guessing cannot lock the second factor (login, re-authentication and deactivation)', async () => {
    await setUp();
    const session = await h.loginSession(EMAIL);
    const { key } = await h.activateTotp(session);

    /** Sends a wrong password through `send`, first waiting out any throttle, and expects 401 `invalid_credentials`. */
    async function guess(send: () => Promise<{ status: number; headers: Record<string, unknown>; body: any }>): Promise<void> {
      let response = await send();
      if (response.status === 429) {
        h.clock.advanceSeconds(Number(response.headers['retry-after']));
        response = await send();
      }
      expect(response.status, JSON.stringify(response.body)).toBe(401);
      expect(response.body.code).toBe('invalid_credentials');
    }

    for (let i = 0; i < 25; i += 1) {
      await guess(async () => {
        const a = await login(EMAIL, WRONG);
        return { status: a.status, headers: { 'retry-after': a.retryAfter }, body: a.body };
      });
    }
    for (let i = 0; i < 10; i += 1) {
      await guess(() => h.api('POST', '/api/v1/session/reauthenticate', { cookie: session, body: { password: WRONG } }));
      await guess(() =>
        h.api('POST', '/api/v1/account/two-factor/deactivation', { cookie: session, body: { password: WRONG, method: 'totp', code: h.totp(key) } }),
      );
    }

    const account = await h.deps.db
      .selectFrom('accounts')
      .select(['second_factor_failures', 'second_factor_locked_until'])
      .where('email_key', '=', EMAIL)
      .executeTakeFirstOrThrow();
    expect(Number(account.second_factor_failures)).toBe(0);
    expect(account.second_factor_locked_until).toBeNull();
    expect(h.mailer.to(EMAIL).filter((m) => /locked/i.test(m.subject))).toEqual([]);
    const failedEvents = await h.deps.db
      .selectFrom('audit_events')
      .select('id')
      .where('type', 'in', ['second_factor.failed', 'second_factor.locked'])
      .execute();
    expect(failedEvents).toEqual([]);

    // The owner, after the last wait, signs in with password and authenticator code.
    h.clock.advanceSeconds(120);
    const first = await login(EMAIL, PASSWORD);
    expect(first.body.status).toBe('second_factor_required');
    const verified = await h.api('POST', `/api/v1/auth/challenges/${first.body.challenge.id}/verify`, { body: { method: 'totp', code: h.totp(key) } });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  });

  it('unknown emails are throttled exactly like known ones (same statuses, bodies and waits)', async () => {
    await setUp();

    /** Twelve wrong passwords, waiting out every other throttle; the observable answers. */
    async function script(email: string) {
      const seen: Array<{ status: number; body: unknown; retryAfter: number | undefined }> = [];
      for (let i = 0; i < 12; i += 1) {
        const attempt = await login(email, WRONG);
        seen.push({ status: attempt.status, body: attempt.body, retryAfter: attempt.retryAfter });
        if (attempt.status === 429 && i % 2 === 0) h.clock.advanceSeconds(attempt.retryAfter!);
      }
      return seen;
    }

    const known = await script(EMAIL);
    const unknown = await script('nobody@example.com');
    expect(unknown).toEqual(known);
    expect(known.filter((a) => a.status === 429).length).toBeGreaterThan(0);
    expect(known.filter((a) => a.status === 401).length).toBeGreaterThan(5);
  });

  it('one IP guessing across many emails is slowed down after 30 failures, up to 300 s; other IPs are not', async () => {
    const workspaceId = await setUp();
    await h.member(workspaceId, 'bob@example.com');
    const IP = '10.0.0.9';
    let n = 0;
    const nextEmail = () => `guess-${(n += 1)}@example.com`;

    for (let i = 0; i < 30; i += 1) expectWrong(await login(i === 0 ? 'bob@example.com' : nextEmail(), WRONG, IP));
    expectThrottled(await login(nextEmail(), WRONG, IP), 1);
    // The IP is throttled for every account, the right password included…
    expectThrottled(await login('bob@example.com', PASSWORD, IP), 1);
    // …while the same accounts answer normally from elsewhere.
    expect((await login('bob@example.com', PASSWORD, '10.0.0.10')).status).toBe(200);
    expectWrong(await login(nextEmail(), WRONG, '10.0.0.10'));

    for (const delay of [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]) {
      expectThrottled(await login(nextEmail(), WRONG, IP), delay);
      h.clock.advanceSeconds(delay);
      expectWrong(await login(nextEmail(), WRONG, IP));
    }
  });
});
