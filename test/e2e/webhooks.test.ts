import { describe, expect, it } from 'vitest';
import {
  BROWSER_SKIP_SUFFIX,
  browserSkipReason,
  expectAccessible,
  expectSignedIn,
  submitPassword,
  totp,
  typeCode,
  useBrowserSuite,
} from '../support/browser.js';

/** Settings → Tenant → Webhooks in a real browser: add (secret once), test event, delivery log, delete. */
describe.skipIf(browserSkipReason)('console: webhooks of a super app' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it('adds a webhook, shows its secret once, queues a test event and deletes it after a confirmation', async () => {
    const { superAppId, workspaceId } = await suite.server.tenant('Hook Super App', 'Hook Mini Programs');
    const una = await suite.server.account(workspaceId, 'una@example.com', 'Una Lake', 'admin');
    await suite.server.makeSuperAppAdmin(superAppId, una.email);
    const { secret } = await suite.server.activateTotp(una.email);
    const { page } = await open();

    await submitPassword(page, una.email);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Una');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('tab', { name: 'Tenant' }).click();
    const card = page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Webhooks · Hook Super App' }) });
    await card.getByText('No webhooks yet.').waitFor();

    await card.getByRole('button', { name: 'Add webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook' });
    await dialog.getByLabel('URL').fill('https://siem.example.com/hooks/mpp');
    await expectAccessible(page, 'add webhook dialog');
    await dialog.getByRole('button', { name: 'Add' }).click();

    const shown = page.getByRole('dialog', { name: 'Copy the signing secret now' });
    await shown.waitFor();
    expect(await shown.getByLabel('Signing secret').inputValue()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await expectAccessible(page, 'webhook secret dialog');
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'hidden' });
    await card.getByText('https://siem.example.com/hooks/mpp').waitFor();
    // Once closed, the secret is nowhere on the page.
    await expect.poll(() => page.evaluate(() => [...document.querySelectorAll('input')].some((input) => input.value.startsWith('whsec_')))).toBe(false);

    await card.getByRole('button', { name: 'Send test event to https://siem.example.com/hooks/mpp' }).click();
    await card.getByText('A test event was queued.').waitFor();
    await card.getByRole('cell', { name: 'webhook.test' }).waitFor();
    await expectAccessible(page, 'webhooks card with a delivery');

    await card.getByRole('button', { name: 'Delete the webhook to https://siem.example.com/hooks/mpp' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).last().click();
    await card.getByText('No webhooks yet.').waitFor();
  });
});
