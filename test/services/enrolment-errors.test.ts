import { afterEach, expect, it } from 'vitest';
import { decodeTotpKey } from '../../src/domain/totp.js';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

/**
 * Authenticator enrolment during login fails for reasons other than a wrong code; each must
 * reach the client as itself (docs/errors.md), cost no attempt, and a wrong code must keep
 * the hints activation gives (`clockDriftSeconds`). Mutation caught throughout: the
 * enrolment branch of `consumeChallengeProof` catching every error as a wrong code.
 */

const CAROL = 'carol@example.com';

describeEachDialect('enrolment errors during login (%s)', (dialect) => {
  let h: Harness;
  let strictWorkspace: string;
  afterEach(async () => h?.close());

  async function setUp(): Promise<void> {
    h = await createHarness(dialect);
    strictWorkspace = (await h.tenant('Strict Super App', { required: true, primaryMethod: 'totp', secondaryMethod: null })).workspaceId;
    await h.member(strictWorkspace, CAROL, 'developer');
  }

  async function challenge(): Promise<string> {
    const response = await h.api('POST', '/api/v1/auth/login', { body: { email: CAROL, password: PASSWORD, workspaceId: strictWorkspace } });
    expect(response.body.status).toBe('enrollment_required');
    return response.body.challenge.id;
  }
  const enrol = async (id: string) => decodeTotpKey((await h.api('POST', `/api/v1/auth/challenges/${id}/enrollment`)).body.secret);
  const verify = (id: string, code: string): Promise<ApiResponse> =>
    h.api('POST', `/api/v1/auth/challenges/${id}/verify`, { body: { method: 'totp_enrollment', code } });

  async function counts() {
    const account = await h.deps.db.selectFrom('accounts').select('second_factor_failures').executeTakeFirstOrThrow();
    const challenges = await h.deps.db.selectFrom('challenges').select('failures').execute();
    return { account: Number(account.second_factor_failures), challenges: challenges.map((c) => Number(c.failures)) };
  }

  /** A six-digit code no step near now produces for `key`. */
  function wrongCode(key: Uint8Array): string {
    const near = new Set(Array.from({ length: 41 }, (_, i) => h.totp(key, (i - 20) * 30)));
    return ['000000', '111111', '222222', '333333', '444444'].find((c) => !near.has(c))!;
  }

  it('a code before enrolment was started answers 404 no_pending_activation and costs no attempt', async () => {
    await setUp();
    const id = await challenge();
    expectProblem(await verify(id, '123456'), 404, 'no_pending_activation');
    expect(await counts()).toEqual({ account: 0, challenges: [0] });
  });

  it('a key started from Settings cannot finish a login enrolment: 404 no_pending_activation, no attempt', async () => {
    await setUp();
    const plain = await h.tenant('Plain Super App');
    await h.member(plain.workspaceId, CAROL, 'developer');
    const session = (await h.api('POST', '/api/v1/auth/login', { body: { email: CAROL, password: PASSWORD, workspaceId: plain.workspaceId } })).sessionCookie;
    const started = await h.api('POST', '/api/v1/account/two-factor/activation', { cookie: session });
    expect(started.status).toBe(201);
    const settingsKey = decodeTotpKey(started.body.secret);

    const id = await challenge();
    expectProblem(await verify(id, h.totp(settingsKey)), 404, 'no_pending_activation');
    expect(await counts()).toEqual({ account: 0, challenges: [0] });
    expect((await h.deps.db.selectFrom('totp_factors').select('status').executeTakeFirstOrThrow()).status).toBe('pending');
  });

  it('enrolment finished on another challenge answers 409 two_factor_already_active, not a wrong code', async () => {
    await setUp();
    const first = await challenge();
    await enrol(first);
    const second = await challenge();
    const key = await enrol(second);
    expect((await verify(second, h.totp(key))).status).toBe(200);

    h.clock.advanceSeconds(30);
    expectProblem(await verify(first, h.totp(key, 30)), 409, 'two_factor_already_active');
    expect((await counts()).account).toBe(0);
  });

  it('a code from a phone clock 5 minutes ahead is a wrong code that says how far off the clock is', async () => {
    await setUp();
    const id = await challenge();
    const key = await enrol(id);
    const ahead = await verify(id, h.totp(key, 300));
    expectProblem(ahead, 401, 'invalid_code');
    expect(ahead.body.attemptsRemaining).toBe(4);
    expect(Math.abs(ahead.body.clockDriftSeconds - 300)).toBeLessThanOrEqual(30);
    expect(await counts()).toEqual({ account: 1, challenges: [1] });

    const wrong = await verify(id, wrongCode(key));
    expectProblem(wrong, 401, 'invalid_code');
    expect(wrong.body.attemptsRemaining).toBe(3);
    expect(wrong.body).not.toHaveProperty('clockDriftSeconds');
  });
});
