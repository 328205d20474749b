import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { addPasskey, PASSKEYS, registerPasskey, signInWithPasskey } from '../support/passkeys.js';
import { SoftwareAuthenticator, strangerKey } from '../support/webauthn.js';

/** Settings → passkeys and security keys (issue 13): add, list, rename, remove, and deactivation with a passkey. */

const EMAIL = 'alice@example.com';
const STATUS = '/api/v1/account/two-factor';
const DEACTIVATE = '/api/v1/account/two-factor/deactivation';
const IDENTITY_OPTIONS = '/api/v1/account/two-factor/webauthn';

describeEachDialect('passkeys in Settings (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  /** Alice signed in with the password alone (no 2FA yet), and a second password-only session. */
  async function alice(policy?: { allowDeactivation: boolean }) {
    h = await createHarness(dialect);
    const { superAppId, workspaceId } = await h.tenant('Acme', policy);
    await h.member(workspaceId, EMAIL);
    const other = await h.loginSession(EMAIL);
    const cookie = await h.loginSession(EMAIL);
    return { superAppId, cookie, other };
  }

  const events = async (cookie: string) => (await h.api('GET', '/api/v1/account/audit-events', { cookie })).body.events as { type: string; details: any }[];

  /** An assertion answering fresh Settings identity options. */
  async function identityAssertion(cookie: string, authenticator: SoftwareAuthenticator, overrides = {}) {
    const options = await h.api('POST', IDENTITY_OPTIONS, { cookie });
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    return authenticator.getAssertion(options.body.options, overrides);
  }

  it('a first passkey turns two-factor authentication on and answers 10 recovery codes once', async () => {
    const { cookie, other } = await alice();
    const { authenticator, passkey, recoveryCodes } = await addPasskey(h, cookie, 'Work laptop');

    expect(passkey).toEqual({ id: expect.any(String), name: 'Work laptop', createdAt: h.clock.now().toISOString(), lastUsedAt: null });
    expect(recoveryCodes).toHaveLength(10);
    const status = (await h.api('GET', STATUS, { cookie })).body;
    expect(status).toMatchObject({ active: true, method: null, methods: ['webauthn'], activatedAt: null, recoveryCodesRemaining: 10, passkeys: [passkey] });
    // Like activating an authenticator: the password-only session elsewhere ends, the next sign-in asks for the passkey.
    expectProblem(await h.api('GET', STATUS, { cookie: other }), 401, 'unauthenticated');
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(login.body.challenge).toMatchObject({ methods: ['webauthn', 'recovery_code'], primaryMethod: 'webauthn' });
    expect((await events(cookie)).map((e) => e.type)).toEqual(expect.arrayContaining(['passkey.added', 'two_factor.activated']));
    expect(h.mailer.to(EMAIL).at(-1)?.subject).toContain('passkey or security key was added');
    // The stored credential is the public key; the challenge is kept only as a hash.
    const row = await h.deps.db.selectFrom('webauthn_credentials').selectAll().executeTakeFirstOrThrow();
    expect(row.credential_id).toBe(authenticator.id);
    const challenges = await h.deps.db.selectFrom('webauthn_challenges').select('challenge_hash').execute();
    expect(challenges.every((c) => /^[0-9a-f]{64}$/.test(c.challenge_hash))).toBe(true);
  });

  it('a second passkey, or a passkey after an authenticator, answers no recovery codes; the list is oldest first', async () => {
    const { cookie } = await alice();
    const { key } = await h.activateTotp(cookie);
    const first = await addPasskey(h, cookie, 'Phone');
    expect(first.recoveryCodes).toBeUndefined();
    h.clock.advanceSeconds(5);
    const second = await addPasskey(h, cookie, 'YubiKey');
    expect(second.recoveryCodes).toBeUndefined();

    const list = await h.api('GET', PASSKEYS, { cookie });
    expect(list.body.passkeys.map((p: { name: string }) => p.name)).toEqual(['Phone', 'YubiKey']);
    const status = (await h.api('GET', STATUS, { cookie })).body;
    expect(status).toMatchObject({ active: true, method: 'totp', methods: ['totp', 'webauthn'], recoveryCodesRemaining: 10 });
    // Both factors are offered at login, the passkey first.
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(login.body.challenge.methods).toEqual(['webauthn', 'totp', 'recovery_code']);
    expect(key).toBeDefined();
  });

  it('a passkey can be renamed; blank names and unknown ids are refused', async () => {
    const { cookie } = await alice();
    const { passkey } = await addPasskey(h, cookie, 'Laptop');

    const renamed = await h.api('PATCH', `${PASSKEYS}/${passkey.id}`, { cookie, body: { name: '  Old laptop ' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.passkey).toEqual({ ...passkey, name: 'Old laptop' });
    expect((await h.api('GET', PASSKEYS, { cookie })).body.passkeys[0].name).toBe('Old laptop');
    expectProblem(await h.api('PATCH', `${PASSKEYS}/${passkey.id}`, { cookie, body: { name: '   ' } }), 400, 'invalid_request');
    expectProblem(await h.api('PATCH', `${PASSKEYS}/nope`, { cookie, body: { name: 'X' } }), 404, 'not_found');
    expectProblem(await h.api('PATCH', `${PASSKEYS}/${passkey.id}`, { body: { name: 'X' } }), 401, 'unauthenticated');
  });

  it('a registration answer works once: replayed, or for the same key again, it is refused', async () => {
    const { cookie } = await alice();
    const { response, authenticator, credential } = await registerPasskey(h, cookie);
    expect(response.status).toBe(201);

    expectProblem(await h.api('POST', PASSKEYS, { cookie, body: { name: 'Again', credential } }), 400, 'passkey_not_verified');
    const again = await registerPasskey(h, cookie, { authenticator });
    expectProblem(again.response, 409, 'already_exists');
    expect((await h.api('GET', PASSKEYS, { cookie })).body.passkeys).toHaveLength(1);
  });

  it('a registration from another origin or for another RP id is refused', async () => {
    const { cookie } = await alice();
    expectProblem((await registerPasskey(h, cookie, { overrides: { origin: 'https://evil.example' } })).response, 400, 'passkey_not_verified');
    expectProblem((await registerPasskey(h, cookie, { overrides: { rpId: 'evil.example' } })).response, 400, 'passkey_not_verified');
    expect((await h.api('GET', STATUS, { cookie })).body.active).toBe(false);
  });

  it('registration options expire after 5 minutes', async () => {
    const { cookie } = await alice();
    const started = await h.api('POST', `${PASSKEYS}/registration`, { cookie });
    const credential = new SoftwareAuthenticator().createCredential(started.body.options);
    h.clock.advanceSeconds(301);
    await h.api('POST', '/api/v1/session/reauthenticate', { cookie, body: { password: PASSWORD } });
    expectProblem(await h.api('POST', PASSKEYS, { cookie, body: { name: 'Late', credential } }), 400, 'passkey_not_verified');
  });

  it('adding a passkey needs a password entered in the last 15 minutes', async () => {
    const { cookie } = await alice();
    h.clock.advanceSeconds(16 * 60);
    expectProblem(await h.api('POST', `${PASSKEYS}/registration`, { cookie }), 401, 'reauthentication_required');
  });

  it('removing a passkey while another factor remains ends the other sessions; the last one answers 409', async () => {
    const { cookie } = await alice();
    const phone = await addPasskey(h, cookie, 'Phone');
    const key = await addPasskey(h, cookie, 'Key');
    const elsewhere = await signInWithPasskey(h, EMAIL, key.authenticator);

    const removed = await h.api('DELETE', `${PASSKEYS}/${phone.passkey.id}`, { cookie });
    expect(removed.status).toBe(204);
    expectProblem(await h.api('GET', STATUS, { cookie: elsewhere }), 401, 'unauthenticated');
    expect((await h.api('GET', PASSKEYS, { cookie })).body.passkeys.map((p: { name: string }) => p.name)).toEqual(['Key']);
    expect((await events(cookie)).map((e) => e.type)).toContain('passkey.removed');

    expectProblem(await h.api('DELETE', `${PASSKEYS}/${key.passkey.id}`, { cookie }), 409, 'last_second_factor');
    expectProblem(await h.api('DELETE', `${PASSKEYS}/${phone.passkey.id}`, { cookie }), 404, 'not_found');
    expect((await h.api('GET', STATUS, { cookie })).body.active).toBe(true);
  });

  it('removing the last factor is a deactivation: password plus the passkey turns 2FA off, ends sessions, emails the owner', async () => {
    const { cookie } = await alice();
    const { authenticator } = await addPasskey(h, cookie, 'Phone');
    const elsewhere = await signInWithPasskey(h, EMAIL, authenticator);

    const off = await h.api('POST', DEACTIVATE, {
      cookie,
      body: { password: PASSWORD, method: 'webauthn', credential: await identityAssertion(cookie, authenticator) },
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toEqual({ active: false });
    expect((await h.api('GET', STATUS, { cookie })).body).toMatchObject({ active: false, methods: [], passkeys: [], recoveryCodesRemaining: 0 });
    expectProblem(await h.api('GET', STATUS, { cookie: elsewhere }), 401, 'unauthenticated');
    expect(h.mailer.to(EMAIL).at(-1)?.subject).toContain('turned off');
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(login.body.status).toBe('authenticated');
  });

  it('a super app that forbids deactivation keeps the last passkey', async () => {
    const { cookie } = await alice({ allowDeactivation: false });
    const { authenticator } = await addPasskey(h, cookie, 'Phone');

    const refused = await h.api('POST', DEACTIVATE, {
      cookie,
      body: { password: PASSWORD, method: 'webauthn', credential: await identityAssertion(cookie, authenticator) },
    });
    expectProblem(refused, 403, 'deactivation_not_allowed');
    expect(refused.body.superApp.name).toBe('Acme');
    expect((await h.api('GET', PASSKEYS, { cookie })).body.passkeys).toHaveLength(1);
  });

  it('deactivation with a wrong password or a forged assertion is refused, the passkey stays', async () => {
    const { cookie } = await alice();
    const { authenticator } = await addPasskey(h, cookie, 'Phone');

    const wrongPassword = await h.api('POST', DEACTIVATE, {
      cookie,
      body: { password: 'not it', method: 'webauthn', credential: await identityAssertion(cookie, authenticator) },
    });
    expectProblem(wrongPassword, 401, 'invalid_credentials');
    const forged = await identityAssertion(cookie, authenticator, { signWith: strangerKey() });
    expectProblem(await h.api('POST', DEACTIVATE, { cookie, body: { password: PASSWORD, method: 'webauthn', credential: forged } }), 401, 'invalid_code');
    expect((await events(cookie)).find((e) => e.type === 'second_factor.failed')?.details).toMatchObject({ method: 'webauthn', purpose: 'identity' });
    expect((await h.api('GET', STATUS, { cookie })).body.active).toBe(true);
  });

  it('recovery codes can be renewed with the password and a passkey', async () => {
    const { cookie } = await alice();
    const { authenticator, recoveryCodes } = await addPasskey(h, cookie, 'Phone');

    const renewed = await h.api('POST', '/api/v1/account/two-factor/recovery-codes', {
      cookie,
      body: { password: PASSWORD, method: 'webauthn', credential: await identityAssertion(cookie, authenticator) },
    });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    expect(renewed.body.recoveryCodes).toHaveLength(10);
    expect(renewed.body.recoveryCodes).not.toEqual(recoveryCodes);
  });

  it('identity options expire after 5 minutes', async () => {
    const { cookie } = await alice();
    const { authenticator } = await addPasskey(h, cookie, 'Phone');
    const late = await identityAssertion(cookie, authenticator);
    h.clock.advanceSeconds(301);
    const body = { password: PASSWORD, method: 'webauthn', credential: late };
    expectProblem(await h.api('POST', '/api/v1/account/two-factor/recovery-codes', { cookie, body }), 401, 'invalid_code');
  });

  it('identity options need a passkey', async () => {
    const { cookie } = await alice();
    expectProblem(await h.api('POST', IDENTITY_OPTIONS, { cookie }), 409, 'two_factor_not_active');
    await h.activateTotp(cookie);
    expectProblem(await h.api('POST', IDENTITY_OPTIONS, { cookie }), 400, 'method_not_allowed');
  });
});
