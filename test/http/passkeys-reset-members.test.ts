import { afterEach, expect, it } from 'vitest';
import { resetAccountTwoFactor, showAccount } from '../../src/services/operator.js';
import { secondFactorSession } from '../support/authority.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';
import { addPasskey } from '../support/passkeys.js';

/** A passkey is two-factor authentication for members lists, `account show` and resets (issue 13). */

const ADMIN = 'alice@example.com';
const BOB = 'bob@example.com';

describeEachDialect('passkeys in member status and resets (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('a member with only a passkey shows 2FA on; an operator reset removes the passkey and lets the password sign in', async () => {
    h = await createHarness(dialect);
    const { superAppId, workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, ADMIN);
    await h.makeSuperAppAdmin(superAppId, ADMIN);
    await h.member(workspaceId, BOB, 'developer');
    const { cookie: admin } = await secondFactorSession(h, ADMIN);
    await addPasskey(h, await h.loginSession(BOB), 'Phone');

    const members = (await h.api('GET', `/api/v1/workspaces/${workspaceId}/members`, { cookie: admin })).body.members;
    expect(members.find((m: { account: { email: string } }) => m.account.email === BOB).twoFactorActive).toBe(true);
    expect((await showAccount(h.deps, BOB)).twoFactorActive).toBe(true);

    await resetAccountTwoFactor(h.deps, BOB);
    expect(await h.deps.db.selectFrom('webauthn_credentials').select('id').execute()).toEqual([]);
    const reset = await h.deps.db.selectFrom('audit_events').select('details').where('type', '=', 'two_factor.reset').executeTakeFirstOrThrow();
    expect(JSON.parse(reset.details)).toMatchObject({ hadAuthenticator: false, passkeysRemoved: 1 });
    expect((await showAccount(h.deps, BOB)).twoFactorActive).toBe(false);
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: BOB, password: PASSWORD } });
    expect(login.body.status).toBe('authenticated');
  });
});
