import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addMember } from '../../src/services/operator.js';
import { getTwoFactorPolicy } from '../../src/services/super-app-policy.js';
import {
  BROWSER_SKIP_SUFFIX,
  browserSkipReason,
  expectAccessible,
  expectSignedIn,
  screenshot,
  submitPassword,
  typeCode,
  useBrowserSuite,
} from '../support/browser.js';

/**
 * An account in two workspaces of two super apps, in a real browser: the picker after the
 * password, the switcher in the header, and the step-up into the stricter super app with an
 * emailed code read from the SMTP test server, up to that super app's Tenant tab.
 */
describe.skipIf(browserSkipReason)('console: several workspaces, switching and step-up' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  /** In a step-up dialog: Send code, read the code from the SMTP test server, type it; the dialog closes. */
  async function passEmailCode(dialog: Locator, email: string): Promise<void> {
    const before = suite.server.smtp.to(email).length;
    await dialog.getByRole('button', { name: 'Send code' }).click();
    await suite.server.smtp.waitForMail(email, before + 1);
    await typeCode(dialog, suite.server.smtp.lastCode(email));
    await dialog.waitFor({ state: 'hidden' });
  }

  it('picks a workspace at login, switches in the header, and steps up into the strict super app with an emailed code', async () => {
    const lax = await suite.server.tenant('Lax Super App', 'Lax Workspace');
    const strict = await suite.server.tenant('Strict Super App', 'Strict Workspace', { required: true, primaryMethod: 'email', secondaryMethod: 'totp' });
    const ann = await suite.server.account(lax.workspaceId, 'ann@example.com', 'Ann Lee', 'admin');
    await addMember(suite.server.deps, { workspaceId: strict.workspaceId, email: ann.email, role: 'admin' });
    // The lax membership is the older one, so it is the login default. Both are created within
    // the same millisecond on a fast run; ties order by (random) workspace id, so say it outright.
    await suite.server.deps.db
      .updateTable('memberships')
      .set({ created_at: new Date(Date.now() + 1000).toISOString() })
      .where('workspace_id', '=', strict.workspaceId)
      .where('account_id', '=', ann.id)
      .execute();
    await suite.server.makeSuperAppAdmin(strict.superAppId, ann.email);
    await suite.server.makeSuperAppAdmin(lax.superAppId, ann.email);
    const { page } = await open();

    // The password alone opens the lax workspace (the default); the picker lists both.
    await submitPassword(page, ann.email);
    await page.getByRole('heading', { level: 1, name: 'Choose a workspace' }).waitFor();
    const choices = page.getByRole('list', { name: 'Workspaces' }).getByRole('button');
    expect(await choices.count()).toBe(2);
    await expectAccessible(page, 'workspace picker');
    await screenshot(page, '50-workspace-picker', 'workspace-picker');
    await choices.filter({ hasText: 'Lax Workspace' }).click();
    await expectSignedIn(page, 'Ann');
    const header = page.locator('.shell-header');
    await header.getByText('Lax Workspace').waitFor();

    // With the lax session, the strict super app is refused, reads included.
    const refused = await page.evaluate(async (id) => (await fetch(`/api/v1/super-apps/${id}/two-factor-policy`)).json(), strict.superAppId);
    expect(refused.code).toBe('second_factor_required_for_super_app');

    // Switch in the header: the strict super app asks for its emailed code in a dialog.
    await header.getByRole('button', { name: /Switch workspace/ }).click();
    await page.getByRole('menuitem', { name: /Strict Workspace/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Switch to Strict Workspace' });
    await dialog.getByText('Strict Super App requires two-factor authentication for its workspaces.').waitFor();
    await expectAccessible(page, 'switch workspace, second factor dialog');
    await passEmailCode(dialog, ann.email);
    await header.getByText('Strict Workspace').waitFor();
    await header.getByText('Strict Super App').waitFor();
    await screenshot(page, '51-switched-to-strict');

    // The Tenant tab shows both super apps; the strict one's policy is readable now.
    await page.goto('/settings/tenant');
    const strictCard = page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Two-Factor Authentication · Strict Super App' }) });
    await strictCard.getByText('Primary method').waitFor();
    const laxCard = page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Two-Factor Authentication · Lax Super App' }) });
    await laxCard.getByText('Primary method').waitFor();
    // Admin actions need the admin's own second factor: an emailed code is one, so Edit is there.
    expect(await strictCard.getByRole('button', { name: /Edit/ }).isDisabled()).toBe(false);
    await expectAccessible(page, 'Tenant tab with two super apps');
    await screenshot(page, '52-tenant-tab-two-super-apps');

    // Next login from this browser goes straight to the workspace used last: no picker.
    await page.context().clearCookies();
    await page.goto('/');
    await submitPassword(page, ann.email);
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
    await page.getByText('Signing in to the Strict Workspace workspace.').waitFor();
    expect(await page.getByRole('heading', { name: 'Choose a workspace' }).count()).toBe(0);
  });

  it('steps up from the Tenant tab into a super app the account administers without being in its workspaces', async () => {
    const home = await suite.server.tenant('Home Super App', 'Home Workspace');
    const guarded = await suite.server.tenant('Guarded Super App', 'Guarded Workspace', { required: true, primaryMethod: 'email', secondaryMethod: null });
    const bea = await suite.server.account(home.workspaceId, 'bea@example.com', 'Bea Kim', 'admin');
    await suite.server.makeSuperAppAdmin(guarded.superAppId, bea.email);
    const { page } = await open();

    await submitPassword(page, bea.email);
    await expectSignedIn(page, 'Bea');
    await page.goto('/settings/tenant');
    const card = page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Two-Factor Authentication · Guarded Super App' }) });
    await card.getByText('Guarded Super App requires two-factor authentication').waitFor();
    await expectAccessible(page, 'Tenant tab, step-up needed');
    await screenshot(page, '53-tenant-step-up-needed');

    await card.getByRole('button', { name: 'Verify' }).click();
    const dialog = page.getByRole('dialog', { name: 'Verify to manage Guarded Super App' });
    await passEmailCode(dialog, bea.email);
    await card.getByText('Primary method').waitFor();
    expect((await getTwoFactorPolicy(suite.server.deps, guarded.superAppId)).required).toBe(true);
  });

  it('says "activate your own 2FA first" where an admin action needs it', async () => {
    const { superAppId, workspaceId } = await suite.server.tenant('Open Super App', 'Open Workspace');
    const cy = await suite.server.account(workspaceId, 'cy@example.com', 'Cy Ng', 'admin');
    await suite.server.makeSuperAppAdmin(superAppId, cy.email);
    const { page } = await open();

    await submitPassword(page, cy.email);
    await expectSignedIn(page, 'Cy');
    await page.goto('/settings/tenant');
    await page.getByText('Activate your own two-factor authentication first').waitFor();
    expect(await page.getByRole('button', { name: /Edit/ }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByRole('tab', { name: 'Account', selected: true }).waitFor();
  });
});
