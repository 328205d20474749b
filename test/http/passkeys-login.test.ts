import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness } from '../support/harness.js';
import { addPasskey, challengeOptions, signInWithPasskey, startLogin, verifyWithPasskey } from '../support/passkeys.js';
import { type SoftwareAuthenticator, strangerKey } from '../support/webauthn.js';

/** Login with a passkey or security key (issue 13): options, verify, replay, counter, origin, lockout. */

const EMAIL = 'alice@example.com';

describeEachDialect('login with a passkey (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  /** Alice with one passkey; her Settings session and the recovery codes. */
  async function aliceWithPasskey(): Promise<{ authenticator: SoftwareAuthenticator; cookie: string; recoveryCodes: string[]; workspaceId: string }> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    const cookie = await h.loginSession(EMAIL);
    const { authenticator, recoveryCodes } = await addPasskey(h, cookie, 'Phone');
    return { authenticator, cookie, recoveryCodes: recoveryCodes!, workspaceId };
  }

  const events = async (type: string) => h.deps.db.selectFrom('audit_events').selectAll().where('type', '=', type).execute();

  it('the challenge offers webauthn first with recovery codes as fallback, and its options name the credential', async () => {
    const { authenticator } = await aliceWithPasskey();
    const challengeId = await startLogin(h, EMAIL);
    const options = await challengeOptions(h, challengeId);
    expect(options.rpId).toBe('localhost');
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a passkey signs in: a new session that passed webauthn, the counter and the last use are stored', async () => {
    const { authenticator } = await aliceWithPasskey();
    const challengeId = await startLogin(h, EMAIL);
    const verified = await verifyWithPasskey(h, challengeId, authenticator.getAssertion(await challengeOptions(h, challengeId)));

    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({ status: 'authenticated', account: { email: EMAIL } });
    const session = await h.api('GET', '/api/v1/session', { cookie: verified.sessionCookie });
    expect(session.body.secondFactorVerified).toBe(true);
    const passkeys = (await h.api('GET', '/api/v1/account/two-factor/passkeys', { cookie: verified.sessionCookie })).body.passkeys;
    expect(passkeys[0].lastUsedAt).toBe(h.clock.now().toISOString());
    const row = await h.deps.db.selectFrom('webauthn_credentials').select('sign_count').executeTakeFirstOrThrow();
    expect(Number(row.sign_count)).toBe(1);
    const succeeded = await events('second_factor.succeeded');
    expect(JSON.parse(succeeded.at(-1)!.details)).toMatchObject({ method: 'webauthn', purpose: 'login' });
  });

  it('a replayed assertion is refused on a new challenge', async () => {
    const { authenticator } = await aliceWithPasskey();
    const first = await startLogin(h, EMAIL);
    const assertion = authenticator.getAssertion(await challengeOptions(h, first));
    expect((await verifyWithPasskey(h, first, assertion)).status).toBe(200);

    const second = await startLogin(h, EMAIL);
    await challengeOptions(h, second);
    const replay = await verifyWithPasskey(h, second, assertion);
    expectProblem(replay, 401, 'invalid_code');
    expect(replay.body.attemptsRemaining).toBe(4);
    expect(replay.sessionCookie).toBeUndefined();
  });

  it('an assertion for earlier options is refused once new options were asked for', async () => {
    const { authenticator } = await aliceWithPasskey();
    const challengeId = await startLogin(h, EMAIL);
    const old = await challengeOptions(h, challengeId);
    const current = await challengeOptions(h, challengeId);
    expectProblem(await verifyWithPasskey(h, challengeId, authenticator.getAssertion(old)), 401, 'invalid_code');
    expect((await verifyWithPasskey(h, challengeId, authenticator.getAssertion(current))).status).toBe(200);
  });

  it("options belong to their login challenge: another challenge's assertion is refused", async () => {
    const { authenticator } = await aliceWithPasskey();
    const mine = await startLogin(h, EMAIL);
    const theirs = await startLogin(h, EMAIL);
    await challengeOptions(h, mine);
    const assertion = authenticator.getAssertion(await challengeOptions(h, theirs));
    expectProblem(await verifyWithPasskey(h, mine, assertion), 401, 'invalid_code');
  });

  it('a sign counter that goes back is refused, audited and mailed to the owner', async () => {
    const { authenticator } = await aliceWithPasskey();
    await signInWithPasskey(h, EMAIL, authenticator); // counter 1
    await signInWithPasskey(h, EMAIL, authenticator); // counter 2

    const challengeId = await startLogin(h, EMAIL);
    const cloned = authenticator.getAssertion(await challengeOptions(h, challengeId), { signCount: 1 });
    expectProblem(await verifyWithPasskey(h, challengeId, cloned), 401, 'invalid_code');
    const [alarm] = await events('passkey.sign_counter_regressed');
    expect(JSON.parse(alarm!.details)).toMatchObject({ storedCounter: 2, reportedCounter: 1 });
    expect(h.mailer.to(EMAIL).at(-1)?.subject).toContain('may have been copied');
    const row = await h.deps.db.selectFrom('webauthn_credentials').select('sign_count').executeTakeFirstOrThrow();
    expect(Number(row.sign_count)).toBe(2);
  });

  it('an authenticator that keeps no counter (always 0) is accepted, and its replayed assertion refused by the challenge alone', async () => {
    const { authenticator } = await aliceWithPasskey();
    let assertion: unknown;
    for (let i = 0; i < 2; i += 1) {
      const challengeId = await startLogin(h, EMAIL);
      assertion = authenticator.getAssertion(await challengeOptions(h, challengeId), { signCount: 0 });
      expect((await verifyWithPasskey(h, challengeId, assertion)).status).toBe(200);
    }
    expect(await events('passkey.sign_counter_regressed')).toHaveLength(0);
    const next = await startLogin(h, EMAIL);
    await challengeOptions(h, next);
    expectProblem(await verifyWithPasskey(h, next, assertion), 401, 'invalid_code');
  });

  it('an assertion from another origin, for another RP id, or of the wrong type is refused', async () => {
    const { authenticator } = await aliceWithPasskey();
    for (const overrides of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }, { type: 'webauthn.create' }]) {
      const challengeId = await startLogin(h, EMAIL);
      const refused = await verifyWithPasskey(h, challengeId, authenticator.getAssertion(await challengeOptions(h, challengeId), overrides));
      expectProblem(refused, 401, 'invalid_code');
    }
    const failed = await events('second_factor.failed');
    expect(failed.map((e) => JSON.parse(e.details).method)).toEqual(['webauthn', 'webauthn', 'webauthn']);
  });

  it('forged assertions count against the challenge: it dies after 5', async () => {
    const { authenticator } = await aliceWithPasskey();
    const challengeId = await startLogin(h, EMAIL);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const forged = authenticator.getAssertion(await challengeOptions(h, challengeId), { signWith: strangerKey() });
      const refused = await verifyWithPasskey(h, challengeId, forged);
      expectProblem(refused, 401, 'invalid_code');
      expect(refused.body.attemptsRemaining).toBe(5 - attempt);
    }
    expectProblem(await h.api('POST', `/api/v1/auth/challenges/${challengeId}/webauthn`), 410, 'challenge_expired');
  });

  it('wrong assertions count towards the account lock like codes: the tenth answers 429 and the owner is told', async () => {
    const { authenticator } = await aliceWithPasskey();
    const answers: number[] = [];
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const challengeId = await startLogin(h, EMAIL);
      const forged = authenticator.getAssertion(await challengeOptions(h, challengeId), { signWith: strangerKey() });
      answers.push((await verifyWithPasskey(h, challengeId, forged)).status);
    }
    expect(answers).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401, 429]);
    // Locked: even the genuine passkey waits, and no options are handed out.
    const challengeId = await startLogin(h, EMAIL);
    expectProblem(await h.api('POST', `/api/v1/auth/challenges/${challengeId}/webauthn`), 429, 'too_many_attempts');
    expect(await events('second_factor.locked')).toHaveLength(1);
    expect(h.mailer.to(EMAIL).some((m) => m.subject.includes('locked'))).toBe(true);
    h.clock.advanceSeconds(61);
    expect((await verifyWithPasskey(h, challengeId, authenticator.getAssertion(await challengeOptions(h, challengeId)))).status).toBe(200);
  });

  it('an assertion of an unknown credential or a malformed one is refused with 401 or 400, never 5xx', async () => {
    const { authenticator } = await aliceWithPasskey();
    const challengeId = await startLogin(h, EMAIL);
    const assertion = authenticator.getAssertion(await challengeOptions(h, challengeId));
    expectProblem(await verifyWithPasskey(h, challengeId, { ...assertion, id: 'AAAA', rawId: 'AAAA' }), 401, 'invalid_code');
    const garbled = { ...assertion, response: { ...assertion.response, clientDataJSON: 'bm90IGpzb24' } };
    expectProblem(await verifyWithPasskey(h, challengeId, garbled), 401, 'invalid_code');
    expectProblem(await verifyWithPasskey(h, challengeId, { id: 'x' }), 400, 'invalid_request');
    expectProblem(
      await h.api('POST', `/api/v1/auth/challenges/${challengeId}/verify`, { body: { method: 'webauthn', code: '123456' } }),
      400,
      'invalid_request',
    );
    expectProblem(
      await h.api('POST', `/api/v1/auth/challenges/${challengeId}/verify`, { body: { method: 'totp', credential: assertion } }),
      400,
      'invalid_request',
    );
  });

  it('recovery codes stay the fallback; a challenge without webauthn answers method_not_allowed for options', async () => {
    const { recoveryCodes } = await aliceWithPasskey();
    const challengeId = await startLogin(h, EMAIL);
    const verified = await h.api('POST', `/api/v1/auth/challenges/${challengeId}/verify`, { body: { method: 'recovery_code', code: recoveryCodes[0] } });
    expect(verified.status).toBe(200);

    const { workspaceId: strict } = await h.tenant('Strict', { required: true, primaryMethod: 'email', secondaryMethod: null });
    await h.member(strict, 'bob@example.com');
    const bobChallenge = await startLogin(h, 'bob@example.com');
    expectProblem(await h.api('POST', `/api/v1/auth/challenges/${bobChallenge}/webauthn`), 400, 'method_not_allowed');
  });

  it('a workspace switch challenge accepts the passkey from the session that asked', async () => {
    const { authenticator, cookie } = await aliceWithPasskey();
    const other = await h.tenant('Other', { required: true, primaryMethod: 'email', secondaryMethod: null });
    await h.member(other.workspaceId, EMAIL);
    // The Settings session signed in with the password alone, before the passkey existed.
    const switched = await h.api('POST', '/api/v1/session/workspace', { cookie, body: { workspaceId: other.workspaceId } });
    expect(switched.body.status).toBe('second_factor_required');
    expect(switched.body.challenge.methods).toEqual(['webauthn', 'recovery_code']);
    const challengeId = switched.body.challenge.id;
    const assertion = authenticator.getAssertion(await challengeOptions(h, challengeId));

    expectProblem(await verifyWithPasskey(h, challengeId, assertion), 410, 'challenge_expired');
    const passed = await verifyWithPasskey(h, challengeId, authenticator.getAssertion(await challengeOptions(h, challengeId)), cookie);
    expect(passed.status, JSON.stringify(passed.body)).toBe(200);
    expect(passed.body.workspace.id).toBe(other.workspaceId);
  });
});
