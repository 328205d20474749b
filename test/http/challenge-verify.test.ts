import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

const EMAIL = 'alice@example.com';

describeEachDialect('login challenge verification (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  /** Alice with an active authenticator; `firstCookie` is her password-only session from before. */
  async function aliceWithTotp() {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    const alice = await h.member(workspaceId, EMAIL);
    const firstCookie = await h.loginSession(EMAIL);
    const { key, recoveryCodes } = await h.activateTotp(firstCookie);
    return { alice, workspaceId, firstCookie, key, recoveryCodes };
  }

  async function startLogin(): Promise<string> {
    const response = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(response.body.status).toBe('second_factor_required');
    return response.body.challenge.id;
  }

  function verify(challengeId: string, method: string, code: string): Promise<ApiResponse> {
    return h.api('POST', `/api/v1/auth/challenges/${encodeURIComponent(challengeId)}/verify`, { body: { method, code } });
  }

  /** A six-digit code the key does not produce anywhere near now. */
  function wrongCode(key: Uint8Array): string {
    const near = new Set(Array.from({ length: 41 }, (_, i) => h.totp(key, (i - 20) * 30)));
    for (let n = 0; ; n += 1) {
      const candidate = String(n).padStart(6, '0');
      if (!near.has(candidate)) return candidate;
    }
  }

  it('a TOTP code of the current step signs in with a new session', async () => {
    const { alice, workspaceId, key } = await aliceWithTotp();
    const response = await verify(await startLogin(), 'totp', h.totp(key));

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'authenticated',
      account: { id: alice.id, email: EMAIL, name: 'alice' },
      workspace: expect.objectContaining({ id: workspaceId }),
    });
    expect(response.sessionCookie).toBeDefined();
  });

  it('codes one step behind and one step ahead are accepted', async () => {
    const { key } = await aliceWithTotp();
    h.clock.advanceSeconds(60); // so that the step behind is later than the one activation used

    const behind = await verify(await startLogin(), 'totp', h.totp(key, -30));
    expect(behind.status).toBe(200);
    const ahead = await verify(await startLogin(), 'totp', h.totp(key, 30));
    expect(ahead.status).toBe(200);
  });

  it('codes two steps behind or ahead are refused', async () => {
    const { key } = await aliceWithTotp();
    h.clock.advanceSeconds(120);
    const challengeId = await startLogin();

    const behind = await verify(challengeId, 'totp', h.totp(key, -60));
    expectProblem(behind, 401, 'invalid_code');
    expect(behind.body.attemptsRemaining).toBe(4);
    const ahead = await verify(challengeId, 'totp', h.totp(key, 60));
    expectProblem(ahead, 401, 'invalid_code');
    expect(ahead.body.attemptsRemaining).toBe(3);
    expect(ahead.sessionCookie).toBeUndefined();
  });

  it('a TOTP code is accepted once: a replay on a new challenge is refused', async () => {
    const { key } = await aliceWithTotp();
    const code = h.totp(key);
    expect((await verify(await startLogin(), 'totp', code)).status).toBe(200);

    const replay = await verify(await startLogin(), 'totp', code);
    expectProblem(replay, 401, 'invalid_code');
    expect(replay.sessionCookie).toBeUndefined();
  });

  it('an earlier step is refused after a later one was used', async () => {
    const { key } = await aliceWithTotp();
    const current = h.totp(key);
    expect((await verify(await startLogin(), 'totp', h.totp(key, 30))).status).toBe(200);

    expectProblem(await verify(await startLogin(), 'totp', current), 401, 'invalid_code');
    h.clock.advanceSeconds(30); // the used step is now the current one: still spent
    expectProblem(await verify(await startLogin(), 'totp', h.totp(key)), 401, 'invalid_code');
    h.clock.advanceSeconds(30);
    expect((await verify(await startLogin(), 'totp', h.totp(key))).status).toBe(200);
  });

  it('a challenge is single use: a second verify after success answers 410', async () => {
    const { key } = await aliceWithTotp();
    const challengeId = await startLogin();
    expect((await verify(challengeId, 'totp', h.totp(key))).status).toBe(200);

    h.clock.advanceSeconds(30);
    const again = await verify(challengeId, 'totp', h.totp(key));
    expectProblem(again, 410, 'challenge_expired');
    expect(again.sessionCookie).toBeUndefined();
  });

  it('a challenge still works just before 5 minutes', async () => {
    const { key } = await aliceWithTotp();
    const challengeId = await startLogin();
    h.clock.advanceSeconds(299);
    expect((await verify(challengeId, 'totp', h.totp(key))).status).toBe(200);
  });

  it('a challenge expires after 5 minutes', async () => {
    const { key } = await aliceWithTotp();
    const challengeId = await startLogin();
    h.clock.advanceSeconds(301);

    const late = await verify(challengeId, 'totp', h.totp(key));
    expectProblem(late, 410, 'challenge_expired');
    expect(late.sessionCookie).toBeUndefined();
  });

  it('5 wrong codes count attemptsRemaining down to 0, then the challenge is gone', async () => {
    const { key } = await aliceWithTotp();
    const challengeId = await startLogin();
    const bad = wrongCode(key);

    const remaining: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await verify(challengeId, 'totp', bad);
      expectProblem(response, 401, 'invalid_code');
      remaining.push(response.body.attemptsRemaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);

    // Even the right code cannot revive it.
    expectProblem(await verify(challengeId, 'totp', h.totp(key)), 410, 'challenge_expired');
    // A fresh password login gives a fresh challenge that works.
    expect((await verify(await startLogin(), 'totp', h.totp(key))).status).toBe(200);
  });

  it('a method the challenge does not offer answers 400 method_not_allowed without costing an attempt', async () => {
    const { key } = await aliceWithTotp();
    const challengeId = await startLogin();

    expectProblem(await verify(challengeId, 'email', '123456'), 400, 'method_not_allowed');
    expectProblem(await verify(challengeId, 'totp_enrollment', '123456'), 400, 'method_not_allowed');

    const wrong = await verify(challengeId, 'totp', wrongCode(key));
    expectProblem(wrong, 401, 'invalid_code');
    expect(wrong.body.attemptsRemaining).toBe(4);
  });

  it('an unknown challenge id answers 410 challenge_expired', async () => {
    const { key } = await aliceWithTotp();
    for (const id of ['does-not-exist', 'A'.repeat(43)]) {
      expectProblem(await verify(id, 'totp', h.totp(key)), 410, 'challenge_expired');
    }
    // The valid code was not spent by those attempts.
    expect((await verify(await startLogin(), 'totp', h.totp(key))).status).toBe(200);
  });

  it('the new session cookie differs from every earlier one and is second-factor verified', async () => {
    const { firstCookie, key } = await aliceWithTotp();
    const challengeId = await startLogin();
    const response = await verify(challengeId, 'totp', h.totp(key));

    const cookie = response.sessionCookie!;
    expect(cookie).not.toBe(firstCookie);
    expect(cookie).not.toBe(challengeId);
    const session = await h.api('GET', '/api/v1/session', { cookie });
    expect(session.status).toBe(200);
    expect(session.body.secondFactorVerified).toBe(true);
    expect(session.body.account.email).toBe(EMAIL);

    h.clock.advanceSeconds(30);
    const second = await verify(await startLogin(), 'totp', h.totp(key));
    expect(second.sessionCookie).not.toBe(cookie);
    expect(second.sessionCookie).not.toBe(firstCookie);

    // The session token is stored only as a hash.
    const rows = await h.deps.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(cookie);
  });

  it('a recovery code signs in once and the remaining count drops to 9', async () => {
    const { recoveryCodes } = await aliceWithTotp();
    const [code] = recoveryCodes;

    const response = await verify(await startLogin(), 'recovery_code', code!);
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('authenticated');
    const session = await h.api('GET', '/api/v1/session', { cookie: response.sessionCookie });
    expect(session.body.secondFactorVerified).toBe(true);
    const status = await h.api('GET', '/api/v1/account/two-factor', { cookie: response.sessionCookie });
    expect(status.body.recoveryCodesRemaining).toBe(9);

    const reused = await verify(await startLogin(), 'recovery_code', code!);
    expectProblem(reused, 401, 'invalid_code');
    expect(reused.sessionCookie).toBeUndefined();
  });

  it('a recovery code is accepted without dashes, in upper case, or both', async () => {
    const { recoveryCodes } = await aliceWithTotp();
    expect(recoveryCodes[0]).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/);

    const variants = [recoveryCodes[0]!.replaceAll('-', ''), recoveryCodes[1]!.toUpperCase(), recoveryCodes[2]!.replaceAll('-', '').toUpperCase()];
    for (const variant of variants) {
      const response = await verify(await startLogin(), 'recovery_code', variant);
      expect(response.status).toBe(200);
    }
    // Each variant used up its code: the canonical spelling no longer works.
    expectProblem(await verify(await startLogin(), 'recovery_code', recoveryCodes[1]!), 401, 'invalid_code');
    const cookie = (await verify(await startLogin(), 'recovery_code', recoveryCodes[3]!)).sessionCookie;
    const status = await h.api('GET', '/api/v1/account/two-factor', { cookie });
    expect(status.body.recoveryCodesRemaining).toBe(6);
  });

  it("another account's recovery code does not sign in", async () => {
    const { workspaceId } = await aliceWithTotp();
    await h.member(workspaceId, 'bob@example.com');
    const bob = await h.activateTotp(await h.loginSession('bob@example.com'));

    expectProblem(await verify(await startLogin(), 'recovery_code', bob.recoveryCodes[0]!), 401, 'invalid_code');
  });
});
