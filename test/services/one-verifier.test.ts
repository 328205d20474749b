import { afterEach, expect, it } from 'vitest';
import { decodeTotpKey } from '../../src/domain/totp.js';
import { SECOND_FACTOR_FAILURES_PER_LOCK } from '../../src/domain/limits.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

/**
 * Every flow checks a second factor through one verifier (services/second-factor/verify.ts),
 * so a wrong code answers alike everywhere: the clock-drift hint for an authenticator code
 * minutes off, `codeAlreadyUsed` for a code sent twice, and the same lockout counting.
 */

const ALICE = 'alice@example.com';
const TWO_MINUTES = 120;

describeEachDialect('one second-factor verifier (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function aliceSignedIn(policy = {}): Promise<string> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme', policy);
    await h.member(workspaceId, ALICE);
    return h.loginSession(ALICE);
  }

  const login = () => h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password: PASSWORD } });
  const verify = (id: string, method: string, code: string) => h.api('POST', `/api/v1/auth/challenges/${id}/verify`, { body: { method, code } });

  async function failures(): Promise<number> {
    const row = await h.deps.db.selectFrom('accounts').select('second_factor_failures').where('email_key', '=', ALICE).executeTakeFirstOrThrow();
    return row.second_factor_failures;
  }

  async function auditTypes(): Promise<string[]> {
    const rows = await h.deps.db.selectFrom('audit_events').select(['type', 'details']).orderBy('created_at').execute();
    return rows.map((r) => `${r.type}:${JSON.parse(r.details).purpose ?? ''}`);
  }

  it('an authenticator code two minutes off gets the clock-drift hint at the login code step', async () => {
    const cookie = await aliceSignedIn();
    const { key } = await h.activateTotp(cookie);
    h.clock.advanceSeconds(60);
    const { body } = await login();
    expect(body.status).toBe('second_factor_required');
    const wrong = await verify(body.challenge.id, 'totp', h.totp(key, TWO_MINUTES));
    expectProblem(wrong, 401, 'invalid_code');
    expect(wrong.body).toMatchObject({ clockDriftSeconds: TWO_MINUTES, attemptsRemaining: 4 });
  });

  it('an authenticator code two minutes off gets the clock-drift hint at enrolment during login', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Strict', { required: true, primaryMethod: 'totp', secondaryMethod: null });
    await h.member(workspaceId, ALICE);
    const { body } = await login();
    expect(body.status).toBe('enrollment_required');
    const started = await h.api('POST', `/api/v1/auth/challenges/${body.challenge.id}/enrollment`);
    const key = decodeTotpKey(started.body.secret);
    const wrong = await verify(body.challenge.id, 'totp_enrollment', h.totp(key, -TWO_MINUTES));
    expectProblem(wrong, 401, 'invalid_code');
    expect(wrong.body).toMatchObject({ clockDriftSeconds: -TWO_MINUTES, attemptsRemaining: 4 });
  });

  it('an authenticator code two minutes off gets the clock-drift hint when turning 2FA off', async () => {
    const cookie = await aliceSignedIn();
    const { key } = await h.activateTotp(cookie);
    const wrong = await h.api('POST', '/api/v1/account/two-factor/deactivation', {
      cookie,
      body: { password: PASSWORD, method: 'totp', code: h.totp(key, TWO_MINUTES) },
    });
    expectProblem(wrong, 401, 'invalid_code');
    expect(wrong.body.clockDriftSeconds).toBe(TWO_MINUTES);
  });

  it('an authenticator code sent twice is refused the second time as already used', async () => {
    const cookie = await aliceSignedIn();
    const { key } = await h.activateTotp(cookie);
    h.clock.advanceSeconds(30);
    const first = await login();
    const code = h.totp(key);
    expect((await verify(first.body.challenge.id, 'totp', code)).status).toBe(200);
    const second = await login();
    const again = await verify(second.body.challenge.id, 'totp', code);
    expectProblem(again, 401, 'invalid_code');
    expect(again.body.codeAlreadyUsed).toBe(true);
    expect(await auditTypes()).toContain('second_factor.replayed:login');
  });

  it('wrong codes in Settings activation count towards the lockout like any other step', async () => {
    const cookie = await aliceSignedIn();
    const started = await h.api('POST', '/api/v1/account/two-factor/activation', { cookie });
    const key = decodeTotpKey(started.body.secret);
    const near = new Set(Array.from({ length: 41 }, (_, i) => h.totp(key, (i - 20) * 30)));
    const wrongCodes = Array.from({ length: 1000 }, (_, n) => String(n).padStart(6, '0')).filter((c) => !near.has(c));
    for (let i = 1; i < SECOND_FACTOR_FAILURES_PER_LOCK; i += 1) {
      expectProblem(await h.api('POST', '/api/v1/account/two-factor/activation/verify', { cookie, body: { code: wrongCodes[i]! } }), 401, 'invalid_code');
    }
    expect(await failures()).toBe(SECOND_FACTOR_FAILURES_PER_LOCK - 1);
    const locking = await h.api('POST', '/api/v1/account/two-factor/activation/verify', { cookie, body: { code: wrongCodes[0]! } });
    expectProblem(locking, 429, 'too_many_attempts');
    // Locked: even the right code waits.
    expectProblem(await h.api('POST', '/api/v1/account/two-factor/activation/verify', { cookie, body: { code: h.totp(key) } }), 429, 'too_many_attempts');
    expect((await auditTypes()).filter((t) => t === 'second_factor.failed:activation')).toHaveLength(SECOND_FACTOR_FAILURES_PER_LOCK);
    expect(await auditTypes()).toContain('second_factor.locked:');
    h.clock.advanceSeconds(61);
    expect((await h.api('POST', '/api/v1/account/two-factor/activation/verify', { cookie, body: { code: h.totp(key) } })).status).toBe(200);
    expect(await failures()).toBe(0);
  });
});
