import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
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

const APP_STORE = 'https://apps.apple.com/app/google-authenticator/id388497605';
const GOOGLE_PLAY = 'https://play.google.com/store/apps/details?id=com.google.android.apps.authenticator2';

const ATTEMPT_LINE = /^This sign-in attempt expires in (\d+):(\d\d)\.$/;
const QR_LINE = /^This QR code works for (\d+):(\d\d) more\.$/;

const isPath = (url: string, path: RegExp) => path.test(new URL(url).pathname);
const LOGIN = /^\/api\/v1\/auth\/login$/;
const ENROLLMENT = /^\/api\/v1\/auth\/challenges\/[^/]+\/enrollment$/;
const ACTIVATION = /^\/api\/v1\/account\/two-factor\/activation$/;

/** The seconds a countdown line shows ("… 4:59 …" → 299). */
async function secondsShown(line: Locator, pattern: RegExp): Promise<number> {
  const match = (await line.innerText()).trim().match(pattern);
  expect(match, await line.innerText()).not.toBeNull();
  return Number(match![1]) * 60 + Number(match![2]);
}

/** Seconds from now (the test's clock, which the page's fake clock started from) until `iso`. */
const secondsUntil = (iso: string) => (Date.parse(iso) - Date.now()) / 1000;

/** The store links of the set-up steps: Google Authenticator's pages, each in a new tab without an opener. */
async function expectStoreLinks(scope: Page | Locator): Promise<void> {
  const line = scope.locator('.totp-store-links');
  expect((await line.innerText()).trim()).toBe('Get an authenticator app: App Store · Google Play');
  for (const [name, href] of [
    ['App Store', APP_STORE],
    ['Google Play', GOOGLE_PLAY],
  ] as const) {
    const link = line.getByRole('link', { name, exact: true });
    expect(await link.getAttribute('href')).toBe(href);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
  }
}

/**
 * How long a sign-in attempt and an authenticator key still work. The page runs on a fake
 * clock (Playwright's, installed before the console loads) that the tests move forward, so no
 * test waits for real minutes; the server keeps the real time.
 */
