import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSmtpMailer, type Mailer } from '../../src/adapters/mailer.js';
import { decodeTotpKey } from '../../src/domain/totp.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

const FROM = 'Mini Program Platform <no-reply@example.com>';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';

describeEachDialect('mail over a real SMTP server (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let mailer: Mailer;
  let h: Harness;

  beforeEach(async () => {
    smtp = await startSmtpServer();
    mailer = createSmtpMailer({ url: smtp.url, from: FROM });
    h = await createHarness(dialect, { mailer });
  });
  afterEach(async () => {
    await h?.close();
    mailer?.close();
    await smtp?.close();
  });

  async function emailChallenge(): Promise<string> {
    const { workspaceId } = await h.tenant('Acme Super App', { required: true, primaryMethod: 'email', secondaryMethod: null });
    await h.member(workspaceId, ALICE, 'developer');
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password: PASSWORD } });
    expect(login.body.challenge.methods).toEqual(['email']);
    return login.body.challenge.id;
  }
  const sendCode = (id: string) => h.api('POST', `/api/v1/auth/challenges/${id}/email-code`);
  const verify = (id: string, method: string, code: string) => h.api('POST', `/api/v1/auth/challenges/${id}/verify`, { body: { method, code } });

  it('delivers a login code over SMTP and signs in with it', async () => {
    const id = await emailChallenge();
    const sent = await sendCode(id);
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ sentTo: 'a***@example.com', resendAfterSeconds: 60 });

    const [mail] = smtp.to(ALICE);
    expect(mail!.mailFrom).toBe('no-reply@example.com');
    expect(mail!.headers.from).toContain('Mini Program Platform');
    expect(mail!.headers.to).toContain(ALICE);
    expect(mail!.subject).toMatch(/verification code/i);
    expect(mail!.text).toContain('Workspace 1');
    expect(mail!.text).not.toContain(PASSWORD);

    const verified = await verify(id, 'email', smtp.lastCode(ALICE));
    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe('authenticated');
    expect(verified.sessionCookie).toBeDefined();
  });

  it('delivers a deactivation code and the security notices over SMTP', async () => {
    const { workspaceId } = await h.tenant('Plain Super App');
    await h.member(workspaceId, BOB, 'developer');
    const cookie = await h.loginSession(BOB);
    const { secret, recoveryCodes } = await h.activateTotp(cookie);
    const [activated] = await smtp.waitForMail(BOB, 1);
    expect(activated!.subject).toMatch(/turned on/i);

    const sent = await h.api('POST', '/api/v1/account/two-factor/deactivation/email-code', { cookie });
    expect(sent.status).toBe(202);
    expect(smtp.to(BOB)).toHaveLength(2);
    expect(smtp.to(BOB)[1]!.text).toMatch(/turn off two-factor authentication/i);
    const off = await h.api('POST', '/api/v1/account/two-factor/deactivation', {
      cookie,
      body: { password: PASSWORD, method: 'email', code: smtp.lastCode(BOB) },
    });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ active: false });

    const mails = await smtp.waitForMail(BOB, 3);
    expect(mails[2]!.subject).toMatch(/turned off/i);
    for (const notice of [mails[0]!, mails[2]!]) {
      const decoded = `${notice.subject}\n${notice.text}`;
      expect(decoded).not.toMatch(/\b\d{6}\b/);
      expect(decoded).not.toContain(secret);
      for (const code of recoveryCodes) expect(decoded).not.toContain(code);
    }
  });

  it('delivers the activation notice of an enrolment during login over SMTP', async () => {
    const { workspaceId } = await h.tenant('Strict Super App', { required: true, primaryMethod: 'totp', secondaryMethod: null });
    await h.member(workspaceId, CAROL, 'developer');
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: CAROL, password: PASSWORD } });
    expect(login.body.status).toBe('enrollment_required');
    const id = login.body.challenge.id;
    const enrollment = await h.api('POST', `/api/v1/auth/challenges/${id}/enrollment`);
    expect(enrollment.status).toBe(200);
    const verified = await verify(id, 'totp_enrollment', h.totp(decodeTotpKey(enrollment.body.secret)));
    expect(verified.status).toBe(200);
    expect(verified.body.recoveryCodes).toHaveLength(10);

    const [notice] = await smtp.waitForMail(CAROL, 1);
    expect(notice!.subject).toMatch(/turned on/i);
    const decoded = `${notice!.subject}\n${notice!.text}`;
    expect(decoded).not.toContain(enrollment.body.secret);
    for (const code of verified.body.recoveryCodes) expect(decoded).not.toContain(code);
  });

  it('answers 503 mail_delivery_failed and keeps no code when the SMTP server is down', async () => {
    const id = await emailChallenge();
    await smtp.close();
    expectProblem(await sendCode(id), 503, 'mail_delivery_failed');
    expect(await h.deps.db.selectFrom('email_codes').selectAll().execute()).toEqual([]);
  });

  it('lets the same challenge ask again at once after the SMTP server refused the mail', async () => {
    const id = await emailChallenge();
    smtp.rejecting = true;
    expectProblem(await sendCode(id), 503, 'mail_delivery_failed');
    expect(smtp.to(ALICE)).toEqual([]);

    // No cooldown is left behind: the retry needs no waiting.
    smtp.rejecting = false;
    const retry = await sendCode(id);
    expect(retry.status).toBe(202);
    expect(smtp.to(ALICE)).toHaveLength(1);
    expect((await verify(id, 'email', smtp.lastCode(ALICE))).status).toBe(200);
  });

  it('lets a deactivation code be asked for again at once after the SMTP server refused it', async () => {
    const { workspaceId } = await h.tenant('Plain Super App');
    await h.member(workspaceId, BOB, 'developer');
    const cookie = await h.loginSession(BOB);
    await h.activateTotp(cookie);
    await smtp.waitForMail(BOB, 1);
    smtp.rejecting = true;
    expectProblem(await h.api('POST', '/api/v1/account/two-factor/deactivation/email-code', { cookie }), 503, 'mail_delivery_failed');
    smtp.rejecting = false;
    expect((await h.api('POST', '/api/v1/account/two-factor/deactivation/email-code', { cookie })).status).toBe(202);
    const off = await h.api('POST', '/api/v1/account/two-factor/deactivation', {
      cookie,
      body: { password: PASSWORD, method: 'email', code: smtp.lastCode(BOB) },
    });
    expect(off.status).toBe(200);
  });
});
