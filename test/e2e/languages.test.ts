import { describe, expect, it } from 'vitest';
import { en } from '../../console/src/i18n/en.js';
import { zhCN } from '../../console/src/i18n/zh-CN.js';
import { describeEachDialect } from '../support/database.js';
import { BROWSER_SKIP_SUFFIX, browserSkipReason, expectAccessible, PASSWORD, useBrowserSuite } from '../support/browser.js';

/** The login section's English words longer than a few letters (the product name is the same word in both). */
/** Ant Design puts a space between the two characters of a two-character Chinese button ("登 录"). */
const buttonName = (text: string) => new RegExp(`^${[...text].join('\\s?')}$`);

const ENGLISH_LOGIN = Object.values(en.login).filter((text) => text.length > 5 && !text.includes('NIST'));

describeEachDialect('console: languages and themes (%s)', (dialect) => {
  describe.skipIf(browserSkipReason)('in Chromium' + BROWSER_SKIP_SUFFIX, () => {
    const suite = useBrowserSuite(dialect);

    it('shows a Chinese browser the login page in Simplified Chinese, accessibly, with no English left', async () => {
      const { page } = await suite.open(undefined, { locale: 'zh-CN' });
      await page.goto('/');
      await page.getByRole('heading', { name: zhCN.login.title }).waitFor();
      await page.getByRole('button', { name: buttonName(zhCN.login.submit) }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      expect(await page.title()).toBe(zhCN.login.page_title);
      const text = await page.locator('body').innerText();
      expect(ENGLISH_LOGIN.filter((english) => text.includes(english))).toEqual([]);
      await expectAccessible(page, 'login page in zh-CN');
    });

    it('switches to English in the account menu and remembers it after a reload', async () => {
      const { workspaceId } = await suite.server.tenant('Lang Super App', 'Lang Workspace');
      const li = await suite.server.account(workspaceId, 'li@example.com', 'Li Na', 'developer');
      const { page } = await suite.open(undefined, { locale: 'zh-CN' });
      await page.goto('/');
      await page.getByLabel(zhCN.login.email).fill(li.email);
      await page.getByLabel(zhCN.login.password, { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: buttonName(zhCN.login.submit) }).click();
      await page.getByRole('button', { name: new RegExp(zhCN.account_menu.label) }).click();
      await page.getByRole('menuitem', { name: zhCN.account_menu.language }).hover();
      await page.getByRole('menuitem', { name: /^English/ }).click();
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await page.reload();
      await page.getByRole('button', { name: /Account menu/ }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
    });

    it('follows a dark colour scheme with Ant Design dark theme, accessibly', async () => {
      const { page } = await suite.open(undefined, { colorScheme: 'dark' });
      await page.goto('/');
      await page.getByRole('button', { name: en.login.submit }).waitFor();
      expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
      await expectAccessible(page, 'login page, dark');
    });
  });
});