describe.skipIf(browserSkipReason)('console: countdowns to the end of a sign-in attempt and of a set-up key' + BROWSER_SKIP_SUFFIX, () => {
  const suite = useBrowserSuite();
  const { open } = suite;

  it('the code step counts down to the end of the attempt, speaks only at the last minute, and at zero offers only to sign in again', async () => {
    const { workspaceId } = await suite.server.tenant('Clock Super App', 'Clock Workspace');
    const ida = await suite.server.account(workspaceId, 'ida@example.com', 'Ida Lupino', 'admin');
    await suite.server.activateTotp(ida.email);
    const { page } = await open();
    await page.clock.install();

    const login = page.waitForResponse((r) => isPath(r.url(), LOGIN));
    await submitPassword(page, ida.email);
    const { challenge } = (await (await login).json()) as { challenge: { expiresAt: string } };
    await page.getByText('Your account has two-factor authentication turned on.').waitFor();

    // The time left the server gave (5 minutes), less the moment it took to show.
    const line = page.getByText(ATTEMPT_LINE);
    await line.waitFor();
    const first = await secondsShown(line, ATTEMPT_LINE);
    expect(first).toBeGreaterThan(240);
    expect(first).toBeLessThanOrEqual(300);
    expect(Math.abs(first - secondsUntil(challenge.expiresAt))).toBeLessThanOrEqual(3);
    // The ticking line is no live region (it would speak every second); the polite one is silent for now.
    expect(await line.evaluate((element) => element.closest('[aria-live]') === null)).toBe(true);
    const announcer = page.locator('.challenge-expiry [aria-live="polite"]');
    expect((await announcer.textContent())?.trim()).toBe('');
    await expectAccessible(page, 'login code step with the attempt countdown');
    await screenshot(page, '90-login-attempt-countdown');

    // It ticks with the clock.
    await page.clock.fastForward('00:10');
    await expect.poll(() => secondsShown(line, ATTEMPT_LINE)).toBeLessThanOrEqual(first - 9);

    // The last minute is said once, politely.
    await page.clock.fastForward(Math.round((secondsUntil(challenge.expiresAt) - 10 - 45) * 1000));
    await expect.poll(() => announcer.textContent()).toBe('This sign-in attempt expires in less than a minute.');
    expect(await secondsShown(line, ATTEMPT_LINE)).toBeLessThanOrEqual(60);

    // At zero the step ends as a 410 would end it: the boxes are shut and the one way on is signing in again.
    await page.clock.fastForward('01:00');
    const dead = page.getByRole('alert').filter({ hasText: 'This sign-in attempt expired' });
    await dead.waitFor();
    expect(await page.getByText(ATTEMPT_LINE).count()).toBe(0);
    for (const box of await page.locator('.code-input input').all()) expect(await box.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Verify' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Back to log in' }).count()).toBe(0);
    await expectAccessible(page, 'login code step, attempt expired by its countdown');
    await screenshot(page, '91-login-attempt-expired');

    await page.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByRole('alert').filter({ hasText: 'This sign-in attempt expired; enter your password again.' }).waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe(ida.email);
  });

  it("a browser clock running ahead of the server's shows no countdown and ends nothing: the code still signs in", async () => {
    const { workspaceId } = await suite.server.tenant('Skew Super App', 'Skew Workspace');
    const max = await suite.server.account(workspaceId, 'max@example.com', 'Max Ernst', 'admin');
    const { secret } = await suite.server.activateTotp(max.email);
    const { page } = await open();
    await page.clock.install({ time: new Date(Date.now() + 10 * 60_000) });

    await submitPassword(page, max.email);
    await page.getByText('Your account has two-factor authentication turned on.').waitFor();
    await page.clock.fastForward('00:02');
    expect(await page.getByText(ATTEMPT_LINE).count()).toBe(0);
    expect(await page.getByText('This sign-in attempt expired').count()).toBe(0);
    await typeCode(page, totp(secret, 30));
    await expectSignedIn(page, 'Max');
  });

  it('enrolment at login: the QR code counts down with the attempt that bounds it, and the steps link to the app stores', async () => {
    const { workspaceId } = await suite.server.tenant('Bound Super App', 'Bound Workspace', { required: true, primaryMethod: 'totp', secondaryMethod: null });
    const jon = await suite.server.account(workspaceId, 'jon@example.com', 'Jon Snow', 'developer');
    const { page } = await open();

    const login = page.waitForResponse((r) => isPath(r.url(), LOGIN));
    const enrollment = page.waitForResponse((r) => isPath(r.url(), ENROLLMENT));
    await submitPassword(page, jon.email);
    const { challenge } = (await (await login).json()) as { challenge: { expiresAt: string } };
    const pending = (await (await enrollment).json()) as { secret: string; expiresAt: string };
    await page.getByRole('heading', { level: 1, name: 'Set up two-factor authentication' }).waitFor();
    // The key alone would live 10 minutes, the attempt only 5: the QR code works as long as the attempt.
    expect(Date.parse(pending.expiresAt)).toBeGreaterThan(Date.parse(challenge.expiresAt));

    const qrLine = page.getByText(QR_LINE);
    await qrLine.waitFor();
    const attemptLine = page.getByText(ATTEMPT_LINE);
    const qrLeft = await secondsShown(qrLine, QR_LINE);
    expect(qrLeft).toBeGreaterThan(240);
    expect(qrLeft).toBeLessThanOrEqual(300);
    expect(Math.abs(qrLeft - (await secondsShown(attemptLine, ATTEMPT_LINE)))).toBeLessThanOrEqual(1);

    await expectStoreLinks(page.locator('.totp-setup'));
    await expectAccessible(page, 'login enrolment with the countdowns and store links');
    await screenshot(page, '92-login-enrolment-countdown');

    await typeCode(page, totp(pending.secret));
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication is on' }).waitFor();
  });

  it('enrolment at login: a key that lapses before the attempt says so and a new one is fetched, which enrols', async () => {
    const { workspaceId } = await suite.server.tenant('Renew Super App', 'Renew Workspace', { required: true, primaryMethod: 'totp', secondaryMethod: null });
    const kai = await suite.server.account(workspaceId, 'kai@example.com', 'Kai Havertz', 'developer');
    const { page } = await open();
    await page.clock.install();
    // The server's keys outlive its attempts: the first key's answer is told to end in 90 seconds, so it lapses first.
    const started: string[] = [];
    await page.route('**/api/v1/auth/challenges/*/enrollment', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { secret: string; expiresAt: string };
      started.push(body.secret);
      if (started.length === 1) body.expiresAt = new Date(Date.now() + 90_000).toISOString();
      await route.fulfill({ response, json: body });
    });

    await submitPassword(page, kai.email);
    await page.getByRole('heading', { level: 1, name: 'Set up two-factor authentication' }).waitFor();
    const qrLine = page.getByText(QR_LINE);
    await qrLine.waitFor();
    const qrLeft = await secondsShown(qrLine, QR_LINE);
    expect(qrLeft).toBeGreaterThan(80);
    expect(qrLeft).toBeLessThanOrEqual(90);

    await page.clock.fastForward('01:31');
    const lapsed = page.getByRole('alert').filter({ hasText: 'This QR code expired' });
    await lapsed.waitFor();
    expect(await lapsed.innerText()).toContain('If you already scanned this one, remove its entry from your authenticator app.');
    expect(await page.getByTestId('totp-qr').count()).toBe(0);
    expect(await page.locator('.code-input').count()).toBe(0);
    // The attempt lives on: no word of it ending.
    expect(await secondsShown(page.getByText(ATTEMPT_LINE), ATTEMPT_LINE)).toBeGreaterThan(120);
    expect(await page.getByText('This sign-in attempt expired').count()).toBe(0);
    await expectAccessible(page, 'login enrolment, key lapsed');
    await screenshot(page, '93-login-enrolment-key-lapsed');

    await page.getByRole('button', { name: 'Get a new QR code' }).click();
    await expect.poll(() => started.length).toBe(2);
    expect(started[1]).not.toBe(started[0]);
    await page.getByTestId('totp-qr').locator('canvas').waitFor();
    await qrLine.waitFor();
    await typeCode(page, totp(started[1]!));
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication is on' }).waitFor();
  });

  it('Settings → Activate: the QR code counts down its 10 minutes, links to the app stores, and when it lapses offers a new one', async () => {
    const { workspaceId } = await suite.server.tenant('Settings Clock Super App', 'Settings Clock Workspace');
    const lou = await suite.server.account(workspaceId, 'lou@example.com', 'Lou Reed', 'admin');
    const { page } = await open();
    await page.clock.install();
    await submitPassword(page, lou.email);
    await expectSignedIn(page, 'Lou');
    const card = await openAccountSettings(page);

    const activation = page.waitForResponse((r) => r.request().method() === 'POST' && isPath(r.url(), ACTIVATION));
    await card.getByRole('button', { name: 'Activate', exact: true }).click();
    const pending = (await (await activation).json()) as { secret: string; expiresAt: string };
    const dialog = page.getByRole('dialog', { name: 'Activate two-factor authentication' });
    const qrLine = dialog.getByText(QR_LINE);
    await qrLine.waitFor();
    const left = await secondsShown(qrLine, QR_LINE);
    expect(left).toBeGreaterThan(540);
    expect(left).toBeLessThanOrEqual(600);
    expect(Math.abs(left - secondsUntil(pending.expiresAt))).toBeLessThanOrEqual(3);
    await expectStoreLinks(dialog);
    await expectAccessible(page, 'Activate dialog with the key countdown');
    await screenshot(page, '94-activate-countdown');

    await page.clock.fastForward('10:00');
    await dialog.getByText('This set-up expired').waitFor();
    expect(await qrLine.count()).toBe(0);
    // The page's clock is 10 minutes ahead of the server's now: set it back, as the next key is the server's 10 minutes.
    await page.clock.setSystemTime(new Date());
    const renewed = page.waitForResponse((r) => r.request().method() === 'POST' && isPath(r.url(), ACTIVATION));
    await dialog.getByRole('button', { name: 'Start again' }).click();
    const next = (await (await renewed).json()) as { secret: string };
    expect(next.secret).not.toBe(pending.secret);
    await qrLine.waitFor();
    expect(await secondsShown(qrLine, QR_LINE)).toBeGreaterThan(540);
    await typeCode(dialog, totp(next.secret));
    await page.getByRole('dialog', { name: 'Two-factor authentication is on' }).getByTestId('recovery-codes').waitFor();
  });
});
