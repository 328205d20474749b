import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { zhCN } from '../../console/src/i18n/zh-CN.js';
import { BROWSER_SKIP_SUFFIX, browserSkipReason, expectAccessible, PASSWORD, screenshot, totp, typeCode, useBrowserSuite } from '../support/browser.js';

const PHONE = { width: 390, height: 844 };

/** Ant Design puts a space between the two characters of a two-character Chinese button ("登 录"). */
const buttonName = (text: string) => new RegExp(`^${[...text].join('\\s?')}$`);

/** How wide the document is: at most the viewport's width when nothing scrolls sideways. */
const documentWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** The Chinese login page, waited for by its heading and its Log in button. */
async function openChineseLogin(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { level: 1, name: zhCN.login.title }).waitFor();
  await page.getByRole('button', { name: buttonName(zhCN.login.submit) }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
}

/** Email and password on the Chinese login page, then the second-factor step by its heading. */
async function submitChinesePassword(page: Page, email: string): Promise<void> {
  await page.getByLabel(zhCN.login.email).fill(email);
  await page.getByLabel(zhCN.login.password, { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: buttonName(zhCN.login.submit) }).click();
  await page.getByRole('heading', { level: 1, name: zhCN.sign_in.second_factor.title }).waitFor();
  await page.locator('.code-input input').first().waitFor();
}

/** Opens Members from the main navigation and waits for the member with `email`. */
async function openChineseMembers(page: Page, email: string): Promise<void> {
  await page.getByRole('menuitem', { name: zhCN.tenant.shell.members }).click();
  await page.getByRole('heading', { level: 1, name: zhCN.tenant.members.title }).waitFor();
  await page.getByText(email).waitFor();
}

/**
 * The README's screenshots of the Chinese console and of a 390 px phone (docs/screenshots/zh-*.png
 * and phone-*.png with E2E_DOCS_SCREENSHOTS=1). SQLite only: the pages look the same on both stores.
 */
describe.skipIf(browserSkipReason)('console: README screenshots in Simplified Chinese and on a phone' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();

  it('a Chinese browser: login, the second-factor step, Settings → Account and Members, all in Chinese', async () => {
    const { superAppId, workspaceId } = await suite.server.tenant('星辰超级应用', '星辰小程序');
    const li = await suite.server.account(workspaceId, 'li.na@example.com', '李娜', 'admin');
    const wang = await suite.server.account(workspaceId, 'wang.fang@example.com', '王芳', 'developer');
    const zhang = await suite.server.account(workspaceId, 'zhang.wei@example.com', '张伟', 'developer');
    await suite.server.makeSuperAppAdmin(superAppId, li.email);
    await suite.server.activateTotp(wang.email);
    const { secret } = await suite.server.activateTotp(li.email);
    const { page } = await suite.open(undefined, { locale: 'zh-CN' });

    await openChineseLogin(page);
    expect(await page.title()).toBe(zhCN.login.page_title);
    await expectAccessible(page, 'login page in zh-CN');
    await screenshot(page, '90-zh-login', 'zh-login');

    await submitChinesePassword(page, li.email);
    await page.getByText(zhCN.sign_in.second_factor.reason_account).waitFor();
    await expectAccessible(page, 'second-factor step in zh-CN');
    await screenshot(page, '91-zh-second-factor', 'zh-second-factor');

    await typeCode(page, totp(secret, 30));
    await page.getByRole('heading', { level: 1, name: zhCN.tenant.overview.welcome.replace('{{name}}', li.name) }).waitFor();

    await page.getByRole('button', { name: zhCN.tenant.shell.settings, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: zhCN.account.settings.title }).waitFor();
    await page.getByRole('tab', { name: zhCN.account.settings.tab_account }).click();
    const card = page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: zhCN.account.two_factor.title }) });
    await card.getByText(zhCN.account.two_factor.status, { exact: true }).waitFor();
    await card.getByText(zhCN.account.two_factor.activated, { exact: true }).first().waitFor();
    await expectAccessible(page, 'Settings → Account in zh-CN');
    await screenshot(page, '92-zh-settings', 'zh-settings');

    await openChineseMembers(page, zhang.email);
    const members = zhCN.tenant.members;
    expect((await page.getByRole('columnheader').allInnerTexts()).map((text) => text.trim())).toEqual([
      members.name,
      members.email,
      members.role,
      members.two_factor,
      members.actions,
    ]);
    const row = (email: string) => page.getByRole('row').filter({ hasText: email });
    await row(wang.email).getByText(members.two_factor_on, { exact: true }).waitFor();
    await row(zhang.email).getByText(members.two_factor_off, { exact: true }).waitFor();
    await row(wang.email)
      .getByRole('button', { name: members.reset_label.replace('{{who}}', wang.name) })
      .waitFor();
    // The Reset button's label starts with its visible text (axe: label-content-name-mismatch).
    await expectAccessible(page, 'Members in zh-CN');
    await screenshot(page, '93-zh-members', 'zh-members');
  });

  it('a 390 px phone: the login page and the Members cards fit the screen', async () => {
    const { superAppId, workspaceId } = await suite.server.tenant('口袋超级应用', '口袋小程序');
    const zhao = await suite.server.account(workspaceId, 'zhao.min@example.com', '赵敏', 'admin');
    const chen = await suite.server.account(workspaceId, 'chen.jing@example.com', '陈静', 'developer');
    const liu = await suite.server.account(workspaceId, 'liu.yang@example.com', '刘洋', 'developer');
    await suite.server.makeSuperAppAdmin(superAppId, zhao.email);
    await suite.server.activateTotp(chen.email);
    const { secret } = await suite.server.activateTotp(zhao.email);
    const { page } = await suite.open(undefined, { locale: 'zh-CN' });
    await page.setViewportSize(PHONE);

    await openChineseLogin(page);
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await expectAccessible(page, 'login page on a phone');
    await screenshot(page, '94-phone-login', 'phone-login');

    await submitChinesePassword(page, zhao.email);
    await typeCode(page, totp(secret, 30));
    await page.getByRole('heading', { level: 1, name: zhCN.tenant.overview.welcome.replace('{{name}}', zhao.name) }).waitFor();
    await openChineseMembers(page, liu.email);
    // Below 576 px each member is a card of its own, not a table row.
    expect(await page.getByRole('table').count()).toBe(0);
    await expect.poll(() => page.getByTestId('member').count()).toBe(3);
    const chenCard = page.getByTestId('member').filter({ hasText: chen.email });
    await chenCard.getByText(zhCN.tenant.members.two_factor_on, { exact: true }).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE.width);
    // The pointer leaves the navigation, so the "成员" tooltip does not cover the page.
    await page.mouse.move(PHONE.width / 2, PHONE.height - 1);
    await page.getByRole('tooltip').waitFor({ state: 'hidden' });
    await expectAccessible(page, 'Members on a phone in zh-CN');
    await screenshot(page, '95-phone-members', 'phone-members');
  });
});
