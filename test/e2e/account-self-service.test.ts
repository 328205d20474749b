import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  BROWSER_SKIP_SUFFIX,
  browserSkipReason,
  expectAccessible,
  expectSignedIn,
  openAccountSettings,
  PASSWORD,
  resetToken,
  screenshot,
  submitPassword,
  totp,
  typeCode,
  useBrowserSuite,
  wrongTotp,
  type E2eServer,
} from '../support/browser.js';

const NEW_PASSWORD = 'a brand new passphrase for spring';
const CHANGED = 'Password changed. Other browsers and devices were signed out.';
const RESET_SENT = 'If an account uses this email, we sent it a link. It works for 30 minutes.';
const RESET_DONE = 'Password reset. Sign in with your new password.';
const POLICY_HINT = 'At least 8 characters; 15 or more is better.';

/** The "Password" card of Settings → Account. */
const passwordCard = (page: Page) => page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Password', exact: true }) });
/** The "Where you are signed in" card of Settings → Account. */
const signedInCard = (page: Page) => page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Where you are signed in' }) });

/** A session of `email` opened through the API (another "device"); its cookie. */
async function apiSession(server: E2eServer, email: string, password = PASSWORD): Promise<string> {
  const login = await server.api('POST', '/api/v1/auth/login', { body: { email, password } });
  expect(login.body?.status, JSON.stringify(login.body)).toBe('authenticated');
  return login.sessionCookie!;
}

async function sessionAlive(server: E2eServer, cookie: string): Promise<boolean> {
  return (await server.api('GET', '/api/v1/session', { cookie })).status === 200;
}

/** Records every URL the page requests, to check where the reset token went. */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  return urls;
}

