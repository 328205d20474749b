import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { showAccount } from '../../src/services/operator.js';
import {
  BROWSER_SKIP_SUFFIX,
  browserSkipReason,
  decodeQr,
  expectAccessible,
  expectSignedIn,
  openAccountSettings,
  PASSWORD,
  saveResult,
  screenshot,
  submitPassword,
  totp,
  typeCode,
  useBrowserSuite,
} from '../support/browser.js';

/** Settings → Account → "Two-Factor Authentication" in a real browser (seed: "Activate 2FA", "Deactivate 2FA"). */
describe.skipIf(browserSkipReason)("console: the account's own two-factor authentication" + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it('activates with the QR code and key, logs in with a TOTP code, deactivates with a recovery code (the seed flow)', async () => {
    const { workspaceId } = await suite.server.tenant('Acme Super App', 'Acme Mini Programs');
    const ada = await suite.server.account(workspaceId, 'ada@example.com', 'Ada Lovelace', 'admin');
    const { page } = await open();

    // The login page, and how soon it can be used: navigation start → "Log in" enabled and visible.
    await page.goto('/', { waitUntil: 'commit' });
    const interactive = await page.waitForFunction(
      () => {
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Log in');
        if (!button || button.disabled) return false;
        const box = button.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && getComputedStyle(button).visibility === 'visible' ? performance.now() : false;
      },
      undefined,
      { polling: 'raf', timeout: 10_000 },
    );
    const tti = Math.round((await interactive.jsonValue()) as number);
    console.log(`login page interactive in ${tti} ms`);
    await expect.poll(() => page.title()).toBe('Log in · Mini Program Platform');
    await expectAccessible(page, 'login page');
    await screenshot(page, '01-login', 'login');

    await submitPassword(page, ada.email);
    await expectSignedIn(page, 'Ada');
    await expectAccessible(page, 'overview');
    await screenshot(page, '02-overview');

    // "Click the Settings icon in the bottom-left corner … On the Account tab …"
    const settingsIcon = page.getByRole('button', { name: 'Settings', exact: true });
    const iconBox = (await settingsIcon.boundingBox())!;
    expect(iconBox.x).toBeLessThan(200);
    expect(iconBox.y).toBeGreaterThan(800 - 150);
    const card = await openAccountSettings(page);
    await card.getByText('Not activated').waitFor();
    expect(await page.getByRole('tab', { name: 'Tenant' }).count()).toBe(0);
    await expectAccessible(page, 'settings, account tab');
    await screenshot(page, '03-settings-account');

    // "… click Activate in the Two-Factor Authentication area."
    const activation = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/account/two-factor/activation');
    await card.getByRole('button', { name: 'Activate', exact: true }).click();
    const activationResponse = await activation;
    expect(activationResponse.status()).toBe(201);
    const pending = (await activationResponse.json()) as { secret: string; otpauthUri: string; expiresAt: string };
    expect(pending.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(pending.otpauthUri).searchParams.get('secret')).toBe(pending.secret);
    expect(new URL(pending.otpauthUri).searchParams.get('issuer')).toBe('Mini Program Platform');

    const dialog = page.getByRole('dialog', { name: 'Activate two-factor authentication' });
    await dialog.waitFor();
    // The QR code on screen holds exactly the key URI the API returned.
    const qr = dialog.getByTestId('totp-qr');
    await qr.locator('canvas').waitFor();
    expect(decodeQr(await screenshot(qr, '04-activate-qr'))).toBe(pending.otpauthUri);

    // "Hover over Can't scan the QR Code? to view a time-based key" (grouped by four).
    const key = dialog.getByTestId('totp-secret');
    expect(await key.isVisible()).toBe(false);
    await dialog.getByRole('button', { name: "Can't scan the QR code?" }).hover();
    await key.waitFor();
    const shown = (await key.innerText()).trim();
    expect(shown).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    expect(shown.replace(/\s+/g, '')).toBe(pending.secret);
    await expectAccessible(page, 'Activate dialog with the key revealed');
    await screenshot(page, '05-activate-dialog', 'activate-dialog');

    // "Enter the 6-digit verification code … and click Verify and Activate."
    const submitButton = dialog.getByRole('button', { name: 'Verify and Activate' });
    const code = totp(pending.secret);
    await typeCode(dialog, code.slice(0, 5));
    expect(await submitButton.isDisabled()).toBe(true);
    const verification = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/account/two-factor/activation/verify');
    // The sixth digit submits the form, as Verify and Activate does.
    await page.keyboard.type(code.slice(5));
    expect((await verification).status()).toBe(200);

    // One-time recovery codes: ten, with Copy and Download, and Done only after confirming.
    const codesDialog = page.getByRole('dialog', { name: 'Two-factor authentication is on' });
    const list = codesDialog.getByTestId('recovery-codes');
    await list.waitFor();
    const recoveryCodes = (await list.locator('li').allInnerTexts()).map((c) => c.trim());
    expect(recoveryCodes).toHaveLength(10);
    for (const recoveryCode of recoveryCodes) expect(recoveryCode).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/);
    expect(new Set(recoveryCodes).size).toBe(10);

    await expectAccessible(page, 'recovery codes');
    await screenshot(page, '06-recovery-codes', 'recovery-codes');

    await codesDialog.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Recovery codes copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(recoveryCodes.join('\n'));
    const download = page.waitForEvent('download');
    await codesDialog.getByRole('button', { name: 'Download' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('mini-program-platform-recovery-codes.txt');
    const text = readFileSync((await file.path())!, 'utf8');
    saveResult('05-recovery-codes.txt', text);
    expect(text).toContain(`Account: ${ada.email}`);
    for (const recoveryCode of recoveryCodes) expect(text).toContain(recoveryCode);

    const done = codesDialog.getByRole('button', { name: 'Done' });
    expect(await done.isDisabled()).toBe(true);
    await codesDialog.getByRole('checkbox', { name: 'I have saved my recovery codes' }).check();
    await done.click();
    await codesDialog.waitFor({ state: 'hidden' });

    // The area shows it activated.
    await card.getByText('Activated', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Deactivate' }).waitFor();
    expect(await card.getByText('Recovery codes remaining').locator('xpath=..').innerText()).toContain('10');
    expect((await showAccount(suite.server.deps, ada.email)).twoFactorActive).toBe(true);
    await expectAccessible(page, 'settings with 2FA active');
    await screenshot(page, '07-settings-activated');

    // Log out from the account menu, then log in with a code from the authenticator.
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect((await page.request.get('/api/v1/session')).status()).toBe(401); // the session is dead server-side
    await submitPassword(page, ada.email);
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
    await page.getByText('Your account has two-factor authentication turned on.').waitFor();
    await expectAccessible(page, 'login, authenticator code step');
    await screenshot(page, '08-login-totp');
    await typeCode(page, totp(pending.secret, 30)); // the current step was spent by the activation
    await expectSignedIn(page, 'Ada');

    // Deactivate: verify identity with the password and a recovery code.
    const cardAgain = await openAccountSettings(page);
    await cardAgain.getByText('Activated', { exact: true }).waitFor();
    await cardAgain.getByRole('button', { name: 'Deactivate' }).click();
    const deactivate = page.getByRole('dialog', { name: 'Deactivate two-factor authentication' });
    await deactivate.waitFor();
    await deactivate.getByLabel('Password', { exact: true }).fill(PASSWORD);
    // Ant Design draws the radio buttons as labels over invisible inputs: click the label, as a person does.
    await deactivate.getByRole('radio', { name: 'Recovery code' }).locator('xpath=ancestor::label').click();
    await expect.poll(() => deactivate.getByRole('radio', { name: 'Recovery code' }).isChecked()).toBe(true);
    await deactivate.getByRole('textbox', { name: 'Recovery code' }).fill(recoveryCodes[3]!);
    await expectAccessible(page, 'Deactivate dialog');
    await screenshot(page, '09-deactivate-dialog');
    const deactivation = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/account/two-factor/deactivation');
    await deactivate.getByRole('button', { name: 'Deactivate', exact: true }).click();
    expect((await deactivation).status()).toBe(200);
    await deactivate.waitFor({ state: 'hidden' });
    await cardAgain.getByText('Not activated').waitFor();
    await cardAgain.getByRole('button', { name: 'Activate', exact: true }).waitFor();
    expect((await showAccount(suite.server.deps, ada.email)).twoFactorActive).toBe(false);
    await screenshot(page, '10-settings-deactivated');

    // Activation and deactivation were both emailed to the account.
    const mail = await suite.server.smtp.waitForMail(ada.email, 2);
    expect(mail.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Two-factor authentication was turned on'),
        expect.stringContaining('Two-factor authentication was turned off'),
      ]),
    );
  }, 60_000);

  it('reveals the key on keyboard focus of "Can\'t scan the QR code?"', async () => {
    const { workspaceId } = await suite.server.tenant('Keyboard Super App', 'Keyboard Workspace');
    const kim = await suite.server.account(workspaceId, 'kim@example.com', 'Kim Park', 'admin');
    const { page } = await open();
    await submitPassword(page, kim.email);
    await expectSignedIn(page, 'Kim');
    const card = await openAccountSettings(page);
    const activation = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/account/two-factor/activation');
    await card.getByRole('button', { name: 'Activate', exact: true }).click();
    const { secret } = (await (await activation).json()) as { secret: string };
    const dialog = page.getByRole('dialog', { name: 'Activate two-factor authentication' });
    const trigger = dialog.getByRole('button', { name: "Can't scan the QR code?" });
    const key = dialog.getByTestId('totp-secret');
    await trigger.waitFor();
    expect(await key.isVisible()).toBe(false);

    // Tab (never the mouse) until the trigger has focus; the dialog traps focus, so this ends.
    let focused = false;
    for (let presses = 0; presses < 20 && !focused; presses += 1) {
      await page.keyboard.press('Tab');
      focused = await trigger.evaluate((element) => element === document.activeElement);
    }
    expect(focused, 'Tab reaches "Can\'t scan the QR code?"').toBe(true);
    await key.waitFor();
    expect((await key.innerText()).replace(/\s+/g, '')).toBe(secret);
    expect(await trigger.getAttribute('aria-expanded')).toBe('true');
    await expectAccessible(page, 'Activate dialog, key revealed by keyboard');
    await screenshot(page, '11-key-on-focus');

    // Tab moves on into the popover (its Copy button); the key stays shown meanwhile.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Copy key');
    expect(await key.isVisible()).toBe(true);
    // Tab past the popover hides it again.
    await page.keyboard.press('Tab');
    await key.waitFor({ state: 'hidden' });
  });

  it('closes the revealed key with Escape, from the trigger and from inside the popover, keeping the dialog open', async () => {
    const { workspaceId } = await suite.server.tenant('Escape Super App', 'Escape Workspace');
    const lee = await suite.server.account(workspaceId, 'lee@example.com', 'Lee Chan', 'admin');
    const { page } = await open();
    await submitPassword(page, lee.email);
    await expectSignedIn(page, 'Lee');
    const card = await openAccountSettings(page);
    await card.getByRole('button', { name: 'Activate', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Activate two-factor authentication' });
    const trigger = dialog.getByRole('button', { name: "Can't scan the QR code?" });
    const key = dialog.getByTestId('totp-secret');
    const triggerHasFocus = () => trigger.evaluate((element) => element === document.activeElement);

    // Escape on the trigger: the key hides (WCAG 1.4.13, dismissible), the dialog stays.
    await trigger.focus();
    await key.waitFor();
    await page.keyboard.press('Escape');
    await key.waitFor({ state: 'hidden' });
    expect(await triggerHasFocus()).toBe(true);
    expect(await dialog.isVisible()).toBe(true);

    // Shown on hover, Escape dismisses it too while the pointer stays on the trigger
    // (WCAG 1.4.13: dismissible without moving the pointer); it stays hidden until the
    // pointer leaves and comes back.
    for (const target of [trigger, key]) {
      await trigger.hover();
      await key.waitFor();
      await target.hover();
      const box = (await target.boundingBox())!;
      await page.keyboard.press('Escape');
      await key.waitFor({ state: 'hidden', timeout: 2_000 });
      for (let dx = 2; dx <= 10; dx += 2) await page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2);
      await page.waitForTimeout(400);
      expect(await key.isVisible(), 'the pointer stayed put: the key stays dismissed').toBe(false);
      await page.mouse.move(0, 0);
    }
    await page.mouse.move(0, 0);
    await trigger.hover();
    await key.waitFor();

    // Escape on the popover's Copy button: the key hides and focus goes back to the trigger.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    await key.waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Copy key');
    await page.keyboard.press('Escape');
    expect(await triggerHasFocus()).toBe(true);
    await key.waitFor({ state: 'hidden', timeout: 2_000 });
    expect(await trigger.getAttribute('aria-expanded')).toBe('false');
    expect(await dialog.isVisible()).toBe(true);

    // Enter on the trigger shows the key again.
    await page.keyboard.press('Enter');
    await key.waitFor();
    expect(await trigger.getAttribute('aria-expanded')).toBe('true');
  });

  it('names the super app that forbids deactivation and disables Deactivate', async () => {
    const { superAppId, workspaceId } = await suite.server.tenant('Strict Super App', 'Strict Workspace');
    const dan = await suite.server.account(workspaceId, 'dan@example.com', 'Dan Brown', 'admin');
    const { secret } = await suite.server.activateTotp(dan.email);
    await suite.server.setPolicy(superAppId, { allowDeactivation: false });
    const { page } = await open();

    await submitPassword(page, dan.email);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Dan');
    const card = await openAccountSettings(page);
    await card.getByText('Activated', { exact: true }).waitFor();
    expect(await card.getByRole('button', { name: 'Deactivate' }).isDisabled()).toBe(true);
    await card.getByText('Deactivation is not allowed by Strict Super App.').waitFor();
    await card.getByText('Strict Super App does not require two-factor authentication, but does not allow deactivating it.').waitFor();
    await expectAccessible(page, 'settings, deactivation forbidden');
    await screenshot(page, '12-deactivation-forbidden');
  });

  it("says the phone's clock seems 5 minutes ahead for a code from 5 minutes in the future, then accepts the right code", async () => {
    const { workspaceId } = await suite.server.tenant('Drift Super App', 'Drift Workspace');
    const eve = await suite.server.account(workspaceId, 'eve@example.com', 'Eve Adams', 'admin');
    const { page } = await open();
    await submitPassword(page, eve.email);
    await expectSignedIn(page, 'Eve');
    const card = await openAccountSettings(page);
    const activation = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/account/two-factor/activation');
    await card.getByRole('button', { name: 'Activate', exact: true }).click();
    const { secret } = (await (await activation).json()) as { secret: string };
    const dialog = page.getByRole('dialog', { name: 'Activate two-factor authentication' });

    const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/account/two-factor/activation/verify');
    await typeCode(dialog, totp(secret, 5 * 60));
    const answer = await refused;
    expect(answer.status()).toBe(401);
    expect((await answer.json()).clockDriftSeconds).toBeGreaterThanOrEqual(270);
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain("Your phone's clock seems about 5 minutes ahead; turn on automatic date and time on your phone.");
    expect(await dialog.locator('.code-input input').first().inputValue()).toBe('');
    await expectAccessible(page, 'Activate dialog, clock drift hint');
    await screenshot(page, '13-clock-drift');
    expect((await showAccount(suite.server.deps, eve.email)).twoFactorActive).toBe(false);

    // The hinted code was not accepted; the right one still is.
    await typeCode(dialog, totp(secret));
    await page.getByRole('dialog', { name: 'Two-factor authentication is on' }).getByTestId('recovery-codes').waitFor();
    expect((await showAccount(suite.server.deps, eve.email)).twoFactorActive).toBe(true);
  });
});
