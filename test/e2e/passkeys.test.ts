import type { CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { showAccount } from '../../src/services/operator.js';
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
  useBrowserSuite,
} from '../support/browser.js';

/**
 * Passkeys and security keys in the console (issue 13), with Chromium's virtual
 * authenticator (DevTools protocol, CTAP2, internal, user verification): add one in
 * Settings, log out, log in with it, prove identity with it, remove it; a super app that
 * accepts passkeys only enrols one at login and offers no code.
 */

const NEW_PASSWORD = 'a brand new passphrase for autumn';
const LATER_PASSWORD = 'and another passphrase for winter';

/** A platform authenticator that says yes to every prompt, as a person touching it would. */
async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; credentials: () => Promise<unknown[]> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials };
}

async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await page.getByRole('button', { name: 'Log in' }).waitFor();
}

describeEachDialect('console: passkeys and security keys (%s)', (dialect) => {
  describe.skipIf(browserSkipReason)('in Chromium' + BROWSER_SKIP_SUFFIX, () => {
    const suite = useBrowserSuite(dialect);

    it('adds a passkey in Settings (2FA on, recovery codes once), logs in with it, renames it, and deactivates with it', async () => {
      const { workspaceId } = await suite.server.tenant('Acme Super App', 'Acme Mini Programs');
      const ada = await suite.server.account(workspaceId, 'ada@example.com', 'Ada Lovelace', 'admin');
      const { page } = await suite.open('localhost');
      const authenticator = await addVirtualAuthenticator(page);

      await submitPassword(page, ada.email);
      await expectSignedIn(page, 'Ada');
      let card = await openAccountSettings(page);
      await card.getByText('Not activated').waitFor();
      await card.getByRole('button', { name: 'Add a passkey or security key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a passkey or security key' });
      // A default name from the browser, which the owner may change.
      await expect.poll(() => dialog.getByLabel('Name').inputValue()).toBe('Chrome on Linux');
      await dialog.getByLabel('Name').fill('Work laptop');
      await expectAccessible(page, 'add a passkey');
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();

      // The first second factor: 2FA is on, and the recovery codes are shown once.
      const codesDialog = page.getByRole('dialog', { name: 'Save your recovery codes' });
      await codesDialog.getByText('Two-factor authentication is on').waitFor();
      const codes = await codesDialog.locator('.recovery-codes li, .recovery-codes code').allInnerTexts();
      expect(codes.length).toBeGreaterThanOrEqual(10);
      await screenshot(page, 'passkey-recovery-codes');
      await codesDialog.getByRole('checkbox').check();
      await codesDialog.getByRole('button', { name: 'Done' }).click();
      await card.getByText('Activated').waitFor();
      await card.getByText('1 passkey or security key').waitFor();
      const item = card.locator('.passkeys .ant-list-item');
      await item.getByText('Work laptop').waitFor();
      await item.getByText(/not used yet/).waitFor();
      expect(await authenticator.credentials()).toHaveLength(1);
      expect((await showAccount(suite.server.deps, ada.email)).twoFactorActive).toBe(true);
      await expectAccessible(page, 'settings with a passkey');
      await screenshot(page, 'settings-passkey');

      // Log out, then log in: the passkey is the method offered first.
      await logOut(page);
      await submitPassword(page, ada.email);
      await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
      await page.getByText('Passkey or security key', { exact: true }).waitFor();
      await expectAccessible(page, 'passkey sign-in step');
      await screenshot(page, 'login-passkey-step');
      await page.getByRole('button', { name: 'Use passkey or security key' }).click();
      await expectSignedIn(page, 'Ada');

      // The list says when it was last used; a rename sticks.
      card = await openAccountSettings(page);
      await card
        .locator('.passkeys .ant-list-item')
        .getByText(/last used/)
        .waitFor();
      await card.getByRole('button', { name: 'Rename Work laptop' }).click();
      const rename = page.getByRole('dialog', { name: 'Rename passkey' });
      await rename.getByLabel('Name').fill('Ada’s laptop');
      await rename.getByRole('button', { name: 'Save' }).click();
      await card.locator('.passkeys').getByText('Ada’s laptop').waitFor();

      // The same authenticator cannot be added twice (the server excludes the account's credentials).
      await card.getByRole('button', { name: 'Add a passkey or security key' }).click();
      const again = page.getByRole('dialog', { name: 'Add a passkey or security key' });
      await again.getByRole('button', { name: 'Add', exact: true }).click();
      await again.getByRole('alert').getByText('This passkey or security key is already added to your account.').waitFor();
      await again.getByRole('button', { name: 'Cancel' }).click();
      expect(await authenticator.credentials()).toHaveLength(1);

      // The last second factor is not removed one by one: that is a deactivation.
      await card.getByRole('button', { name: 'Remove Ada’s laptop' }).click();
      const lastFactor = page.getByRole('dialog', { name: 'This is your last second factor' });
      await lastFactor.getByText('deactivate two-factor authentication').waitFor();
      await lastFactor.getByRole('button', { name: 'OK' }).click();

      // Deactivation with the password and the passkey.
      await card.getByRole('button', { name: 'Deactivate' }).click();
      const deactivate = page.getByRole('dialog', { name: 'Deactivate two-factor authentication' });
      await deactivate.getByLabel('Password').fill(PASSWORD);
      // The account's own factor comes first; no authenticator app is offered to an account without one.
      await expect
        .poll(() => deactivate.getByRole('radio').evaluateAll((radios) => radios.map((r) => r.closest('label')?.textContent)))
        .toEqual(['Passkey or security key', 'Email verification code', 'Recovery code']);
      await expectAccessible(page, 'deactivate with a passkey');
      await deactivate.getByRole('button', { name: 'Deactivate' }).click();
      await card.getByText('Not activated').waitFor();
      expect((await showAccount(suite.server.deps, ada.email)).twoFactorActive).toBe(false);
    });

    it('keeps the passkeys when only the authenticator app is removed; renews recovery codes with a passkey', async () => {
      const { workspaceId } = await suite.server.tenant('Beta Super App', 'Beta Mini Programs');
      const bob = await suite.server.account(workspaceId, 'bob@example.com', 'Bob Stone', 'admin');
      const { secret } = await suite.server.activateTotp(bob.email);
      const { page } = await suite.open('localhost');
      await addVirtualAuthenticator(page);

      await submitPassword(page, bob.email);
      await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
      const first = page.locator('.code-input input').first();
      await first.click();
      await page.keyboard.type(totp(secret, 30));
      await expectSignedIn(page, 'Bob');
      const card = await openAccountSettings(page);
      await card.getByText('Authenticator app', { exact: true }).waitFor();
      await card.getByRole('button', { name: 'Add a passkey or security key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a passkey or security key' });
      await dialog.getByLabel('Name').fill('Phone');
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      // Not the first factor: no recovery codes, a short confirmation.
      await page.getByText('"Phone" was added.').waitFor();
      await card.getByText('Authenticator app · 1 passkey or security key').waitFor();

      // With the authenticator app left, a passkey can be removed on its own.
      await card.getByRole('button', { name: 'Remove Phone' }).click();
      await page.getByRole('dialog', { name: 'Remove "Phone"?' }).getByRole('button', { name: 'Remove' }).click();
      await page.getByText('"Phone" was removed.').waitFor();
      await card.getByText('Authenticator app', { exact: true }).waitFor();
      expect(await card.locator('.passkeys .ant-list-item').count()).toBe(0);
      await card.getByRole('button', { name: 'Add a passkey or security key' }).click();
      await dialog.getByLabel('Name').fill('Phone');
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      await card.getByText('Authenticator app · 1 passkey or security key').waitFor();

      await card.getByRole('button', { name: 'Remove authenticator app' }).click();
      await page.getByRole('dialog', { name: 'Remove the authenticator app?' }).getByRole('button', { name: 'Remove' }).click();
      await page.getByText('The authenticator app was removed.').waitFor();
      await card.getByText('1 passkey or security key', { exact: true }).waitFor();
      // 2FA stays on with the passkey; the authenticator can be added again.
      await card.getByText('Activated').waitFor();
      await card.getByRole('button', { name: 'Add authenticator app' }).waitFor();

      // New recovery codes with the password and the passkey (no authenticator any more).
      await card.getByRole('button', { name: 'Regenerate recovery codes' }).click();
      const regenerate = page.getByRole('dialog', { name: 'Regenerate recovery codes' });
      await regenerate.getByLabel('Password').fill(PASSWORD);
      await regenerate.getByText('asks your browser for one of your passkeys').waitFor();
      await regenerate.getByRole('button', { name: 'Generate new codes' }).click();
      await page.getByRole('dialog', { name: 'Your new recovery codes' }).waitFor();
      await expectAccessible(page, 'new recovery codes after a passkey');
    });

    it('a super app that accepts passkeys only offers no code to an account with an authenticator, enrols a passkey at login, then signs in with it', async () => {
      const { superAppId, workspaceId } = await suite.server.tenant('Gamma Super App', 'Gamma Mini Programs');
      const cy = await suite.server.account(workspaceId, 'cy@example.com', 'Cy Young', 'developer');
      const { secret } = await suite.server.activateTotp(cy.email);
      await suite.server.setPolicy(superAppId, { required: true, primaryMethod: 'webauthn', secondaryMethod: null, phishingResistantOnly: true });
      const { page } = await suite.open('localhost');
      const authenticator = await addVirtualAuthenticator(page);

      await submitPassword(page, cy.email);
      await page.getByRole('heading', { level: 1, name: 'Add a passkey or security key' }).waitFor();
      await page.getByText('Gamma Super App asks for a passkey or security key.').waitFor();
      // Cy has an authenticator app, but its codes (and recovery codes) do not count here, so none is asked for.
      expect(await page.getByRole('button', { name: 'Use another method' }).count()).toBe(0);
      expect(await page.locator('.code-input').count()).toBe(0);
      expect(secret).toBeTruthy();
      await expectAccessible(page, 'passkey enrolment at login');
      await screenshot(page, 'login-passkey-enrolment');
      await page.getByLabel('Name').fill('Cy’s key');
      await page.getByRole('button', { name: 'Add passkey or security key' }).click();
      // Not the account's first factor (it has an authenticator): no recovery codes, straight in.
      await expectSignedIn(page, 'Cy');
      expect(await authenticator.credentials()).toHaveLength(1);

      await logOut(page);
      await submitPassword(page, cy.email);
      await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
      expect(await page.getByRole('button', { name: 'Use another method' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Use passkey or security key' }).click();
      await expectSignedIn(page, 'Cy');
    });

    it('a passkey-only account changes its password with the passkey, and resets it with the passkey from the emailed link', async () => {
      const { workspaceId } = await suite.server.tenant('Epsilon Super App', 'Epsilon Mini Programs');
      const eve = await suite.server.account(workspaceId, 'eve@example.com', 'Eve Moneypenny', 'developer');
      const { page } = await suite.open('localhost');
      await addVirtualAuthenticator(page);
      await submitPassword(page, eve.email);
      await expectSignedIn(page, 'Eve');
      const card = await openAccountSettings(page);
      await card.getByRole('button', { name: 'Add a passkey or security key' }).click();
      await page.getByRole('dialog', { name: 'Add a passkey or security key' }).getByRole('button', { name: 'Add', exact: true }).click();
      const codesDialog = page.getByRole('dialog', { name: 'Save your recovery codes' });
      await codesDialog.getByRole('checkbox').check();
      await codesDialog.getByRole('button', { name: 'Done' }).click();

      // Settings → Password: no authenticator code is asked of an account without an authenticator.
      const password = page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Password', exact: true }) });
      await password.getByText('Your browser asks for one of your passkeys or security keys when you submit.').waitFor();
      expect(await password.locator('.code-input').count()).toBe(0);
      await password.getByLabel('Current password').fill(PASSWORD);
      await password.getByLabel('New password').fill(NEW_PASSWORD);
      await expectAccessible(page, 'password change with a passkey');
      await password.getByRole('button', { name: 'Change password' }).click();
      await password.getByText('Password changed. Other browsers and devices were signed out.').waitFor();
      await logOut(page);

      // Forgot password: the link's page asks for the passkey (or a recovery code), not an authenticator code.
      expect((await suite.server.api('POST', '/api/v1/auth/password-reset', { body: { email: eve.email } })).status).toBe(202);
      const token = await resetToken(suite.server, eve.email, 1);
      await page.goto(`/reset-password#${token}`);
      await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
      await page.getByText('confirm it is you with one of your passkeys or security keys').waitFor();
      expect(await page.locator('.code-input').count()).toBe(0);
      await page.getByRole('switch', { name: 'Use a recovery code instead' }).waitFor();
      await page.getByLabel('New password').fill(LATER_PASSWORD);
      await expectAccessible(page, 'reset page with a passkey');
      await page.getByRole('button', { name: 'Reset password' }).click();
      await page.getByText('Password reset. Sign in with your new password.').waitFor();
      await page.goto('/');
      await submitPassword(page, eve.email, LATER_PASSWORD);
      await page.getByRole('button', { name: 'Use passkey or security key' }).click();
      await expectSignedIn(page, 'Eve');
    });

    it('steps up with a passkey into a super app that accepts passkeys only, after a sign-in with an authenticator code', async () => {
      const home = await suite.server.tenant('Home Super App', 'Home Mini Programs');
      const guarded = await suite.server.tenant('Guarded Super App', 'Guarded Mini Programs', {
        required: true,
        primaryMethod: 'webauthn',
        secondaryMethod: null,
        phishingResistantOnly: true,
      });
      const fay = await suite.server.account(home.workspaceId, 'fay@example.com', 'Fay Wray', 'admin');
      await suite.server.makeSuperAppAdmin(guarded.superAppId, fay.email);
      const { secret } = await suite.server.activateTotp(fay.email);
      const { page } = await suite.open('localhost');
      await addVirtualAuthenticator(page);
      await submitPassword(page, fay.email);
      await page.locator('.code-input input').first().click();
      await page.keyboard.type(totp(secret, 30));
      await expectSignedIn(page, 'Fay');
      const card = await openAccountSettings(page);
      await card.getByRole('button', { name: 'Add a passkey or security key' }).click();
      await page.getByRole('dialog', { name: 'Add a passkey or security key' }).getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByText(/was added\./).waitFor();

      // This session passed an authenticator code, which the guarded super app does not count.
      await page.goto('/settings/tenant');
      const tenant = page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Two-Factor Authentication · Guarded Super App' }) });
      await tenant.getByRole('button', { name: 'Verify' }).click();
      const dialog = page.getByRole('dialog', { name: 'Verify to manage Guarded Super App' });
      expect(await dialog.locator('.code-input').count()).toBe(0);
      expect(await dialog.getByRole('button', { name: 'Use another method' }).count()).toBe(0);
      await expectAccessible(page, 'step-up with a passkey');
      await dialog.getByRole('button', { name: 'Use passkey or security key' }).click();
      await tenant.getByText('Primary method').waitFor();
    });

    it('says so when the browser finds no passkey of the account, and the sign-in goes on with another method', async () => {
      const { workspaceId } = await suite.server.tenant('Delta Super App', 'Delta Mini Programs');
      const dee = await suite.server.account(workspaceId, 'dee@example.com', 'Dee Dee', 'developer');
      const { page } = await suite.open('localhost');
      const { cdp } = await addVirtualAuthenticator(page);
      await submitPassword(page, dee.email);
      await expectSignedIn(page, 'Dee');
      const card = await openAccountSettings(page);
      await card.getByRole('button', { name: 'Add a passkey or security key' }).click();
      await page.getByRole('dialog', { name: 'Add a passkey or security key' }).getByRole('button', { name: 'Add', exact: true }).click();
      const codesDialog = page.getByRole('dialog', { name: 'Save your recovery codes' });
      const recoveryCode = (await codesDialog.locator('.recovery-codes li, .recovery-codes code').first().innerText()).trim();
      await codesDialog.getByRole('checkbox').check();
      await codesDialog.getByRole('button', { name: 'Done' }).click();
      await logOut(page);

      // The passkey is gone from this browser (another computer, a wiped phone): a fresh authenticator without it.
      await cdp.send('WebAuthn.disable');
      await addVirtualAuthenticator(page);
      await submitPassword(page, dee.email);
      await page.getByRole('button', { name: 'Use passkey or security key' }).click();
      await page
        .getByRole('alert')
        .getByText(/found no passkey of this account/)
        .waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Use another method' }).click();
      await page.getByRole('button', { name: 'Recovery code' }).click();
      await page.getByLabel(/Recovery code/).fill(recoveryCode);
      await page.keyboard.press('Enter');
      await expectSignedIn(page, 'Dee');
    });
  });
});
