import { describe, expect, it } from 'vitest';
import {
  BROWSER_SKIP_SUFFIX,
  browserSkipReason,
  expectAccessible,
  expectSignedIn,
  openAccountSettings,
  PASSWORD,
  screenshot,
  submitPassword,
  totp,
  typeCode,
  useBrowserSuite,
  wrongTotp,
  type E2eServer,
} from '../support/browser.js';

const ALREADY_USED = 'This code was already used; wait for the next one.';
const isPath = (path: string) => (r: { url(): string }) => new URL(r.url()).pathname === path;
const isVerify = (r: { url(): string }) => /\/api\/v1\/auth\/challenges\/[^/]+\/verify$/.test(new URL(r.url()).pathname);

/** Signs in through the API with the authenticator code `code` (the account's last used step is then that code's). */
async function signInWithCode(server: E2eServer, email: string, code: string): Promise<string> {
  const login = await server.api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
  expect(login.body.status).toBe('second_factor_required');
  const verified = await server.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'totp', code } });
  expect(verified.status).toBe(200);
  return verified.sessionCookie!;
}

/** The verifier's hints (issue 13) as the console shows them in each flow that takes an authenticator code. */
describe.skipIf(browserSkipReason)("console: the verifier's hints in every flow" + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it('at the login code step, a code used already says to wait for the next one, then a recovery code signs in', async () => {
    const { workspaceId } = await suite.server.tenant('Replay Super App', 'Replay Workspace');
    const ivy = await suite.server.account(workspaceId, 'ivy@example.com', 'Ivy Chen');
    const { secret, recoveryCodes } = await suite.server.activateTotp(ivy.email);
    // The code of the next step signs in once through the API; typed again it is a replay.
    const used = totp(secret, 30);
    await signInWithCode(suite.server, ivy.email, used);
    const { page } = await open();

    await submitPassword(page, ivy.email);
    const refused = page.waitForResponse(isVerify);
    await typeCode(page, used);
    const answer = await refused;
    expect(answer.status()).toBe(401);
    expect((await answer.json()).codeAlreadyUsed).toBe(true);
    const alert = page.locator('.second-factor .ant-alert-error');
    await alert.waitFor();
    expect(await alert.innerText()).toContain(ALREADY_USED);
    await expectAccessible(page, 'login code step, code already used');
    await screenshot(page, '40-login-code-already-used');

    // The next code may be up to 30 s away: a recovery code signs in meanwhile.
    await page.getByRole('button', { name: 'Use another method' }).click();
    await page.getByRole('button', { name: 'Recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expectSignedIn(page, 'Ivy');
  });

  it("at the login code step, a code from 5 minutes behind says the phone's clock seems 5 minutes behind", async () => {
    const { workspaceId } = await suite.server.tenant('Behind Super App', 'Behind Workspace');
    const jon = await suite.server.account(workspaceId, 'jon@example.com', 'Jon Snow');
    const { secret } = await suite.server.activateTotp(jon.email);
    const { page } = await open();

    await submitPassword(page, jon.email);
    const refused = page.waitForResponse(isVerify);
    await typeCode(page, totp(secret, -5 * 60));
    const answer = await refused;
    expect(answer.status()).toBe(401);
    expect((await answer.json()).clockDriftSeconds).toBeLessThanOrEqual(-270);
    const alert = page.locator('.second-factor .ant-alert-error');
    await alert.waitFor();
    // The server's clock is real here: when a step begins between the code and its check, the code is 11 steps old (5.5 minutes, said as 6).
    expect(await alert.innerText()).toMatch(/Your phone's clock seems about [56] minutes behind; turn on automatic date and time on your phone\./);
    await expectAccessible(page, 'login code step, clock behind');
  });

  it('during enrolment at login, a code from 3 minutes ahead gets the clock hint, then the right code enrols', async () => {
    const { workspaceId } = await suite.server.tenant('Enrol Super App', 'Enrol Workspace', { required: true, primaryMethod: 'totp', secondaryMethod: null });
    const kim = await suite.server.account(workspaceId, 'kim@example.com', 'Kim Park', 'developer');
    const { page } = await open();

    const enrollment = page.waitForResponse((r) => /\/api\/v1\/auth\/challenges\/[^/]+\/enrollment$/.test(new URL(r.url()).pathname));
    await submitPassword(page, kim.email);
    const { secret } = (await (await enrollment).json()) as { secret: string };
    const refused = page.waitForResponse(isVerify);
    await typeCode(page, totp(secret, 3 * 60));
    const answer = await refused;
    expect(answer.status()).toBe(401);
    expect((await answer.json()).clockDriftSeconds).toBeGreaterThanOrEqual(150);
    await page.getByText("Your phone's clock seems about 3 minutes ahead; turn on automatic date and time on your phone.").waitFor();
    await expectAccessible(page, 'enrolment at login, clock ahead');

    await typeCode(page, totp(secret));
    await page.getByRole('heading', { name: 'Two-factor authentication is on' }).waitFor();
  });

  it('Deactivate and Regenerate recovery codes say a code used already was used, and keep 2FA as it was', async () => {
    const { workspaceId } = await suite.server.tenant('Used Super App', 'Used Workspace');
    const lea = await suite.server.account(workspaceId, 'lea@example.com', 'Lea Roux');
    const { secret } = await suite.server.activateTotp(lea.email);
    const used = totp(secret, 30);
    const { page } = await open();
    await submitPassword(page, lea.email);
    await typeCode(page, used);
    await expectSignedIn(page, 'Lea');
    const card = await openAccountSettings(page);

    await card.getByRole('button', { name: 'Regenerate recovery codes' }).click();
    const regenerate = page.getByRole('dialog', { name: 'Regenerate recovery codes' });
    await regenerate.getByLabel('Password').fill(PASSWORD);
    await typeCode(regenerate, used);
    const refusedRegeneration = page.waitForResponse(isPath('/api/v1/account/two-factor/recovery-codes'));
    await regenerate.getByRole('button', { name: 'Generate new codes' }).click();
    const regenerationAnswer = await refusedRegeneration;
    expect(regenerationAnswer.status()).toBe(401);
    expect((await regenerationAnswer.json()).codeAlreadyUsed).toBe(true);
    await regenerate.getByText(ALREADY_USED).waitFor();
    await expectAccessible(page, 'regenerate dialog, code already used');
    await regenerate.getByRole('button', { name: 'Cancel' }).click();
    await regenerate.waitFor({ state: 'hidden' });

    await card.getByRole('button', { name: 'Deactivate' }).click();
    const deactivate = page.getByRole('dialog', { name: 'Deactivate two-factor authentication' });
    await deactivate.getByLabel('Password').fill(PASSWORD);
    await typeCode(deactivate, used);
    const refusedDeactivation = page.waitForResponse(isPath('/api/v1/account/two-factor/deactivation'));
    await deactivate.getByRole('button', { name: 'Deactivate' }).click();
    const deactivationAnswer = await refusedDeactivation;
    expect(deactivationAnswer.status()).toBe(401);
    expect((await deactivationAnswer.json()).codeAlreadyUsed).toBe(true);
    await deactivate.getByText(ALREADY_USED).waitFor();
    await expectAccessible(page, 'deactivate dialog, code already used');
    await screenshot(page, '41-deactivate-code-already-used');
    await card.getByText('Activated', { exact: true }).waitFor();
  });

  it("changing the password with a code from 4 minutes ahead says the phone's clock seems 4 minutes ahead", async () => {
    const { workspaceId } = await suite.server.tenant('Ahead Super App', 'Ahead Workspace');
    const ned = await suite.server.account(workspaceId, 'ned@example.com', 'Ned Kelly');
    const { secret } = await suite.server.activateTotp(ned.email);
    const { page } = await open();
    await submitPassword(page, ned.email);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Ned');
    await openAccountSettings(page);
    const card = page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Password', exact: true }) });
    await card.getByText('Authenticator app code (6 digits)').waitFor();
    await card.getByLabel('Current password').fill(PASSWORD);
    await card.getByLabel('New password').fill('a brand new passphrase for spring');
    await typeCode(card, totp(secret, 4 * 60));
    const refused = page.waitForResponse(isPath('/api/v1/account/password'));
    await card.getByRole('button', { name: 'Change password' }).click();
    const answer = await refused;
    expect(answer.status()).toBe(401);
    expect((await answer.json()).clockDriftSeconds).toBeGreaterThanOrEqual(210);
    await card.getByText("Your phone's clock seems about 4 minutes ahead; turn on automatic date and time on your phone.", { exact: false }).waitFor();
    await expectAccessible(page, 'password card, clock ahead');
  });

  it('resetting the password with the code used already says to wait for the next one', async () => {
    const { workspaceId } = await suite.server.tenant('Reset Replay Super App', 'Reset Replay Workspace');
    const ola = await suite.server.account(workspaceId, 'ola@example.com', 'Ola Nordmann');
    const { secret } = await suite.server.activateTotp(ola.email);
    const used = totp(secret, 30);
    await signInWithCode(suite.server, ola.email, used);
    expect((await suite.server.api('POST', '/api/v1/auth/password-reset', { body: { email: ola.email } })).status).toBe(202);
    const resetMails = () => suite.server.smtp.to(ola.email).filter((mail) => mail.subject === 'Mini Program Platform: reset your password');
    await expect.poll(() => resetMails().length, { timeout: 10_000 }).toBe(1);
    const token = resetMails()[0]!.text.match(/\/reset-password#([A-Za-z0-9_-]+)/)![1]!;
    const { page } = await open();

    await page.goto(`/reset-password#${token}`);
    await page.getByLabel('New password').fill('a brand new passphrase for spring');
    await typeCode(page, used);
    const refused = page.waitForResponse((r) => r.request().method() === 'POST' && isPath(`/api/v1/auth/password-reset/${token}`)(r));
    await page.getByRole('button', { name: 'Reset password' }).click();
    const answer = await refused;
    expect(answer.status()).toBe(401);
    expect((await answer.json()).codeAlreadyUsed).toBe(true);
    await page.getByRole('alert').filter({ hasText: ALREADY_USED }).waitFor();
    await expectAccessible(page, 'reset page, code already used');
  });

  it('Activate in Settings locks with a countdown once wrong codes reach the lockout (429), like the other steps', async () => {
    const { workspaceId } = await suite.server.tenant('Lock Super App', 'Lock Workspace');
    const max = await suite.server.account(workspaceId, 'mo@example.com', 'Mo Farah');
    const { page } = await open();
    await submitPassword(page, max.email);
    await expectSignedIn(page, 'Mo');
    const card = await openAccountSettings(page);
    const activation = page.waitForResponse((r) => r.request().method() === 'POST' && isPath('/api/v1/account/two-factor/activation')(r));
    await card.getByRole('button', { name: 'Activate', exact: true }).click();
    const { secret } = (await (await activation).json()) as { secret: string };
    const dialog = page.getByRole('dialog', { name: 'Activate two-factor authentication' });

    let status = 0;
    for (let attempt = 0; attempt < 12 && status !== 429; attempt += 1) {
      const answer = page.waitForResponse(isPath('/api/v1/account/two-factor/activation/verify'));
      await typeCode(dialog, wrongTotp(secret));
      status = (await answer).status();
      if (status !== 429) await expect.poll(() => dialog.locator('.code-input input').first().inputValue()).toBe('');
    }
    expect(status).toBe(429);
    const alert = dialog.getByText(/^Too many attempts\. Try again in \d/);
    await alert.waitFor();
    expect(await dialog.locator('.code-input input').first().isDisabled()).toBe(true);
    await expectAccessible(page, 'Activate dialog, locked');
    await screenshot(page, '42-activation-locked');
  });
});
