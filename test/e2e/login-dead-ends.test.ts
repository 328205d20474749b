import { describe, expect, it } from 'vitest';
import {
  BROWSER_SKIP_SUFFIX,
  browserSkipReason,
  expectAccessible,
  expectSignedIn,
  screenshot,
  submitPassword,
  totp,
  typeCode,
  useBrowserSuite,
  wrongTotp,
} from '../support/browser.js';

const isEmailCodeCall = (url: string) => /\/api\/v1\/auth\/challenges\/[^/]+\/email-code$/.test(new URL(url).pathname);

/** The second sign-in step when it cannot go on as asked: a refused resend, a dead challenge, a reload. */
describe.skipIf(browserSkipReason)('console: the code step never claims what did not happen' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it('after a resend_too_soon refusal, Send code says a code was sent less than a minute ago with the countdown, not that one was sent', async () => {
    const { workspaceId } = await suite.server.tenant('Cooldown Super App', 'Cooldown Workspace', {
      required: true,
      primaryMethod: 'email',
      secondaryMethod: null,
    });
    const max = await suite.server.account(workspaceId, 'max@example.com', 'Max Planck', 'developer');
    const { page } = await open();

    // A first attempt sends a code, then the user goes back and signs in again within the minute.
    await submitPassword(page, max.email);
    const first = page.waitForResponse((r) => isEmailCodeCall(r.url()));
    await page.getByRole('button', { name: 'Send code' }).click();
    expect((await first).status()).toBe(202);
    await suite.server.smtp.waitForMail(max.email, 1);
    await page.getByRole('button', { name: 'Back to log in' }).click();
    await submitPassword(page, max.email);
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();

    const refused = page.waitForResponse((r) => isEmailCodeCall(r.url()));
    await page.getByRole('button', { name: 'Send code' }).click();
    const answer = await refused;
    expect(answer.status()).toBe(429);
    expect((await answer.json()).code).toBe('resend_too_soon');

    const hint = page.locator('.send-code .field-hint');
    await expect.poll(() => hint.innerText()).toMatch(/^A code was sent less than a minute ago; you can send another in \d+ s\./);
    expect(await hint.innerText()).toContain('A code sent for an earlier sign-in attempt does not work for this one.');
    expect(await page.locator('.second-factor').innerText()).not.toContain('We sent');
    const resend = page.getByRole('button', { name: /Resend code \(\d+s\)$/ });
    await resend.waitFor();
    expect(await resend.isDisabled()).toBe(true);
    // The countdown in the sentence follows the button's.
    const seconds = Number((await hint.innerText()).match(/another in (\d+) s/)![1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(suite.server.smtp.to(max.email)).toHaveLength(1);
    await expectAccessible(page, 'login, resend refused');
    await screenshot(page, '26-login-resend-too-soon');
  });

  it('after switching methods and back, the email step still shows the code it sent and accepts it', async () => {
    const { workspaceId } = await suite.server.tenant('Switch Super App', 'Switch Workspace', {
      required: true,
      primaryMethod: 'email',
      secondaryMethod: 'totp',
    });
    const nia = await suite.server.account(workspaceId, 'nia@example.com', 'Nia Long', 'developer');
    const { page } = await open();

    await submitPassword(page, nia.email);
    await page.getByRole('button', { name: 'Send code' }).click();
    await suite.server.smtp.waitForMail(nia.email, 1);
    await page.getByText('We sent a 6-digit code to').waitFor();
    await page.getByRole('button', { name: 'Use another method' }).click();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByRole('button', { name: 'Use another method' }).click();
    await page.getByRole('button', { name: 'Email verification code' }).click();

    // The code sent a moment ago for this attempt is still the one to type.
    await page.getByText('We sent a 6-digit code to').waitFor();
    expect(await page.getByRole('button', { name: /Resend code \(\d+s\)$/ }).isDisabled()).toBe(true);
    await typeCode(page, suite.server.smtp.lastCode(nia.email));
    await expectSignedIn(page, 'Nia');
  });

  it('after the fifth wrong code the boxes are disabled and "Sign in again" leads back with the true reason', async () => {
    const { workspaceId } = await suite.server.tenant('Spent Super App', 'Spent Workspace');
    const ola = await suite.server.account(workspaceId, 'ola@example.com', 'Ola Nordmann', 'admin');
    const { secret } = await suite.server.activateTotp(ola.email);
    const { page } = await open();

    await submitPassword(page, ola.email);
    await page.getByText('Your account has two-factor authentication turned on.').waitFor();
    for (let left = 4; left >= 0; left -= 1) {
      const refused = page.waitForResponse((r) => /\/verify$/.test(new URL(r.url()).pathname));
      await typeCode(page, wrongTotp(secret));
      const answer = await refused;
      expect(answer.status()).toBe(401);
      expect((await answer.json()).attemptsRemaining).toBe(left);
    }

    const dead = page.getByRole('alert').filter({ hasText: 'No attempts left' });
    await dead.waitFor();
    expect(await dead.innerText()).toContain('Sign in again to get a new attempt.');
    expect(await dead.innerText()).not.toContain('expired');
    const boxes = page.locator('.code-input input');
    expect(await boxes.count()).toBe(6);
    for (const box of await boxes.all()) expect(await box.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Verify' }).isDisabled()).toBe(true);
    await expectAccessible(page, 'login, no attempts left');
    await screenshot(page, '27-login-no-attempts-left');

    await page.getByRole('button', { name: 'Sign in again' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'wrong codes' });
    await notice.waitFor();
    expect(await notice.innerText()).not.toContain('expired');
    expect(await page.getByLabel('Email').inputValue()).toBe(ola.email);
    await submitPassword(page, ola.email);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Ola');
  });

  it('reloading during the code step says the sign-in attempt was interrupted, with the email kept', async () => {
    const { workspaceId } = await suite.server.tenant('Reload Super App', 'Reload Workspace');
    const pia = await suite.server.account(workspaceId, 'pia@example.com', 'Pia Fox', 'admin');
    const { secret } = await suite.server.activateTotp(pia.email);
    const { page } = await open();

    await submitPassword(page, pia.email);
    await page.getByText('Your account has two-factor authentication turned on.').waitFor();
    await page.reload();

    const notice = page.getByRole('alert').filter({ hasText: 'interrupted' });
    await notice.waitFor();
    expect((await notice.innerText()).trim()).toBe('Your sign-in attempt was interrupted. Sign in again to continue.');
    expect(await page.getByLabel('Email').inputValue()).toBe(pia.email);
    await expectAccessible(page, 'login after a reload during the code step');
    await screenshot(page, '28-login-interrupted');

    await submitPassword(page, pia.email);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Pia');
    // Signed in: a later visit to the login page starts clean.
    await page.getByRole('button', { name: /Pia/ }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await page.getByText('interrupted').count()).toBe(0);
  });
});
