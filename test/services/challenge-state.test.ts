import { afterEach, expect, it } from 'vitest';
import { decodeTotpKey } from '../../src/domain/totp.js';
import type { TwoFactorPolicy } from '../../src/domain/policy.js';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

/**
 * A login challenge is single use: once it passed (done) or died (its fifth wrong code), it
 * must not send email codes or start an enrolment any more (SPEC: challenges are single use).
 * Mutation caught: dropping `challenge.status !== 'open'` from `findOpenChallenge` (the
 * failure counter alone does not close a challenge that passed).
 */

const CAROL = 'carol@example.com';
const EMAIL_ONLY: Partial<TwoFactorPolicy> = { required: true, primaryMethod: 'email', secondaryMethod: null };
const TOTP_ONLY: Partial<TwoFactorPolicy> = { required: true, primaryMethod: 'totp', secondaryMethod: null };

describeEachDialect('a closed login challenge (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  /** Carol in a super app with `policy`; returns a fresh login challenge id. */
  async function challengeUnder(policy: Partial<TwoFactorPolicy>): Promise<string> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Strict Super App', policy);
    await h.member(workspaceId, CAROL, 'developer');
    const response = await h.api('POST', '/api/v1/auth/login', { body: { email: CAROL, password: PASSWORD } });
    expect(response.status).toBe(200);
    return response.body.challenge.id;
  }
  const sendCode = (id: string) => h.api('POST', `/api/v1/auth/challenges/${id}/email-code`);
  const enrol = (id: string) => h.api('POST', `/api/v1/auth/challenges/${id}/enrollment`);
  const verify = (id: string, method: string, code: string): Promise<ApiResponse> =>
    h.api('POST', `/api/v1/auth/challenges/${id}/verify`, { body: { method, code } });
  const challengeStatus = async () => (await h.deps.db.selectFrom('challenges').select('status').executeTakeFirstOrThrow()).status;

  /** A six-digit code that is certainly not `code`. */
  const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('after it passed with an email code, it mails no further code', async () => {
    const id = await challengeUnder(EMAIL_ONLY);
    expect((await sendCode(id)).status).toBe(202);
    expect((await verify(id, 'email', h.mailer.lastCode(CAROL))).status).toBe(200);
    expect(await challengeStatus()).toBe('done');

    h.clock.advanceSeconds(61); // past the resend cooldown, so only the challenge's state can refuse
    expectProblem(await sendCode(id), 410, 'challenge_expired');
    expect(h.mailer.to(CAROL)).toHaveLength(1);
  });

  it('after it passed with an enrolment, it starts no further enrolment', async () => {
    const id = await challengeUnder(TOTP_ONLY);
    const started = await enrol(id);
    expect(started.status).toBe(200);
    expect((await verify(id, 'totp_enrollment', h.totp(decodeTotpKey(started.body.secret)))).status).toBe(200);
    expect(await challengeStatus()).toBe('done');

    expectProblem(await enrol(id), 410, 'challenge_expired');
    const factors = await h.deps.db.selectFrom('totp_factors').select(['status']).execute();
    expect(factors).toEqual([{ status: 'active' }]);
  });

  it('after its fifth wrong email code killed it, it mails no further code', async () => {
    const id = await challengeUnder(EMAIL_ONLY);
    expect((await sendCode(id)).status).toBe(202);
    const wrong = otherCode(h.mailer.lastCode(CAROL));
    for (let i = 0; i < 5; i += 1) expectProblem(await verify(id, 'email', wrong), 401, 'invalid_code');
    expect(await challengeStatus()).toBe('dead');

    h.clock.advanceSeconds(61);
    expectProblem(await sendCode(id), 410, 'challenge_expired');
    expect(h.mailer.to(CAROL)).toHaveLength(1);
  });

  it('after its fifth wrong enrolment code killed it, it starts no further enrolment', async () => {
    const id = await challengeUnder(TOTP_ONLY);
    const key = decodeTotpKey((await enrol(id)).body.secret);
    const near = new Set([-30, 0, 30].map((s) => h.totp(key, s)));
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => !near.has(c))!;
    for (let i = 0; i < 5; i += 1) expectProblem(await verify(id, 'totp_enrollment', wrong), 401, 'invalid_code');
    expect(await challengeStatus()).toBe('dead');

    expectProblem(await enrol(id), 410, 'challenge_expired');
  });

  // Mutation caught: `expires_at <= now` turned into `<` (a challenge would still mail codes at the instant it expires).
  it('at the instant its 5 minutes are up, it neither mails a code nor starts an enrolment', async () => {
    const emailId = await challengeUnder(EMAIL_ONLY);
    const totp = await h.tenant('Authenticator Super App', TOTP_ONLY);
    await h.member(totp.workspaceId, CAROL, 'developer');
    const enrolId = (await h.api('POST', '/api/v1/auth/login', { body: { email: CAROL, password: PASSWORD, workspaceId: totp.workspaceId } })).body.challenge
      .id;

    h.clock.advanceSeconds(299);
    expect((await enrol(enrolId)).status).toBe(200);
    h.clock.advanceSeconds(1);
    expectProblem(await enrol(enrolId), 410, 'challenge_expired');
    expectProblem(await sendCode(emailId), 410, 'challenge_expired');
    expect(h.mailer.to(CAROL)).toEqual([]);
  });

  // Mutation caught: dropping the `failures >= CHALLENGE_MAX_FAILURES` check, which closes a
  // challenge whose fifth wrong code is counted but not yet marked dead.
  it('a challenge whose five attempts are used up is closed even before it is marked dead', async () => {
    const id = await challengeUnder(TOTP_ONLY);
    await h.deps.db.updateTable('challenges').set({ failures: 5 }).execute();
    expect(await challengeStatus()).toBe('open');
    expectProblem(await enrol(id), 410, 'challenge_expired');
    expect(await h.deps.db.selectFrom('totp_factors').selectAll().execute()).toEqual([]);
  });

  it('a challenge marked dead is closed by its state alone, attempts left on its counter or not', async () => {
    const id = await challengeUnder(EMAIL_ONLY);
    await h.deps.db.updateTable('challenges').set({ status: 'dead' }).execute();
    expectProblem(await sendCode(id), 410, 'challenge_expired');
    expectProblem(await verify(id, 'email', '123456'), 410, 'challenge_expired');
    expect(h.mailer.to(CAROL)).toEqual([]);
  });
});
