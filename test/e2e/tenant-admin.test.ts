import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { showAccount } from '../../src/services/operator.js';
import { getTwoFactorPolicy } from '../../src/services/super-app-policy.js';
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
} from '../support/browser.js';

/** The Ant Design select around a combobox (what a person clicks). */
const selectOf = (combobox: Locator) => combobox.locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]');

/** The shown value of an Ant Design select, found by its combobox. */
function selectedValue(combobox: Locator): Promise<string> {
  return selectOf(combobox).locator('.ant-select-selection-item').innerText();
}

/** The options of this select's open dropdown (the one holding the listbox the combobox controls). */
async function optionsOf(page: Page, combobox: Locator): Promise<Locator> {
  const listId = await combobox.getAttribute('aria-controls');
  return page
    .locator('.ant-select-dropdown')
    .filter({ has: page.locator(`[id="${listId}"]`) })
    .locator('.ant-select-item-option');
}

/** Opens an Ant Design select and picks the option labelled `label`. */
async function choose(page: Page, combobox: Locator, label: string): Promise<void> {
  await selectOf(combobox).click();
  await (await optionsOf(page, combobox)).filter({ hasText: label }).click();
  await expect.poll(() => selectedValue(combobox)).toBe(label);
}

/** The value next to `label` in a card's description list. */
function described(card: Locator, label: string): Promise<string> {
  return card
    .locator('.ant-descriptions-item-container')
    .filter({ has: card.page().getByText(label, { exact: true }) })
    .locator('.ant-descriptions-item-content')
    .innerText();
}

