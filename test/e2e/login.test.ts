import { describe, expect, it } from 'vitest';
import { showAccount } from '../../src/services/operator.js';
import {
  BROWSER_SKIP_SUFFIX,
  browserSkipReason,
  decodeQr,
  expectAccessible,
  expectOnOneLineEach,
  expectSignedIn,
  screenshot,
  submitPassword,
  totp,
  typeCode,
  useBrowserSuite,
  wrongTotp,
} from '../support/browser.js';

/** The second sign-in step in a real browser: super app policies, enrolment, wrong codes. */
describe.skipIf(browserSkipReason)('console: logging in with a second factor' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it('asks for an email code when the super app requires it, and signs in with the code from the mail', async () => {
    const { workspaceId } = await suite.server.tenant('Mail Super App', 'Mail Workspace', { required: true, primaryMethod: 'email', secondaryMethod: null });
    const fay = await suite.server.account(workspaceId, 'fay@example.com', 'Fay Wong', 'developer');
    const { page } = await open();

    await submitPassword(page, fay.email);
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
    // The line explains why: the super app (not the account) requires a second factor.
    await page.getByText('Mail Super App requires two-factor authentication for its workspaces.').waitFor();
    await page.getByText('Signing in to the Mail Workspace workspace.').waitFor();
    expect(await page.locator('.send-code').innerText()).toContain('We will email a 6-digit code to f***@example.com.');
    await expectAccessible(page, 'login, email code step');
    await screenshot(page, '20-login-email-step');

    const sent = page.waitForResponse((r) => /\/api\/v1\/auth\/challenges\/[^/]+\/email-code$/.test(new URL(r.url()).pathname));
    await page.getByRole('button', { name: 'Send code' }).click();
    expect((await sent).status()).toBe(202);
    const [mail] = await suite.server.smtp.waitForMail(fay.email, 1);
    expect(mail!.subject).toMatch(/verification code/i);
    expect(mail!.text).toContain('Mail Workspace');
    const code = suite.server.smtp.lastCode(fay.email);
    await page.getByText('We sent a 6-digit code to').waitFor();
    const resend = page.getByRole('button', { name: /Resend code \(\d+s\)$/ });
    await resend.waitFor();
    expect(await resend.isDisabled()).toBe(true);
    await expectAccessible(page, 'login, email code sent');
    await screenshot(page, '21-login-email-sent', 'login-email-code');

    await typeCode(page, code);
    await expectSignedIn(page, 'Fay');
    await page.getByText('Mail Super App requires two-factor authentication when you log in.').waitFor();
    await expectAccessible(page, 'overview after an email-code login');
  });

  it('enrols an authenticator during login when the super app requires one, then shows recovery codes, each whole on one line', async () => {
    const { workspaceId } = await suite.server.tenant('Totp Super App', 'Totp Workspace', { required: true, primaryMethod: 'totp', secondaryMethod: null });
    const gus = await suite.server.account(workspaceId, 'gus@example.com', 'Gus Grant', 'developer');
    const { page } = await open();

    const enrollment = page.waitForResponse((r) => /\/api\/v1\/auth\/challenges\/[^/]+\/enrollment$/.test(new URL(r.url()).pathname));
    await submitPassword(page, gus.email);
    const enrollmentResponse = await enrollment;
    expect(enrollmentResponse.status()).toBe(200);
    const pending = (await enrollmentResponse.json()) as { secret: string; otpauthUri: string };
    await page.getByRole('heading', { level: 1, name: 'Set up two-factor authentication' }).waitFor();
    await page.getByText('Totp Super App requires two-factor authentication for its workspaces.').waitFor();

    const qr = page.getByTestId('totp-qr');
    await qr.locator('canvas').waitFor();
    expect(decodeQr(await screenshot(qr, '22-enrolment-qr'))).toBe(pending.otpauthUri);
    // The pointer still rests where "Log in" was, which is now the link itself: come from elsewhere, as a hover does.
    await page.mouse.move(0, 0);
    await page.getByRole('button', { name: "Can't scan the QR code?" }).hover();
    const key = page.getByTestId('totp-secret');
    await key.waitFor();
    expect((await key.innerText()).replace(/\s+/g, '')).toBe(pending.secret);
    await expectAccessible(page, 'login, authenticator enrolment');
    await screenshot(page, '23-login-enrolment');

    await typeCode(page, totp(pending.secret));
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication is on' }).waitFor();
    await page.getByTestId('recovery-codes').waitFor();
    const codes = await page.getByTestId('recovery-codes').locator('li').allInnerTexts();
    expect(codes).toHaveLength(10);
    // No code breaks at a dash into what reads as two codes ("yg47-ajdd-dzjd-" / "7ev2").
    await expectOnOneLineEach(page.getByTestId('recovery-codes').locator('li'), 10);
    await expectAccessible(page, 'login, recovery codes after enrolment');
    await screenshot(page, '24-login-recovery-codes');
    await page.getByRole('checkbox', { name: 'I have saved my recovery codes' }).check();
    await page.getByRole('button', { name: 'Done' }).click();

    await expectSignedIn(page, 'Gus');
    await page.getByText('Authenticator app since').waitFor();
    expect((await showAccount(suite.server.deps, gus.email)).twoFactorActive).toBe(true);
  });

  it('when the super app also allows email, enrolment during login asks for the emailed code first, then shows the QR code', async () => {
    const { workspaceId } = await suite.server.tenant('Mixed Super App', 'Mixed Workspace', {
      required: true,
      primaryMethod: 'totp',
      secondaryMethod: 'email',
    });
    const ida = await suite.server.account(workspaceId, 'ida@example.com', 'Ida Wells', 'developer');
    const { page } = await open();

    await submitPassword(page, ida.email);
    await page.getByRole('heading', { level: 1, name: 'Set up two-factor authentication' }).waitFor();
    await page.getByText('First confirm it is you with a code sent to your email address').waitFor();
    expect(await page.getByTestId('totp-qr').count()).toBe(0);
    await expectAccessible(page, 'login, email code before enrolment');

    const before = suite.server.smtp.to(ida.email).length;
    await page.getByRole('button', { name: 'Send code' }).click();
    await suite.server.smtp.waitForMail(ida.email, before + 1);
    const enrollment = page.waitForResponse((r) => /\/api\/v1\/auth\/challenges\/[^/]+\/enrollment$/.test(new URL(r.url()).pathname));
    await typeCode(page, suite.server.smtp.lastCode(ida.email));
    const enrollmentResponse = await enrollment;
    expect(enrollmentResponse.status()).toBe(200);
    const pending = (await enrollmentResponse.json()) as { secret: string };
    await page.getByTestId('totp-qr').locator('canvas').waitFor();

    await typeCode(page, totp(pending.secret));
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication is on' }).waitFor();
    await page.getByRole('checkbox', { name: 'I have saved my recovery codes' }).check();
    await page.getByRole('button', { name: 'Done' }).click();
    await expectSignedIn(page, 'Ida');
    expect((await showAccount(suite.server.deps, ida.email)).twoFactorActive).toBe(true);
  });

  it("shows a wrong code's error with the attempts left, then accepts the right code", async () => {
    const { workspaceId } = await suite.server.tenant('Retry Super App', 'Retry Workspace');
    const hal = await suite.server.account(workspaceId, 'hal@example.com', 'Hal Jordan', 'admin');
    const { secret } = await suite.server.activateTotp(hal.email);
    const { page } = await open();

    await submitPassword(page, hal.email);
    await page.getByText('Your account has two-factor authentication turned on.').waitFor();
    const refused = page.waitForResponse((r) => /\/verify$/.test(new URL(r.url()).pathname));
    await typeCode(page, wrongTotp(secret));
    const answer = await refused;
    expect(answer.status()).toBe(401);
    expect((await answer.json()).attemptsRemaining).toBe(4);
    const alert = page.getByRole('alert').filter({ hasText: 'Wrong code' });
    await alert.waitFor();
    expect((await alert.innerText()).trim()).toBe('Wrong code. 4 attempts left.');
    // The boxes clear and the first one has focus again for the next try.
    expect(await page.locator('.code-input input').first().inputValue()).toBe('');
    expect(
      await page
        .locator('.code-input input')
        .first()
        .evaluate((element) => element === document.activeElement),
    ).toBe(true);
    await expectAccessible(page, 'login, wrong code');
    await screenshot(page, '25-login-wrong-code');

    await page.keyboard.type(totp(secret, 30));
    await expectSignedIn(page, 'Hal');
  });
});
