import type { Page } from 'playwright-core';
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
} from '../support/browser.js';

/** The "Where you are signed in" card of Settings → Account. */
const signedInCard = (page: Page) => page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Where you are signed in' }) });

/** "Don't ask again on this browser for N days" at the second-factor step (issue 17). */
describe.skipIf(browserSkipReason)('console: remember this browser' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it('ticking "Don\'t ask again" sends rememberDevice; the next sign-in from this browser skips the code step, another browser does not', async () => {
    const { workspaceId } = await suite.server.tenant('Remember Super App', 'Remember Workspace', { rememberDeviceDays: 7 });
    const kim = await suite.server.account(workspaceId, 'kim@example.com', 'Kim Park');
    const { secret } = await suite.server.activateTotp(kim.email);
    const { page, context } = await open();

    await submitPassword(page, kim.email);
    const checkbox = page.getByRole('checkbox', { name: "Don't ask again on this browser for 7 days" });
    await checkbox.waitFor();
    expect(await checkbox.isChecked()).toBe(false);
    await expectAccessible(page, 'second-factor step with the remember checkbox');
    await checkbox.check();
    await screenshot(page, '60-remember-browser');
    const verified = page.waitForRequest((r) => r.method() === 'POST' && /\/verify$/.test(new URL(r.url()).pathname));
    await typeCode(page, totp(secret, 30));
    expect((await verified).postDataJSON()).toMatchObject({ method: 'totp', rememberDevice: true });
    await expectSignedIn(page, 'Kim');

    // The devices list says until when this browser is remembered.
    await openAccountSettings(page);
    await signedInCard(page).getByText('Skips the second factor until', { exact: false }).waitFor();

    // Signed out (the session cookie gone, the device cookie kept): the password alone signs in here.
    await context.clearCookies({ name: 'mpp_session' });
    await page.goto('/');
    await submitPassword(page, kim.email);
    await expectSignedIn(page, 'Kim');
    expect(await page.locator('.code-input').count()).toBe(0);

    // Anywhere without this browser's device cookie the code is still asked.
    const elsewhere = await suite.server.api('POST', '/api/v1/auth/login', { body: { email: kim.email, password: PASSWORD } });
    expect(elsewhere.body.status).toBe('second_factor_required');
  });

  it('no checkbox where the super app allows 0 days', async () => {
    const { workspaceId } = await suite.server.tenant('Strict Remember Super App', 'Strict Remember Workspace', { rememberDeviceDays: 0 });
    const lee = await suite.server.account(workspaceId, 'lee@example.com', 'Lee Chan');
    const { secret } = await suite.server.activateTotp(lee.email);
    const { page } = await open();
    await submitPassword(page, lee.email);
    await page.locator('.code-input').first().waitFor();
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Lee');
  });
});