/** Super app admins in a real browser: the Tenant tab's policy and the Members page. */
describe.skipIf(browserSkipReason)('console: super app and workspace administration' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it("edits the super app's policy in the Tenant tab: required, methods, deactivation, with the email-code note", async () => {
    const { superAppId, workspaceId } = await suite.server.tenant('Nova Super App', 'Nova Mini Programs');
    const ivy = await suite.server.account(workspaceId, 'ivy@example.com', 'Ivy Stone', 'admin');
    await suite.server.makeSuperAppAdmin(superAppId, ivy.email);
    // Changing a policy needs the admin's own second factor.
    const { secret } = await suite.server.activateTotp(ivy.email);
    const { page } = await open();

    await submitPassword(page, ivy.email);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Ivy');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByText('Manage how you sign in and how members of Nova Super App sign in.').waitFor();
    await page.getByRole('tab', { name: 'Tenant' }).click();
    await page.waitForURL('**/settings/tenant');
    const card = page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Two-Factor Authentication' }) });
    await card.getByText('Members may deactivate').waitFor();
    expect(await described(card, 'Super app')).toBe('Nova Super App');
    expect(await described(card, 'Required')).toBe('No');
    expect(await described(card, 'Primary method')).toBe('Authenticator app');
    expect(await described(card, 'Secondary method')).toBe('None');
    expect(await described(card, 'Members may deactivate')).toBe('Yes');
    expect(await described(card, 'Remember a browser')).toBe('Up to 30 days');
    await expectAccessible(page, 'settings, tenant tab');
    await screenshot(page, '40-settings-tenant');

    await card.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit two-factor authentication · Nova Super App' });
    await dialog.waitFor();
    const required = dialog.getByRole('switch', { name: 'Require two-factor authentication' });
    const primary = dialog.getByRole('combobox', { name: 'Primary method' });
    const secondary = dialog.getByRole('combobox', { name: 'Secondary method' });
    const allowDeactivation = dialog.getByRole('switch', { name: 'Allow members to deactivate two-factor authentication' });
    expect(await required.getAttribute('aria-checked')).toBe('false');
    expect(await selectedValue(primary)).toBe('Authenticator app');
    expect(await selectedValue(secondary)).toBe('None');
    expect(await allowDeactivation.getAttribute('aria-checked')).toBe('true');
    await dialog.getByText('Email verification codes are a weaker second factor than an authenticator app').waitFor();
    await expectAccessible(page, 'policy Edit dialog');

    const rememberDays = dialog.getByRole('spinbutton', { name: 'Remember a browser for (days)' });
    expect(await rememberDays.inputValue()).toBe('30');

    // Require email codes with the authenticator as fallback; forbid deactivation.
    await required.click();
    expect(await required.getAttribute('aria-checked')).toBe('true');
    // Requiring 2FA starts by asking every time.
    expect(await rememberDays.inputValue()).toBe('0');
    await choose(page, primary, 'Email verification code');
    await selectOf(secondary).click();
    const options = await optionsOf(page, secondary);
    // The primary method cannot also be the fallback.
    expect(await options.filter({ hasText: 'Email verification code' }).getAttribute('class')).toContain('ant-select-item-option-disabled');
    await options.filter({ hasText: 'Authenticator app' }).click();
    await expect.poll(() => selectedValue(secondary)).toBe('Authenticator app');
    await allowDeactivation.click();
    expect(await allowDeactivation.getAttribute('aria-checked')).toBe('false');
    await expectAccessible(page, 'policy Edit dialog, changed');
    await screenshot(page, '41-policy-dialog', 'tenant-policy');

    const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname.endsWith('/two-factor-policy'));
    await dialog.getByRole('button', { name: 'Save' }).click();
    expect((await saved).status()).toBe(200);
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Two-factor policy of Nova Super App saved.').waitFor();
    await expect.poll(() => described(card, 'Required')).toBe('Yes');
    expect(await described(card, 'Primary method')).toBe('Email verification code');
    expect(await described(card, 'Secondary method')).toBe('Authenticator app');
    expect(await described(card, 'Members may deactivate')).toBe('No');
    expect(await described(card, 'Remember a browser')).toBe('Never (always ask)');
    expect(await getTwoFactorPolicy(suite.server.deps, superAppId)).toEqual({
      required: true,
      primaryMethod: 'email',
      secondaryMethod: 'totp',
      allowDeactivation: false,
      phishingResistantOnly: false,
      rememberDeviceDays: 0,
    });
    await screenshot(page, '42-settings-tenant-saved');
  });

  it("lists members with role and 2FA status, and resets another member's 2FA after a confirmation", async () => {
    const { superAppId, workspaceId } = await suite.server.tenant('Orbit Super App', 'Orbit Workspace');
    const jon = await suite.server.account(workspaceId, 'jon@example.com', 'Jon Snow', 'admin');
    const kay = await suite.server.account(workspaceId, 'kay@example.com', 'Kay Lee', 'developer');
    const lou = await suite.server.account(workspaceId, 'lou@example.com', 'Lou Reed', 'developer');
    await suite.server.makeSuperAppAdmin(superAppId, jon.email);
    await suite.server.activateTotp(kay.email);
    // Resetting a member's 2FA needs the admin's own second factor.
    const { secret } = await suite.server.activateTotp(jon.email);
    const { page } = await open();

    await submitPassword(page, jon.email);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Jon');
    await page.getByRole('menuitem', { name: 'Members' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    const row = (email: string) => page.getByRole('row').filter({ hasText: email });
    const cells = (email: string) => row(email).getByRole('cell').allInnerTexts();
    await row(kay.email).waitFor();
    expect(await page.getByRole('columnheader').allInnerTexts()).toEqual(['Name', 'Email', 'Role', 'Two-Factor', 'Actions']);
    expect((await cells(jon.email)).map((c) => c.trim())).toEqual(['Jon Snow', jon.email, 'Admin', 'On', 'You']);
    expect((await cells(kay.email)).map((c) => c.trim())).toEqual(['Kay Lee', kay.email, 'Developer', 'On', 'Reset 2FA']);
    expect((await cells(lou.email)).map((c) => c.trim())).toEqual(['Lou Reed', lou.email, 'Developer', 'Off', 'Reset 2FA']);
    expect(await row(lou.email).getByRole('button', { name: 'Reset 2FA for Lou Reed' }).isDisabled()).toBe(true);
    await expectAccessible(page, 'members page');
    await screenshot(page, '43-members', 'members');

    await row(kay.email).getByRole('button', { name: 'Reset 2FA for Kay Lee' }).click();
    const confirm = page.getByRole('dialog').filter({ hasText: 'Reset two-factor authentication' });
    await confirm.waitFor();
    await confirm
      .getByText(
        'Reset two-factor authentication for Kay Lee? They will be signed out everywhere, and their authenticator app, passkeys and recovery codes will stop working. Where a super app requires two-factor authentication, they set it up again at their next sign-in.',
      )
      .waitFor();
    // The safe choice has focus.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await expectAccessible(page, 'Reset 2FA confirmation');
    await screenshot(page, '44-reset-confirm');

    const reset = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/two-factor/reset'));
    await confirm.getByRole('button', { name: 'Reset 2FA', exact: true }).click();
    expect((await reset).status()).toBe(200);
    await page.getByText('Two-factor authentication of Kay Lee was reset.').waitFor();
    await expect.poll(async () => (await cells(kay.email))[3]?.trim()).toBe('Off');
    expect(await row(kay.email).getByRole('button', { name: 'Reset 2FA for Kay Lee' }).isDisabled()).toBe(true);
    expect((await showAccount(suite.server.deps, kay.email)).twoFactorActive).toBe(false);
    const mail = await suite.server.smtp.waitForMail(kay.email, 2); // "turned on" at set-up, then the reset notice
    expect(mail.at(-1)!.subject).toContain('Your two-factor authentication was reset');
    await screenshot(page, '45-members-after-reset');
  });
});
