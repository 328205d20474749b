import { afterEach, expect, it } from 'vitest';
import type { TwoFactorPolicy } from '../../src/domain/policy.js';
import { updatePolicy } from '../../src/services/operator.js';
import { secondFactorSession, stepUp } from '../support/authority.js';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { challengeOptions, verifyWithPasskey } from '../support/passkeys.js';
import { SoftwareAuthenticator } from '../support/webauthn.js';

/** A super app's policy method `webauthn` and `phishingResistantOnly` (issue 13). */

const EMAIL = 'alice@example.com';
const STRICT: Partial<TwoFactorPolicy> = { required: true, primaryMethod: 'webauthn', secondaryMethod: null, phishingResistantOnly: true };

describeEachDialect('super app policies with passkeys (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  const login = (email = EMAIL) => h.api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
  const enrollmentOptions = (challengeId: string, body?: object) => h.api('POST', `/api/v1/auth/challenges/${challengeId}/webauthn-enrollment`, { body });
  const enrol = (challengeId: string, credential: unknown, extra: object = {}, cookie?: string): Promise<ApiResponse> =>
    h.api('POST', `/api/v1/auth/challenges/${challengeId}/verify`, { cookie, body: { method: 'webauthn_enrollment', credential, ...extra } });

  /** A tenant, Alice as its member and (optionally) her own authenticator; then the policy. */
  async function tenantWith(policy: Partial<TwoFactorPolicy>, options: { totp?: boolean } = {}) {
    h = await createHarness(dialect);
    const tenant = await h.tenant('Acme');
    await h.member(tenant.workspaceId, EMAIL);
    const key = options.totp ? (await h.activateTotp(await h.loginSession(EMAIL))).key : undefined;
    await updatePolicy(h.deps, tenant.superAppId, policy);
    return { ...tenant, key };
  }

  it('phishing-resistant only: an account with an authenticator adds a passkey at login; its code is refused', async () => {
    const { key } = await tenantWith(STRICT, { totp: true });
    const started = await login();
    expect(started.body.status).toBe('enrollment_required');
    expect(started.body.challenge).toMatchObject({ methods: ['webauthn_enrollment'], primaryMethod: 'webauthn_enrollment', reason: 'super_app_policy' });
    const challengeId = started.body.challenge.id;
    const code = await h.api('POST', `/api/v1/auth/challenges/${challengeId}/verify`, { body: { method: 'totp', code: h.totp(key!) } });
    expectProblem(code, 400, 'method_not_allowed');

    const authenticator = new SoftwareAuthenticator();
    const options = await enrollmentOptions(challengeId);
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    const enrolled = await enrol(challengeId, authenticator.createCredential(options.body.options), { name: 'Phone' });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(200);
    expect(enrolled.body.recoveryCodes).toBeUndefined(); // the authenticator came first
    const passkeys = (await h.api('GET', '/api/v1/account/two-factor/passkeys', { cookie: enrolled.sessionCookie })).body.passkeys;
    expect(passkeys.map((p: { name: string }) => p.name)).toEqual(['Phone']);

    // From now on only the passkey: no authenticator code, no recovery code.
    const next = await login();
    expect(next.body.challenge).toMatchObject({ methods: ['webauthn'], primaryMethod: 'webauthn' });
    const nextId = next.body.challenge.id;
    expectProblem(
      await h.api('POST', `/api/v1/auth/challenges/${nextId}/verify`, { body: { method: 'totp', code: h.totp(key!, 30) } }),
      400,
      'method_not_allowed',
    );
    expect((await verifyWithPasskey(h, nextId, authenticator.getAssertion(await challengeOptions(h, nextId)))).status).toBe(200);
  });

  it('an account without factors enrols its first passkey at login and gets the recovery codes once', async () => {
    await tenantWith({ required: true, primaryMethod: 'webauthn', secondaryMethod: null });
    const started = await login();
    expect(started.body.challenge.methods).toEqual(['webauthn_enrollment']);
    const challengeId = started.body.challenge.id;
    const enrolled = await enrol(challengeId, new SoftwareAuthenticator().createCredential((await enrollmentOptions(challengeId)).body.options));

    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(200);
    expect(enrolled.body.recoveryCodes).toHaveLength(10);
    const status = (await h.api('GET', '/api/v1/account/two-factor', { cookie: enrolled.sessionCookie })).body;
    expect(status).toMatchObject({ active: true, methods: ['webauthn'], passkeys: [{ name: 'Passkey' }], recoveryCodesRemaining: 10 });
    expect(status.superAppPolicies[0]).toMatchObject({ primaryMethod: 'webauthn', phishingResistantOnly: false });
    // Not phishing-resistant only: the account's own factors now answer, recovery codes included.
    expect((await login()).body.challenge.methods).toEqual(['webauthn', 'recovery_code']);
  });

  it('a wrong registration answer during login counts like a wrong code; a replayed one too', async () => {
    await tenantWith(STRICT);
    const challengeId = (await login()).body.challenge.id;
    const authenticator = new SoftwareAuthenticator();
    const foreign = authenticator.createCredential((await enrollmentOptions(challengeId)).body.options, { origin: 'https://evil.example' });
    const refused = await enrol(challengeId, foreign);
    expectProblem(refused, 401, 'invalid_code');
    expect(refused.body.attemptsRemaining).toBe(4);
    // The options were used up by the wrong answer: a right answer to them fails too.
    const stale = authenticator.createCredential({
      challenge: JSON.parse(Buffer.from(foreign.response.clientDataJSON, 'base64url').toString()).challenge,
      rp: {},
    });
    expectProblem(await enrol(challengeId, stale), 401, 'invalid_code');
    expectProblem(await enrol(challengeId, { id: 'x' }), 400, 'invalid_request');
    expect((await enrol(challengeId, authenticator.createCredential((await enrollmentOptions(challengeId)).body.options))).status).toBe(200);
  });

  it('with email as the secondary method, the emailed code comes before adding a passkey', async () => {
    await tenantWith({ required: true, primaryMethod: 'webauthn', secondaryMethod: 'email' });
    const started = await login();
    expect(started.body.challenge.methods).toEqual(['webauthn_enrollment', 'email']);
    const challengeId = started.body.challenge.id;
    expectProblem(await enrollmentOptions(challengeId), 403, 'email_code_required');
    await h.api('POST', `/api/v1/auth/challenges/${challengeId}/email-code`);
    const options = await enrollmentOptions(challengeId, { code: h.mailer.lastCode(EMAIL) });
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    expect((await enrol(challengeId, new SoftwareAuthenticator().createCredential(options.body.options))).status).toBe(200);
  });

  it('a super app admin sets phishing-resistant only; an authenticator session then steps up by adding a passkey', async () => {
    h = await createHarness(dialect);
    const { superAppId, workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    await h.makeSuperAppAdmin(superAppId, EMAIL);
    const { cookie } = await secondFactorSession(h, EMAIL);
    const url = `/api/v1/super-apps/${superAppId}/two-factor-policy`;
    const strict = { required: true, primaryMethod: 'webauthn', secondaryMethod: null, allowDeactivation: true, phishingResistantOnly: true };

    expectProblem(await h.api('PUT', url, { cookie, body: { ...strict, primaryMethod: 'totp' } }), 400, 'invalid_request');
    expectProblem(await h.api('PUT', url, { cookie, body: { ...strict, secondaryMethod: 'email' } }), 400, 'invalid_request');
    const put = await h.api('PUT', url, { cookie, body: strict });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual({ ...strict, rememberDeviceDays: 0 });

    // The session passed an authenticator code, which no longer counts for this super app.
    const refused = await h.api('GET', url, { cookie });
    expectProblem(refused, 403, 'second_factor_required_for_super_app');
    expect(refused.body.methods).toEqual(['webauthn_enrollment']);
    const started = await stepUp(h, cookie, superAppId);
    expect(started.body.status).toBe('enrollment_required');
    const challengeId = started.body.challenge.id;
    const credential = new SoftwareAuthenticator().createCredential((await enrollmentOptions(challengeId)).body.options);
    const passed = await enrol(challengeId, credential, {}, cookie);
    expect(passed.status, JSON.stringify(passed.body)).toBe(200);
    const read = await h.api('GET', url, { cookie: passed.sessionCookie });
    expect(read.status).toBe(200);
    // A PUT that leaves the field out keeps it.
    const { phishingResistantOnly: _omitted, ...withoutField } = strict;
    const kept = await h.api('PUT', url, { cookie: passed.sessionCookie, body: { ...withoutField, allowDeactivation: false } });
    expect(kept.body).toMatchObject({ phishingResistantOnly: true, allowDeactivation: false });
  });
});