/** Settings → Account: change the password, reset a forgotten one by email, where you are signed in (issue 17). */
describe.skipIf(browserSkipReason)('console: your password and where you are signed in' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it('changes the password in Settings: wrong current password refused, then done; other sessions end and the new password signs in', async () => {
    const { workspaceId } = await suite.server.tenant('Change Super App', 'Change Workspace');
    const ana = await suite.server.account(workspaceId, 'ana@example.com', 'Ana Lima');
    const other = await apiSession(suite.server, ana.email);
    const { page } = await open();
    await submitPassword(page, ana.email);
    await expectSignedIn(page, 'Ana');
    await openAccountSettings(page);
    const card = passwordCard(page);
    await card.getByText(POLICY_HINT).waitFor();
    // No authenticator: no code is asked.
    expect(await card.locator('.code-input').count()).toBe(0);
    await expectAccessible(page, 'settings, password card');

    await card.getByLabel('Current password').fill('not my password');
    await card.getByLabel('New password').fill(NEW_PASSWORD);
    await card.getByRole('button', { name: 'Change password' }).click();
    await card.getByText('Wrong current password.').waitFor();
    expect(await sessionAlive(suite.server, other)).toBe(true);

    await card.getByLabel('Current password').fill(PASSWORD);
    await card.getByLabel('New password').fill('password');
    await card.getByRole('button', { name: 'Change password' }).click();
    await card.getByText('This password does not meet the password policy.', { exact: false }).waitFor();

    await card.getByLabel('New password').fill(NEW_PASSWORD);
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/account/password');
    await card.getByRole('button', { name: 'Change password' }).click();
    expect((await answer).status()).toBe(204);
    await card.getByText(CHANGED).waitFor();
    expect(await card.getByLabel('Current password').inputValue()).toBe('');
    await expectAccessible(page, 'settings, password changed');
    await screenshot(page, '50-password-changed');

    // The other session ended; this one stays.
    expect(await sessionAlive(suite.server, other)).toBe(false);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const login = await suite.server.api('POST', '/api/v1/auth/login', { body: { email: ana.email, password: PASSWORD } });
    expect(login.status).toBe(401);
    await apiSession(suite.server, ana.email, NEW_PASSWORD);
  });

  it('with an authenticator, asks for its code or a recovery code ("Use a recovery code instead"); a wrong code is refused', async () => {
    const { workspaceId } = await suite.server.tenant('Code Super App', 'Code Workspace');
    const ben = await suite.server.account(workspaceId, 'ben@example.com', 'Ben Okri');
    const { secret, recoveryCodes } = await suite.server.activateTotp(ben.email);
    const { page } = await open();
    await submitPassword(page, ben.email);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Ben');
    await openAccountSettings(page);
    const card = passwordCard(page);
    await card.getByText('Authenticator app code (6 digits)').waitFor();

    await card.getByLabel('Current password').fill(PASSWORD);
    await card.getByLabel('New password').fill(NEW_PASSWORD);
    const button = card.getByRole('button', { name: 'Change password' });
    expect(await button.isDisabled()).toBe(true);
    await typeCode(card, wrongTotp(secret));
    const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/account/password');
    await button.click();
    expect((await refused).status()).toBe(401);
    await card
      .getByRole('alert')
      .filter({ hasText: /^Wrong code/ })
      .waitFor();
    expect(await card.locator('.code-input input').first().inputValue()).toBe('');

    await card.getByRole('switch', { name: 'Use a recovery code instead' }).click();
    await card.getByLabel('Recovery code', { exact: true }).fill(recoveryCodes[0]!.toUpperCase());
    await expectAccessible(page, 'settings, password card with a recovery code');
    await button.click();
    await card.getByText(CHANGED).waitFor();
    await screenshot(page, '51-password-changed-with-recovery-code');
    // The recovery code was used up.
    const login = await suite.server.api('POST', '/api/v1/auth/login', { body: { email: ben.email, password: NEW_PASSWORD } });
    expect(login.body.status).toBe('second_factor_required');
  });

  it('asks for a code as soon as 2FA goes on in the card above; a tab that missed it gets the code field from the 403 second_factor_code_required', async () => {
    const { workspaceId } = await suite.server.tenant('Late Super App', 'Late Workspace');
    const fay = await suite.server.account(workspaceId, 'fay@example.com', 'Fay Wray');
    const { page, context } = await open();
    await submitPassword(page, fay.email);
    await expectSignedIn(page, 'Fay');
    await openAccountSettings(page);
    const card = passwordCard(page);
    await card.getByText(POLICY_HINT).waitFor();
    expect(await card.locator('.code-input').count()).toBe(0);

    // Another tab of the same browser (the same session) activates 2FA; its Password card follows.
    const other = await context.newPage();
    await other.goto('/settings');
    const twoFactor = await openAccountSettings(other);
    const activation = other.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/account/two-factor/activation');
    await twoFactor.getByRole('button', { name: 'Activate', exact: true }).click();
    const { secret } = (await (await activation).json()) as { secret: string };
    await typeCode(other.getByRole('dialog', { name: 'Activate two-factor authentication' }), totp(secret));
    const codes = other.getByRole('dialog', { name: 'Two-factor authentication is on' });
    await codes.getByRole('checkbox', { name: 'I have saved my recovery codes' }).check();
    await codes.getByRole('button', { name: 'Done' }).click();
    await codes.waitFor({ state: 'hidden' });
    await passwordCard(other).getByText('Authenticator app code (6 digits)').waitFor();
    await other.close();

    // The first tab still believes there is no authenticator: the server's 403 brings the field.
    await card.getByLabel('Current password').fill(PASSWORD);
    await card.getByLabel('New password').fill(NEW_PASSWORD);
    const asked = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/account/password');
    await card.getByRole('button', { name: 'Change password' }).click();
    const answer = await asked;
    expect(answer.status()).toBe(403);
    expect((await answer.json()).code).toBe('second_factor_code_required');
    await card.getByText('Enter a code from your authenticator app, or one of your recovery codes.').waitFor();
    await card.getByText('Authenticator app code (6 digits)').waitFor();
    await expectAccessible(page, 'settings, password card asking for a code');
    await typeCode(card, totp(secret, 30));
    await card.getByRole('button', { name: 'Change password' }).click();
    await card.getByText(CHANGED).waitFor();
  });

  it('forgot password: the same answer for any email; the emailed link resets the password (token read from the fragment, then cleared)', async () => {
    const { workspaceId } = await suite.server.tenant('Forgot Super App', 'Forgot Workspace');
    const cai = await suite.server.account(workspaceId, 'cai@example.com', 'Cai Wen');
    const { page } = await open();
    const requests = recordRequests(page);
    await page.goto('/');
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    await expectAccessible(page, 'forgot password form');

    // An address with no account gets the same words.
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByRole('button', { name: 'Send link' }).click();
    await page.getByText(RESET_SENT).waitFor();
    await screenshot(page, '52-forgot-password-sent');
    await page.getByRole('button', { name: 'Back to log in' }).click();
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByLabel('Email').fill(cai.email);
    await page.getByRole('button', { name: 'Send link' }).click();
    await page.getByText(RESET_SENT).waitFor();
    await expectAccessible(page, 'forgot password, sent');
    const token = await resetToken(suite.server, cai.email, 1);
    expect(suite.server.smtp.to('nobody@example.com')).toHaveLength(0);

    const checked = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === `/api/v1/auth/password-reset/${token}`);
    await page.goto(`/reset-password#${token}`);
    expect((await checked).status()).toBe(200);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    // The token left the address bar (and the history entry) once read.
    expect(page.url()).toBe(`${suite.server.url}/reset-password`);
    expect(await page.evaluate(() => window.location.hash)).toBe('');
    await page.getByText(POLICY_HINT).waitFor();
    expect(await page.locator('.code-input').count()).toBe(0);
    await expectAccessible(page, 'reset page');
    await screenshot(page, '53-reset-password');

    await page.getByLabel('New password').fill(NEW_PASSWORD);
    const reset = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/v1/auth/password-reset/${token}`);
    await page.getByRole('button', { name: 'Reset password' }).click();
    expect((await reset).status()).toBe(204);
    await page.getByRole('heading', { level: 1, name: RESET_DONE }).waitFor();
    await expectAccessible(page, 'reset page, done');
    await screenshot(page, '54-reset-password-done');

    // The token went nowhere but the API's path: no query string, no other URL.
    const withToken = requests.filter((url) => url.includes(token));
    expect(withToken.length).toBeGreaterThan(0);
    for (const url of withToken) {
      const parsed = new URL(url);
      expect(parsed.pathname === `/api/v1/auth/password-reset/${token}` && parsed.search === '' && parsed.origin === suite.server.url, url).toBe(true);
    }

    await page.getByRole('link', { name: 'Go to the login page' }).click();
    await submitPassword(page, cai.email, NEW_PASSWORD);
    await expectSignedIn(page, 'Cai');
  });

  it('a reset with an authenticator needs its code or a recovery code; a used link says it expired and offers a new one', async () => {
    const { workspaceId } = await suite.server.tenant('Reset 2FA Super App', 'Reset 2FA Workspace');
    const dee = await suite.server.account(workspaceId, 'dee@example.com', 'Dee Snider');
    const { secret } = await suite.server.activateTotp(dee.email);
    const accepted = await suite.server.api('POST', '/api/v1/auth/password-reset', { body: { email: dee.email } });
    expect(accepted.status).toBe(202);
    const token = await resetToken(suite.server, dee.email, 1);
    const { page } = await open();

    await page.goto(`/reset-password#${token}`);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await page.getByText('Authenticator app code (6 digits)').waitFor();
    await page.getByRole('switch', { name: 'Use a recovery code instead' }).waitFor();
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    const button = page.getByRole('button', { name: 'Reset password' });
    expect(await button.isDisabled()).toBe(true);
    await expectAccessible(page, 'reset page with an authenticator');

    await typeCode(page, wrongTotp(secret));
    await button.click();
    await page
      .getByRole('alert')
      .filter({ hasText: /^Wrong code/ })
      .waitFor();
    expect((await suite.server.api('POST', '/api/v1/auth/login', { body: { email: dee.email, password: NEW_PASSWORD } })).status).toBe(401);

    await typeCode(page, totp(secret, 30));
    await button.click();
    await page.getByRole('heading', { level: 1, name: RESET_DONE }).waitFor();
    // Nobody was signed in by the reset.
    expect((await page.context().cookies()).find((c) => c.name === 'mpp_session' && c.value !== '')).toBeUndefined();

    // The same link again (from the email, in this tab): used.
    await page.evaluate((link) => (window.location.hash = link), token);
    await page.getByRole('heading', { level: 1, name: 'This link has expired or was already used' }).waitFor();
    await expectAccessible(page, 'reset page, link used');
    await screenshot(page, '55-reset-link-expired');
    await page.getByRole('button', { name: 'Ask for a new link' }).click();
    await page.getByLabel('Email').fill(dee.email);
    await page.getByRole('button', { name: 'Send link' }).click();
    await page.getByText(RESET_SENT).waitFor();

    // (A second link within the minute is not sent, and the answer says the same.) The page without a link asks for it.
    await page.goto('/reset-password');
    await page.getByRole('heading', { level: 1, name: 'Open the link from the email' }).waitFor();
    await expectAccessible(page, 'reset page without a link');
  });

  it('lists where you are signed in; signs out one session, everywhere else (after a confirm), forgets a browser, and signing out this one goes to login', async () => {
    const { workspaceId } = await suite.server.tenant('Sessions Super App', 'Sessions Workspace');
    const eli = await suite.server.account(workspaceId, 'eli@example.com', 'Eli Wiesel');
    const first = await apiSession(suite.server, eli.email);
    const { page } = await open();
    await submitPassword(page, eli.email);
    await expectSignedIn(page, 'Eli');
    await openAccountSettings(page);
    const card = signedInCard(page);
    const sessionRows = card.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
    await expect.poll(() => sessionRows.count()).toBe(2);
    const mine = sessionRows.filter({ hasText: 'This browser' });
    expect(await mine.count()).toBe(1);
    const text = await mine.innerText();
    expect(text).toContain('Chrome on Linux');
    expect(text).toContain('Sessions Workspace workspace · 127.0.0.1');
    expect(text).toMatch(/Signed in \d+ \w+ \d{4} at \d\d:\d\d · Last active \d+ \w+ \d{4} at \d\d:\d\d/);
    const deviceRows = card.getByRole('list', { name: 'Browsers that signed in' }).getByRole('listitem');
    await expect.poll(() => deviceRows.count()).toBe(2);
    expect(await deviceRows.filter({ hasText: 'This browser' }).count()).toBe(1);
    await expectAccessible(page, 'settings, where you are signed in');
    await screenshot(page, '56-where-signed-in');

    // Sign out the other session.
    await sessionRows.filter({ hasNotText: 'This browser' }).getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => sessionRows.count()).toBe(1);
    expect(await sessionAlive(suite.server, first)).toBe(false);

    // Two more elsewhere, then "Sign out everywhere else" after a confirm.
    const second = await apiSession(suite.server, eli.email);
    const third = await apiSession(suite.server, eli.email);
    await page.reload();
    await page.getByRole('tab', { name: 'Account' }).waitFor();
    await expect.poll(() => sessionRows.count()).toBe(3);
    await card.getByRole('button', { name: 'Sign out everywhere else' }).click();
    const confirm = page.getByRole('dialog').filter({ hasText: 'Sign out everywhere else?' });
    await confirm.waitFor();
    await expectAccessible(page, 'sign out everywhere else, confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await sessionAlive(suite.server, second)).toBe(true);
    await card.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await confirm.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await page.getByText('2 other sessions were signed out.').waitFor();
    await expect.poll(() => sessionRows.count()).toBe(1);
    expect(await sessionAlive(suite.server, second)).toBe(false);
    expect(await sessionAlive(suite.server, third)).toBe(false);
    expect(await card.getByRole('button', { name: 'Sign out everywhere else' }).count()).toBe(0);

    // Forget the other browsers.
    await expect.poll(() => deviceRows.count()).toBeGreaterThanOrEqual(2);
    const others = await deviceRows.filter({ hasNotText: 'This browser' }).count();
    await deviceRows.filter({ hasNotText: 'This browser' }).first().getByRole('button', { name: 'Forget' }).click();
    await expect.poll(() => deviceRows.filter({ hasNotText: 'This browser' }).count()).toBe(others - 1);
    const devices = await suite.server.api('GET', '/api/v1/account/devices', { cookie: await apiSession(suite.server, eli.email) });
    expect(devices.body.devices).toHaveLength(others + 1);

    // Signing out this browser's own session: the login page.
    await mine.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.reload();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  });
});
