import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { addPasskey, signInWithPasskey } from '../support/passkeys.js';

/**
 * Removing only the authenticator app while passkeys stay (issue 13): the account keeps its
 * two-factor authentication, so this is not a deactivation; with no passkey left it is one
 * and goes through its rules (409 last_second_factor here).
 */

const EMAIL = 'alice@example.com';
const STATUS = '/api/v1/account/two-factor';
const AUTHENTICATOR = '/api/v1/account/two-factor/totp';

describeEachDialect('removing the authenticator app (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function alice() {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    const cookie = await h.loginSession(EMAIL);
    await h.activateTotp(cookie);
    return { cookie };
  }

  it('with a passkey left: the authenticator goes, 2FA stays on with the passkey, other sessions end, the owner is told', async () => {
    const { cookie } = await alice();
    const { authenticator } = await addPasskey(h, cookie, 'Phone');
    const elsewhere = await signInWithPasskey(h, EMAIL, authenticator);

    const removed = await h.api('DELETE', AUTHENTICATOR, { cookie });
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    expect((await h.api('GET', STATUS, { cookie })).body).toMatchObject({
      active: true,
      method: null,
      methods: ['webauthn'],
      activatedAt: null,
      recoveryCodesRemaining: 10,
    });
    expectProblem(await h.api('GET', STATUS, { cookie: elsewhere }), 401, 'unauthenticated');
    const events = (await h.api('GET', '/api/v1/account/audit-events', { cookie })).body.events as { type: string }[];
    expect(events.map((e) => e.type)).toContain('totp.removed');
    expect(h.mailer.to(EMAIL).at(-1)?.subject).toContain('authenticator app was removed');
    // The next sign-in offers the passkey and recovery codes, no authenticator code.
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(login.body.challenge.methods).toEqual(['webauthn', 'recovery_code']);
    // Gone: a second removal finds nothing.
    expectProblem(await h.api('DELETE', AUTHENTICATOR, { cookie }), 404, 'not_found');
  });

  it('as the last second factor it is refused (409 last_second_factor): that is a deactivation', async () => {
    const { cookie } = await alice();
    expectProblem(await h.api('DELETE', AUTHENTICATOR, { cookie }), 409, 'last_second_factor');
    expect((await h.api('GET', STATUS, { cookie })).body).toMatchObject({ active: true, method: 'totp', methods: ['totp'] });
  });

  it('needs a password entered in the last 15 minutes', async () => {
    const { cookie } = await alice();
    await addPasskey(h, cookie, 'Phone');
    h.clock.advanceSeconds(16 * 60);
    expectProblem(await h.api('DELETE', AUTHENTICATOR, { cookie }), 401, 'reauthentication_required');
    expect((await h.api('GET', STATUS, { cookie })).body.methods).toEqual(['totp', 'webauthn']);
  });

  it('needs a session', async () => {
    h = await createHarness(dialect);
    expectProblem(await h.api('DELETE', AUTHENTICATOR), 401, 'unauthenticated');
  });
});
