import { describe, expect, it } from 'vitest';
import { en } from '../../console/src/i18n/en.js';
import { zhCN } from '../../console/src/i18n/zh-CN.js';
import { describeEachDialect } from '../support/database.js';
import type { Page } from 'playwright-core';
import { BROWSER_SKIP_SUFFIX, browserSkipReason, expectAccessible, PASSWORD, totp, typeCode, useBrowserSuite } from '../support/browser.js';

/** The login section's English words longer than a few letters (the product name is the same word in both). */
/** Ant Design puts a space between the two characters of a two-character Chinese button ("登 录"). */
const buttonName = (text: string) => new RegExp(`^${[...text].join('\\s?')}$`);

const ENGLISH_LOGIN = Object.values(en.login).filter((text) => text.length > 5 && !text.includes('NIST'));

/** Every text of a catalogue, flattened (`section.key` → text). */
function flatten(catalogue: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of flatten(value as object, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

/**
 * The English catalogue's sentences that a page in Chinese must not show: whole texts without
 * placeholders or tags, long enough to be words (not "OK" or a code format), and different in
 * Chinese (a product name or a URL reads the same in both).
 */
const ZH = flatten(zhCN);
const ENGLISH_SENTENCES = [...flatten(en)].filter(([key, text]) => text.length >= 8 && !/[{<]/.test(text) && ZH.get(key) !== text).map(([, text]) => text);

async function englishLeftOn(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return ENGLISH_SENTENCES.filter((english) => text.includes(english));
}

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

    /**
     * Signs a super app admin in (password, authenticator code) and visits the second-factor
     * step, the overview, Members, both Settings tabs and a dialog, running axe on each; in
     * Chinese, also lists the English sentences of the catalogue found on each.
     */
    async function walkEveryPage(locale: 'zh-CN' | 'en', colorScheme: 'light' | 'dark', names: { superApp: string; workspace: string; email: string }) {
      const words = locale === 'zh-CN' ? zhCN : en;
      const { superAppId, workspaceId } = await suite.server.tenant(names.superApp, names.workspace);
      const admin = await suite.server.account(workspaceId, names.email, 'Wang Fang', 'admin');
      await suite.server.makeSuperAppAdmin(superAppId, admin.email);
      const { secret } = await suite.server.activateTotp(admin.email);
      const { page } = await suite.open(undefined, { locale, colorScheme });
      const englishLeft: Record<string, string[]> = {};
      const check = async (where: string) => {
        if (locale === 'zh-CN') englishLeft[where] = await englishLeftOn(page);
        await expectAccessible(page, `${where} (${locale}, ${colorScheme})`);
      };

      await page.goto('/');
      await page.getByLabel(words.login.email).fill(admin.email);
      expect(await page.locator('html').getAttribute('data-theme')).toBe(colorScheme);
      await page.getByLabel(words.login.password, { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: buttonName(words.login.submit) }).click();
      await page.getByRole('heading', { name: words.sign_in.second_factor.title }).waitFor();
      await check('second-factor step');
      await typeCode(page, totp(secret, 30));
      await page.getByRole('button', { name: new RegExp(words.account_menu.label) }).waitFor();
      await check('overview');

      await page.goto('/members');
      await page.getByRole('heading', { level: 1, name: words.tenant.members.title }).waitFor();
      await page.getByText(admin.email).first().waitFor();
      await check('members');

      await page.goto('/settings');
      await page.getByRole('heading', { level: 1, name: words.account.settings.title }).waitFor();
      await page.getByRole('heading', { name: words.account.two_factor.title, exact: true }).waitFor();
      await check('settings, account');
      await page.getByRole('button', { name: buttonName(words.account.common.regenerate_codes) }).click();
      await page.getByRole('dialog').waitFor();
      await check('regenerate recovery codes dialog');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });

      await page.goto('/settings/tenant');
      await page.getByRole('heading', { name: words.tenant.webhooks.title.replace('{{superApp}}', names.superApp) }).waitFor();
      await check('settings, tenant');
      return englishLeft;
    }

    it('shows a Chinese super app admin every page and the dialogs in Chinese, with no English sentence of the catalogue left, accessibly', async () => {
      const englishLeft = await walkEveryPage('zh-CN', 'light', { superApp: 'Zhong SA', workspace: 'Zhong WS', email: 'wang@example.com' });
      expect(Object.keys(englishLeft)).toHaveLength(6);
      expect(englishLeft).toEqual(Object.fromEntries(Object.keys(englishLeft).map((where) => [where, []])));
    });

    // The console does not depend on the store: the dark walk is in English on one and in Chinese on the other, so both languages are checked in both themes.
    const darkLocale = dialect === 'sqlite' ? 'en' : 'zh-CN';
    it(`the same pages and dialog in the dark theme are accessible (${darkLocale})`, async () => {
      const englishLeft = await walkEveryPage(darkLocale, 'dark', { superApp: 'Night SA', workspace: 'Night WS', email: 'night@example.com' });
      expect(englishLeft).toEqual(Object.fromEntries(Object.keys(englishLeft).map((where) => [where, []])));
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
