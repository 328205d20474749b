import { afterEach, expect, it } from 'vitest';
import { emailCodeMethod } from '../../src/services/second-factor/email-code.js';
import { parseProof } from '../../src/services/second-factor/proof.js';
import { recoveryCodeHash } from '../../src/services/second-factor/recovery-code.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { findAccountByEmail } from '../../src/store/accounts.js';

/**
 * Second-factor details that mutation testing found unpinned (now src/services/second-factor/):
 * what a failure and a lock write to the audit log and the server log, the messages of
 * malformed codes (which cost no attempt), and an email proof without its scope.
 */

const ALICE = 'alice@example.com';
const DEACTIVATE = '/api/v1/account/two-factor/deactivation';

describeEachDialect('second-factor details (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function aliceWithTotp(): Promise<{ cookie: string; key: Uint8Array; recoveryCodes: string[] }> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, ALICE);
    const cookie = await h.loginSession(ALICE);
    const { key, recoveryCodes } = await h.activateTotp(cookie);
    return { cookie, key, recoveryCodes };
  }

  function wrongTotp(key: Uint8Array): string {
    const near = new Set(Array.from({ length: 41 }, (_, i) => h.totp(key, (i - 20) * 30)));
    return ['000000', '111111', '222222', '333333', '444444'].find((c) => !near.has(c))!;
  }

  const events = async (type: string) =>
    (await h.deps.db.selectFrom('audit_events').selectAll().where('type', '=', type).orderBy('created_at').execute()).map((e) => ({
      workspaceId: e.workspace_id,
      details: JSON.parse(e.details),
    }));
  const failures = async () =>
    Number(
      (await h.deps.db.selectFrom('accounts').select('second_factor_failures').where('email_key', '=', ALICE).executeTakeFirstOrThrow()).second_factor_failures,
    );

  // Mutations caught: the failure event losing its method, purpose, count or workspace.
  it('a wrong code is audited with its method, purpose and running count, never the code', async () => {
    const { cookie, key } = await aliceWithTotp();
    const wrong = wrongTotp(key);
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password: PASSWORD } });
    await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'totp', code: wrong } });
    await h.api('POST', DEACTIVATE, { cookie, body: { password: PASSWORD, method: 'totp', code: wrong } });

    const failed = await events('second_factor.failed');
    expect(failed).toEqual([
      { workspaceId: login.body.challenge.workspace.id, details: { method: 'totp', purpose: 'login', consecutiveFailures: 1 } },
      { workspaceId: null, details: { method: 'totp', purpose: 'identity', consecutiveFailures: 2 } },
    ]);
    expect(JSON.stringify(failed)).not.toContain(wrong);
  });

  // Mutations caught: the lock event or the server-log warning dropped or stripped of its facts.
  it('the failure that locks is audited once as a lock with its length, and logged as a warning', async () => {
    const { cookie, key } = await aliceWithTotp();
    const warnings: { obj: unknown; msg: unknown }[] = [];
    h.deps.logger = { info() {}, error() {}, warn: (obj, msg) => warnings.push({ obj, msg }) };
    const wrong = wrongTotp(key);
    for (let i = 0; i < 10; i += 1) await h.api('POST', DEACTIVATE, { cookie, body: { password: PASSWORD, method: 'totp', code: wrong } });

    expect(await events('second_factor.locked')).toEqual([{ workspaceId: null, details: { consecutiveFailures: 10, lockSeconds: 60 } }]);
    const account = await h.deps.db.selectFrom('accounts').select('id').where('email_key', '=', ALICE).executeTakeFirstOrThrow();
    expect(warnings).toEqual([{ obj: { accountId: account.id, failures: 10 }, msg: 'second-factor verification locked' }]);
  });

  // Mutations caught: the shape messages swapped or emptied, or the shape check moved after the reservation.
  it('a malformed code is refused with a message naming the expected shape, and costs no attempt', async () => {
    const { cookie } = await aliceWithTotp();
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password: PASSWORD } });
    const verify = (method: string, code: string) => h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method, code } });

    const shortTotp = await verify('totp', '12345');
    expectProblem(shortTotp, 400, 'invalid_request');
    expect(shortTotp.body.detail).toBe('A code is exactly 6 digits');
    const badRecovery = await verify('recovery_code', 'not-a-code');
    expectProblem(badRecovery, 400, 'invalid_request');
    expect(badRecovery.body.detail).toBe('A recovery code has 16 letters and digits');
    const shortEmail = await h.api('POST', DEACTIVATE, { cookie, body: { password: PASSWORD, method: 'email', code: '1234567' } });
    expectProblem(shortEmail, 400, 'invalid_request');
    expect(shortEmail.body.detail).toBe('A code is exactly 6 digits');
    expect(await failures()).toBe(0);
  });

  // Mutation caught: `recoveryCodeHash` hashing a malformed code instead of answering null.
  it('a recovery code is stored under the hash of its normalized form; a malformed one has no hash', async () => {
    const { recoveryCodes } = await aliceWithTotp();
    const stored = (await h.deps.db.selectFrom('recovery_codes').select('code_hash').execute()).map((r) => r.code_hash);
    expect(stored.sort()).toEqual(recoveryCodes.map((c) => recoveryCodeHash(c)).sort());
    const hash = recoveryCodeHash(recoveryCodes[0]!);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(recoveryCodeHash(recoveryCodes[0]!.replaceAll('-', '').toUpperCase())).toBe(hash);
    expect(recoveryCodeHash('not-a-code')).toBeNull();
    expect(recoveryCodeHash('')).toBeNull();
  });

  it('an email code proves only what it was sent for; a flow with nothing to bind it to refuses it', async () => {
    const { cookie } = await aliceWithTotp();
    expect((await h.api('POST', '/api/v1/account/two-factor/deactivation/email-code', { cookie })).status).toBe(202);
    const account = (await findAccountByEmail(h.deps.db, ALICE))!;
    const code = h.mailer.lastCode(ALICE);
    expect(() => parseProof('email', code)).toThrow(expect.objectContaining({ code: 'method_not_allowed' }));
    const asLogin = { method: 'email', code, scope: { purpose: 'login', challengeId: null } } as const;
    expect(await emailCodeMethod.check(h.deps, h.deps.db, account, asLogin)).toEqual({ accepted: false, hint: {} });
    const asDeactivation = { method: 'email', code, scope: { purpose: 'deactivation', challengeId: null } } as const;
    expect(await emailCodeMethod.check(h.deps, h.deps.db, account, asDeactivation)).toEqual({ accepted: true });
  });
});
