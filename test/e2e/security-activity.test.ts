import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/services/audit.js';
import {
  BROWSER_SKIP_SUFFIX,
  browserSkipReason,
  expectAccessible,
  expectSignedIn,
  openAccountSettings,
  screenshot,
  submitPassword,
  totp,
  typeCode,
  useBrowserSuite,
} from '../support/browser.js';

/** The "Security activity" card (Settings → Account, or Tenant with the super app's name). */
const activityCard = (page: Page, title = 'Security activity') =>
  page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: title, exact: true }) });

/** Settings → Account → Security activity, the Tenant tab's activity, and the overview's notice (issue 17). */
describe.skipIf(browserSkipReason)('console: security activity' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it('signing in with a recovery code shows a notice with the codes left; the activity lists it in words and pages with Show older', async () => {
    const { workspaceId } = await suite.server.tenant('Activity Super App', 'Activity Workspace');
    const mia = await suite.server.account(workspaceId, 'mia@example.com', 'Mia Wong');
    const { recoveryCodes } = await suite.server.activateTotp(mia.email);
    // Older history: 25 wrong codes from another browser, so the list has more than one page.
    for (let i = 0; i < 25; i += 1) {
      await recordAudit(suite.server.deps, suite.server.deps.db, {
        type: 'second_factor.failed',
        accountId: mia.id,
        workspaceId,
        context: { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (Windows NT 10.0) Firefox/140.0' },
        details: { method: 'totp', purpose: 'login' },
      });
    }
    const { page } = await open();
    await submitPassword(page, mia.email);
    await page.getByRole('button', { name: 'Use another method' }).click();
    await page.getByRole('button', { name: 'Recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expectSignedIn(page, 'Mia');

    const notice = page.locator('.activity-notice');
    await notice.getByText(/^You signed in with a recovery code on .+, 9 left\.$/).waitFor();
    await expectAccessible(page, 'overview with the activity notice');
    await screenshot(page, '70-activity-notice');
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await notice.waitFor({ state: 'detached' });
    await page.reload();
    await expectSignedIn(page, 'Mia');
    expect(await page.locator('.activity-notice').count()).toBe(0);

    await openAccountSettings(page);
    const card = activityCard(page);
    const rows = card.getByRole('listitem');
    await card.getByText('Signed in with a recovery code', { exact: true }).waitFor();
    expect(await rows.count()).toBe(20);
    await card.getByText('Wrong verification code (Authenticator app)').first().waitFor();
    await card.getByText('Firefox on Windows · 203.0.113.9').first().waitFor();
    await expectAccessible(page, 'settings, security activity');
    await card.getByRole('button', { name: 'Show older' }).click();
    // 25 wrong codes, the activation, the sign-in (second factor passed, recovery code used): 28 in all.
    await expect.poll(() => rows.count()).toBe(28);
    expect(await card.getByRole('button', { name: 'Show older' }).count()).toBe(0);
    await card.getByText('Two-factor authentication turned on').waitFor();
  });

  it("a super app admin filters the tenant's activity by type and downloads it as CSV", async () => {
    const { superAppId, workspaceId } = await suite.server.tenant('Audit Super App', 'Audit Workspace');
    const ned = await suite.server.account(workspaceId, 'ned@example.com', 'Ned Park', 'admin');
    await suite.server.makeSuperAppAdmin(superAppId, ned.email);
    const ola = await suite.server.account(workspaceId, 'ola@example.com', 'Ola Berg', 'developer');
    await recordAudit(suite.server.deps, suite.server.deps.db, { type: 'password.changed', accountId: ola.id, workspaceId });
    const { secret } = await suite.server.activateTotp(ned.email);
    const { page } = await open();
    await submitPassword(page, ned.email);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Ned');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('tab', { name: 'Tenant' }).click();
    const card = activityCard(page, 'Security activity · Audit Super App');
    await card.getByText('Two-factor authentication turned on').waitFor();

    const type = card.getByRole('combobox', { name: 'Event type' });
    await type.click();
    await type.fill('Password changed');
    await page.locator('.ant-select-dropdown:visible').getByTitle('Password changed', { exact: true }).click();
    await expect.poll(() => card.getByRole('listitem').count()).toBe(1);
    await card.getByText('ola@example.com', { exact: false }).waitFor();
    await expectAccessible(page, 'tenant activity, filtered');
    await screenshot(page, '71-tenant-activity');

    const download = page.waitForEvent('download');
    await card.getByRole('link', { name: /Download CSV/ }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^audit-events-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await file.path())!, 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe('id,type,createdAt,accountId,actorAccountId,superAppId,workspaceId,ip,userAgent,details');
    expect(lines.slice(1).map((line) => line.split(',')[1])).toEqual(['password.changed']);
  });
});
