import { afterEach, expect, it } from 'vitest';
import { decodeTotpKey } from '../../src/domain/totp.js';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, type Harness, PASSWORD } from '../support/harness.js';

const EMAIL = 'alice@example.com';

/** Exactly one 200; every other answer a 4xx problem (never a 5xx). */
function expectOneWinner(responses: ApiResponse[], loserStatuses: number[]): ApiResponse {
  const winners = responses.filter((r) => r.status === 200);
  expect(winners, `statuses: ${responses.map((r) => r.status).join(',')}`).toHaveLength(1);
  for (const loser of responses.filter((r) => r.status !== 200)) {
    expect(loserStatuses).toContain(loser.status);
    expect(loser.headers['content-type']).toContain('application/problem+json');
    expect(loser.sessionCookie).toBeUndefined();
  }
  return winners[0]!;
}

describeEachDialect('races between concurrent requests (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function aliceWithTotp() {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    const cookie = await h.loginSession(EMAIL);
    const { key, recoveryCodes } = await h.activateTotp(cookie);
    return { cookie, key, recoveryCodes };
  }

  async function challenges(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
      expect(login.body.status).toBe('second_factor_required');
      ids.push(login.body.challenge.id);
    }
    return ids;
  }

  function verify(challengeId: string, method: string, code: string): Promise<ApiResponse> {
    return h.api('POST', `/api/v1/auth/challenges/${challengeId}/verify`, { body: { method, code } });
  }

  async function verifiedSessions(): Promise<number> {
    const rows = await h.deps.db.selectFrom('sessions').select('id').where('second_factor_verified', '=', 1).execute();
    return rows.length;
  }

  it('one TOTP code sent to 20 challenges at once signs in exactly once', async () => {
    const { key } = await aliceWithTotp();
    const ids = await challenges(20);
    const code = h.totp(key);

    const responses = await Promise.all(ids.map((id) => verify(id, 'totp', code)));

    const winner = expectOneWinner(responses, [401, 429]);
    expect(winner.sessionCookie).toBeDefined();
    expect(await verifiedSessions()).toBe(1);
  });

  it('one TOTP code sent 20 times to one challenge at once signs in exactly once', async () => {
    const { key } = await aliceWithTotp();
    const [id] = await challenges(1);
    const code = h.totp(key);

    const responses = await Promise.all(Array.from({ length: 20 }, () => verify(id!, 'totp', code)));

    expectOneWinner(responses, [401, 410, 429]);
    expect(await verifiedSessions()).toBe(1);
  });

  it('one recovery code used 10 times at once signs in exactly once', async () => {
    const { cookie, recoveryCodes } = await aliceWithTotp();
    const ids = await challenges(10);

    const responses = await Promise.all(ids.map((id) => verify(id, 'recovery_code', recoveryCodes[0]!)));

    expectOneWinner(responses, [401, 429]);
    expect(await verifiedSessions()).toBe(1);
    const used = await h.deps.db.selectFrom('recovery_codes').select('id').where('used_at', 'is not', null).execute();
    expect(used).toHaveLength(1);
    expect((await h.api('GET', '/api/v1/account/two-factor', { cookie })).body.recoveryCodesRemaining).toBe(9);
  });

  it('10 concurrent activation verifies with the same code activate exactly once', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    const cookie = await h.loginSession(EMAIL);
    const started = await h.api('POST', '/api/v1/account/two-factor/activation', { cookie });
    const key = decodeTotpKey(started.body.secret);
    const code = h.totp(key);

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => h.api('POST', '/api/v1/account/two-factor/activation/verify', { cookie, body: { code } })),
    );

    const winner = expectOneWinner(responses, [401, 404, 409]);
    expect(winner.body.recoveryCodes).toHaveLength(10);
    const status = await h.api('GET', '/api/v1/account/two-factor', { cookie });
    expect(status.body).toMatchObject({ active: true, recoveryCodesRemaining: 10 });
    expect(await h.deps.db.selectFrom('recovery_codes').select('id').execute()).toHaveLength(10);
    // The winner's codes are the live ones.
    const [id] = await challenges(1);
    expect((await verify(id!, 'recovery_code', winner.body.recoveryCodes[0])).status).toBe(200);
  });

  it('10 concurrent regenerations with one TOTP code issue exactly one new set', async () => {
    const { cookie, key } = await aliceWithTotp();
    const code = h.totp(key);

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => h.api('POST', '/api/v1/account/two-factor/recovery-codes', { cookie, body: { password: PASSWORD, code } })),
    );

    const winner = expectOneWinner(responses, [401, 429]);
    expect(await h.deps.db.selectFrom('recovery_codes').select('id').execute()).toHaveLength(10);
    const [id] = await challenges(1);
    expect((await verify(id!, 'recovery_code', winner.body.recoveryCodes[0])).status).toBe(200);
  });

  it('10 concurrent deactivations with one recovery code succeed once and never fail with 5xx', async () => {
    const { cookie, recoveryCodes } = await aliceWithTotp();

    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.api('POST', '/api/v1/account/two-factor/deactivation', { cookie, body: { password: PASSWORD, method: 'recovery_code', code: recoveryCodes[0] } }),
      ),
    );

    expectOneWinner(responses, [401, 409, 429]);
    expect((await h.api('GET', '/api/v1/account/two-factor', { cookie })).body.active).toBe(false);
  });
});
