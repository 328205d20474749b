import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  BROWSER_SKIP_SUFFIX,
  browserSkipReason,
  expectAccessible,
  expectOnOneLineEach,
  expectSignedIn,
  openAccountSettings,
  screenshot,
  submitPassword,
  totp,
  typeCode,
  useBrowserSuite,
} from '../support/browser.js';

const PHONE = { width: 390, height: 844 };

/** How far the page scrolls sideways: 0 when it fits the viewport. */
const sidewaysOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Fails unless `target` lies inside the viewport's width (reachable without scrolling sideways). */
async function expectWithinWidth(target: Locator, width: number): Promise<void> {
  const box = await target.boundingBox();
  expect(box, 'element is rendered').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

/** The console on a 390 px phone, and the login card's width across its steps. */
describe.skipIf(browserSkipReason)('console: a 390 px phone and steady layouts' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it('the Members page fits a 390 px phone, with each Two-Factor status and Reset 2FA on screen', async () => {
    const { superAppId, workspaceId } = await suite.server.tenant('Pocket Super App', 'Pocket Workspace');
    const quinn = await suite.server.account(workspaceId, 'quinn.longname@example.com', 'Quinn Ashworth-Delacroix', 'admin');
    const rae = await suite.server.account(workspaceId, 'rae.verylongaddress@example.com', 'Rae Montgomery', 'developer');
    await suite.server.makeSuperAppAdmin(superAppId, quinn.email);
    await suite.server.activateTotp(rae.email);
    const { secret } = await suite.server.activateTotp(quinn.email);
    const { page } = await open();
    await page.setViewportSize(PHONE);

    await submitPassword(page, quinn.email);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Quinn');
    await page.getByRole('menuitem', { name: 'Members' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    await page.getByText(rae.email).waitFor();

    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // Below 576 px each member is a card of its own, every field labelled.
    const member = page.getByTestId('member').filter({ hasText: rae.email });
    for (const email of [quinn.email, rae.email]) {
      await expectWithinWidth(page.getByTestId('member').filter({ hasText: email }).getByText('Two-Factor'), PHONE.width);
    }
    const status = member.getByText('On', { exact: true });
    await expectWithinWidth(status, PHONE.width);
    const reset = member.getByRole('button', { name: 'Reset 2FA for Rae Montgomery' });
    await expectWithinWidth(reset, PHONE.width);
    expect(await reset.isEnabled()).toBe(true);
    await expectAccessible(page, 'members page on a phone');
    await screenshot(page, '60-members-phone');
  });

  it('the login card keeps one width from the password to enrolment and the recovery codes', async () => {
    const { workspaceId } = await suite.server.tenant('Steady Super App', 'Steady Workspace', { required: true, primaryMethod: 'totp', secondaryMethod: null });
    const sam = await suite.server.account(workspaceId, 'sam@example.com', 'Sam Carter', 'developer');
    const { page } = await open();
    const cardWidth = async () => (await page.locator('.login-card').boundingBox())!.width;

    await page.goto('/');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    const passwordWidth = await cardWidth();
    const enrollment = page.waitForResponse((r) => /\/enrollment$/.test(new URL(r.url()).pathname));
    await submitPassword(page, sam.email);
    const pending = (await (await enrollment).json()) as { secret: string };
    await page.getByTestId('totp-qr').locator('canvas').waitFor();
    expect(await cardWidth()).toBe(passwordWidth);
    await screenshot(page, '61-login-enrolment-width');
    await typeCode(page, totp(pending.secret));
    await page.getByTestId('recovery-codes').waitFor();
    expect(await cardWidth()).toBe(passwordWidth);
  });

  it('recovery codes stay whole, one code per line, after Activate in Settings on a phone', async () => {
    const { workspaceId } = await suite.server.tenant('Narrow Super App', 'Narrow Workspace');
    const tia = await suite.server.account(workspaceId, 'tia@example.com', 'Tia Dalma', 'admin');
    const { page } = await open();
    await page.setViewportSize(PHONE);

    await submitPassword(page, tia.email);
    await expectSignedIn(page, 'Tia');
    const card = await openAccountSettings(page);
    const activation = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/account/two-factor/activation');
    await card.getByRole('button', { name: 'Activate', exact: true }).click();
    const pending = (await (await activation).json()) as { secret: string };
    const dialog = page.getByRole('dialog', { name: 'Activate two-factor authentication' });
    await typeCode(dialog, totp(pending.secret));
    const codes = page.getByRole('dialog', { name: 'Two-factor authentication is on' }).getByTestId('recovery-codes');
    await codes.waitFor();
    await expectOnOneLineEach(codes.locator('li'), 10);
    expect(await sidewaysOverflow(page)).toBe(0);
    await screenshot(page, '62-settings-recovery-codes-phone');
  });

  it('on a phone the activation offers to open the key in the authenticator app, and names the account and issuer to enter by hand', async () => {
    const { workspaceId } = await suite.server.tenant('Handheld Super App', 'Handheld Workspace');
    const uma = await suite.server.account(workspaceId, 'uma@example.com', 'Uma Thurman', 'admin');
    const { page } = await open();
    await page.setViewportSize(PHONE);
    await submitPassword(page, uma.email);
    await expectSignedIn(page, 'Uma');
    const card = await openAccountSettings(page);
    const activation = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/account/two-factor/activation');
    await card.getByRole('button', { name: 'Activate', exact: true }).click();
    const pending = (await (await activation).json()) as { secret: string; otpauthUri: string };
    const dialog = page.getByRole('dialog', { name: 'Activate two-factor authentication' });
    const openInApp = dialog.getByRole('link', { name: 'Open in your authenticator app' });
    await openInApp.waitFor();
    expect(await openInApp.getAttribute('href')).toBe(pending.otpauthUri);
    await dialog.getByText('Account: uma@example.com', { exact: false }).waitFor();
    await dialog.getByText('Issuer: Mini Program Platform', { exact: false }).waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
  });
});
