import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  BROWSER_SKIP_SUFFIX,
  browserSkipReason,
  decodeQr,
  expectAccessible,
  expectSignedIn,
  openAccountSettings,
  screenshot,
  submitPassword,
  totp,
  typeCode,
  useBrowserSuite,
} from '../support/browser.js';

/** What has focus: its tag and text, or "body" when focus was lost to the page. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'body';
    return `${element.tagName.toLowerCase()}: ${(element.textContent ?? '').trim()}`;
  });

const isActivationStart = (method: string, url: string) => method === 'POST' && new URL(url).pathname === '/api/v1/account/two-factor/activation';

/** Where focus goes when a step's content is replaced, and the pending key across closing Activate. */
describe.skipIf(browserSkipReason)('console: focus after activation and the pending key' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it('closing and reopening Activate keeps the pending key, which still activates', async () => {
    const { workspaceId } = await suite.server.tenant('Keep Super App', 'Keep Workspace');
    const uma = await suite.server.account(workspaceId, 'uma@example.com', 'Uma Thurman', 'admin');
    const { page } = await open();
    const starts: string[] = [];
    page.on('request', (request) => {
      if (isActivationStart(request.method(), request.url())) starts.push(request.url());
    });

    await submitPassword(page, uma.email);
    await expectSignedIn(page, 'Uma');
    const card = await openAccountSettings(page);
    const activation = page.waitForResponse((r) => isActivationStart(r.request().method(), r.url()));
    await card.getByRole('button', { name: 'Activate', exact: true }).click();
    const pending = (await (await activation).json()) as { secret: string; otpauthUri: string };
    const dialog = page.getByRole('dialog', { name: 'Activate two-factor authentication' });
    await dialog.getByTestId('totp-qr').locator('canvas').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await card.getByRole('button', { name: 'Activate', exact: true }).click();
    await dialog.getByTestId('totp-qr').locator('canvas').waitFor();
    expect(decodeQr(await screenshot(dialog.getByTestId('totp-qr'), '70-activate-reopened-qr'))).toBe(pending.otpauthUri);
    await dialog.getByText('This is the key shown before: an entry you already scanned still works.').waitFor();
    expect(starts).toHaveLength(1);
    await expectAccessible(page, 'Activate dialog reopened');

    await typeCode(dialog, totp(pending.secret));
    await page.getByRole('dialog', { name: 'Two-factor authentication is on' }).getByTestId('recovery-codes').waitFor();
  });

  it('after activation focus moves to the dialog title, and after Done to the Two-Factor Authentication heading', async () => {
    const { workspaceId } = await suite.server.tenant('Focus Super App', 'Focus Workspace');
    const vic = await suite.server.account(workspaceId, 'vic@example.com', 'Vic Reeves', 'admin');
    const { page } = await open();

    await submitPassword(page, vic.email);
    await expectSignedIn(page, 'Vic');
    const card = await openAccountSettings(page);
    const activation = page.waitForResponse((r) => isActivationStart(r.request().method(), r.url()));
    await card.getByRole('button', { name: 'Activate', exact: true }).click();
    const pending = (await (await activation).json()) as { secret: string };
    await typeCode(page.getByRole('dialog', { name: 'Activate two-factor authentication' }), totp(pending.secret));
    const codesDialog = page.getByRole('dialog', { name: 'Two-factor authentication is on' });
    await codesDialog.getByTestId('recovery-codes').waitFor();
    await expect.poll(() => focused(page)).toBe('span: Two-factor authentication is on');

    await codesDialog.getByRole('checkbox', { name: 'I have saved my recovery codes' }).check();
    await codesDialog.getByRole('button', { name: 'Done' }).click();
    await codesDialog.waitFor({ state: 'hidden' });
    await expect.poll(() => focused(page)).toBe('h2: Two-Factor Authentication');
  });

  it('after enrolling during login focus moves to the heading, and after Done to the overview heading', async () => {
    const { workspaceId } = await suite.server.tenant('Enrol Focus Super App', 'Enrol Focus Workspace', {
      required: true,
      primaryMethod: 'totp',
      secondaryMethod: null,
    });
    const wes = await suite.server.account(workspaceId, 'wes@example.com', 'Wes Craven', 'developer');
    const { page } = await open();

    const enrollment = page.waitForResponse((r) => /\/enrollment$/.test(new URL(r.url()).pathname));
    await submitPassword(page, wes.email);
    const pending = (await (await enrollment).json()) as { secret: string };
    await page.getByTestId('totp-qr').locator('canvas').waitFor();
    await typeCode(page, totp(pending.secret));
    await page.getByTestId('recovery-codes').waitFor();
    await expect.poll(() => focused(page)).toBe('h1: Two-factor authentication is on');

    await page.getByRole('checkbox', { name: 'I have saved my recovery codes' }).check();
    await page.getByRole('button', { name: 'Done' }).click();
    await expectSignedIn(page, 'Wes');
    await expect.poll(() => focused(page)).toBe('h1: Welcome, Wes');
  });
});
