import { afterEach, expect, it } from 'vitest';
import { EMAIL_CODES_PER_IP_PER_HOUR } from '../../src/domain/limits.js';
import { sendEmailCode } from '../../src/services/email-codes.js';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { findAccountByEmail } from '../../src/store/accounts.js';

/**
 * Email-code rules that mutation testing found unpinned (src/services/email-codes.ts,
 * src/services/throttle.ts): the exact wait the hourly cap announces, the wait rounded up
 * to whole seconds, no per-IP cap without an address, and the warning every code mail carries.
 */

const ALICE = 'alice@example.com';

describeEachDialect('email code details (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function setUp(): Promise<void> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme Super App', { required: true, primaryMethod: 'email', secondaryMethod: null });
    await h.member(workspaceId, ALICE, 'developer');
  }
  async function challenge(): Promise<string> {
    const response = await h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password: PASSWORD } });
    return response.body.challenge.id;
  }
  const sendCode = async (): Promise<ApiResponse> => h.api('POST', `/api/v1/auth/challenges/${await challenge()}/email-code`);
  const accountRow = async () => (await findAccountByEmail(h.deps.db, ALICE))!;

  // Mutations caught: the cap's Retry-After counted from another code than the oldest of the
  // hour, or from the wrong end of the hour; the cap lifting a second early or late.
  it('the hourly cap announces the exact wait until its oldest code is an hour old, and lifts then', async () => {
    await setUp();
    for (let i = 0; i < 10; i += 1) {
      expect((await sendCode()).status).toBe(202);
      h.clock.advanceSeconds(60);
    }
    // First code at t, tenth at t + 540 s; now t + 600 s: the first ages out at t + 3600 s.
    const capped = await sendCode();
    expectProblem(capped, 429, 'too_many_codes');
    expect(capped.body.retryAfterSeconds).toBe(3000);
    expect(capped.headers['retry-after']).toBe('3000');

    h.clock.advanceSeconds(2999);
    const almost = await sendCode();
    expectProblem(almost, 429, 'too_many_codes');
    expect(almost.body.retryAfterSeconds).toBe(1);
    h.clock.advanceSeconds(1);
    expect((await sendCode()).status).toBe(202);
    // …and the next one frees up 60 s later, when the second code ages out.
    h.clock.advanceSeconds(60);
    expect((await sendCode()).status).toBe(202);
  });

  // Mutation caught: Math.ceil turned into Math.floor in the resend wait (a client told 0 s would retry at once).
  it('a resend wait of 39.5 s is announced as 40 s', async () => {
    await setUp();
    await sendCode();
    h.clock.advanceSeconds(20.5);
    const early = await sendCode();
    expectProblem(early, 429, 'resend_too_soon');
    expect(early.body.retryAfterSeconds).toBe(40);
    h.clock.advanceSeconds(39.4);
    expect((await sendCode()).body.retryAfterSeconds).toBe(1);
  });

  // Mutation caught: `if (!context?.ip) return` inverted or dropped (the CLI and tests send without an address).
  it('sends without a client address are not capped per address', async () => {
    await setUp();
    const account = await accountRow();
    for (let i = 0; i < EMAIL_CODES_PER_IP_PER_HOUR / 10 + 1; i += 1) {
      for (let j = 0; j < 10; j += 1) {
        await sendEmailCode(h.deps, account, { purpose: 'deactivation', challengeId: null, workspaceId: null, use: { kind: 'deactivation' } }, null);
        h.clock.advanceSeconds(60);
      }
      h.clock.advanceSeconds(3600);
    }
    expect(h.mailer.to(ALICE)).toHaveLength(40);
    expect(await h.deps.db.selectFrom('throttles').selectAll().execute()).toEqual([]);
  });

  // Mutations caught: the lines of the mail emptied or joined without line breaks.
  it('every code mail warns against sharing it and says what to do if it was not requested', async () => {
    await setUp();
    await sendCode();
    const [mail] = h.mailer.to(ALICE);
    expect(mail!.subject).toBe('Your Mini Program Platform verification code');
    const lines = mail!.text.split('\n');
    expect(lines[0]).toMatch(/^Your verification code is \d{6}$/);
    expect(lines[1]).toBe('');
    expect(lines[2]).toMatch(/^Use it to sign in to the workspace .+\. It expires in 10 minutes and works once\.$/);
    expect(lines[3]).toBe('Never share this code. Mini Program Platform staff will never ask you for it.');
    expect(lines[4]).toBe('If you did not request it, someone may know your password: change it and turn on an authenticator app.');
  });

  // Mutations caught: the server-log entry of an undeliverable code emptied (operators need the reason and purpose).
  it("an undeliverable code is logged as an error with the mail server's reason and the purpose, never the code", async () => {
    await setUp();
    const errors: { obj: unknown; msg: unknown }[] = [];
    h.deps.logger = { info() {}, warn() {}, error: (obj, msg) => errors.push({ obj, msg }) };
    h.mailer.failNext();
    expectProblem(await sendCode(), 503, 'mail_delivery_failed');
    expect(errors).toEqual([{ obj: { err: 'SMTP connection refused', purpose: 'login' }, msg: 'verification email could not be sent' }]);
  });

  // Mutations caught: the audit event of a send losing its purpose or workspace.
  it('records each send in the audit log with its purpose and workspace, never the code', async () => {
    await setUp();
    const sent = await sendCode();
    expect(sent.status).toBe(202);
    const events = await h.deps.db.selectFrom('audit_events').selectAll().where('type', '=', 'email_code.sent').execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.details)).toEqual({ purpose: 'login' });
    expect(events[0]!.workspace_id).not.toBeNull();
    expect(events[0]!.details).not.toContain(h.mailer.lastCode(ALICE));
  });
});
