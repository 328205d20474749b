import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import jsQRModule from 'jsqr';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createSmtpMailer, type Mailer } from '../../src/adapters/mailer.js';
import { createSecretBox } from '../../src/adapters/secret-box.js';
import { systemClock, systemRandom } from '../../src/adapters/system.js';
import type { TwoFactorPolicy } from '../../src/domain/policy.js';
import { decodeTotpKey, generateTotpCode } from '../../src/domain/totp.js';
import { relyingPartyFor } from '../../src/domain/webauthn.js';
import { buildApp, type HttpApp } from '../../src/http/app.js';
import type { Deps } from '../../src/services/deps.js';
import { withOutbox } from '../../src/services/deliveries.js';
import { addMember, addSuperAppAdmin, createAccount, createSuperApp, createWorkspace, updatePolicy } from '../../src/services/operator.js';
import type { DialectName } from '../../src/store/database.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { fastHasher } from './hasher.js';
import { startSmtpServer, type TestSmtpServer } from './smtp-server.js';

/**
 * Browser tests: a real HTTP server (SQLite, real clock, SMTP mail to a test server,
 * the built console) driven by Debian's Chromium through playwright-core. No browser is
 * ever downloaded: without Chromium the suites skip locally and fail under CI=true.
 */

export const PASSWORD = 'correct horse battery staple';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CONSOLE_DIR = resolve('console/dist');
export const RESULTS_DIR = resolve('test-results/e2e');
export const DOCS_SCREENSHOTS_DIR = resolve('docs/screenshots');

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Why the browser suites cannot run here, or undefined when they can. */
export const browserSkipReason: string | undefined = existsSync(CHROMIUM_PATH)
  ? undefined
  : `Chromium not found at ${CHROMIUM_PATH} (install Debian's chromium or set CHROMIUM_PATH)`;
/** Appended to the browser suites' titles, so the closing summary says why they skipped. */
export const BROWSER_SKIP_SUFFIX = browserSkipReason ? ` [skipped: ${browserSkipReason}]` : '';

if (browserSkipReason) {
  if (process.env.CI === 'true') throw new Error(`CI=true but the browser tests cannot run: ${browserSkipReason}`);
  console.warn(`[mpp-2fa e2e] SKIPPED: ${browserSkipReason}`);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

// jsqr is CommonJS whose typings declare an ES default export: take whichever is the function.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as (typeof jsQRModule)['default'];

const silentLogger = { info() {}, warn() {}, error() {} };

export interface SeededAccount {
  id: string;
  email: string;
  name: string;
}

export interface ApiAnswer {
  status: number;
  body: any;
  sessionCookie: string | undefined;
}

/** The server under test with the operator tasks the tests seed with. */
export interface E2eServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  app: HttpApp;
  deps: Deps;
  smtp: TestSmtpServer;
  /** A super app with one workspace (and its policy, when given). */
  tenant(superAppName: string, workspaceName: string, policy?: Partial<TwoFactorPolicy>): Promise<{ superAppId: string; workspaceId: string }>;
  /** A new account with `PASSWORD`, member of `workspaceId`. */
  account(workspaceId: string, email: string, name: string, role?: 'admin' | 'developer'): Promise<SeededAccount>;
  makeSuperAppAdmin(superAppId: string, email: string): Promise<void>;
  setPolicy(superAppId: string, policy: Partial<TwoFactorPolicy>): Promise<void>;
  /** JSON request through the app (no Origin header, like a script). */
  api(method: string, url: string, options?: { body?: unknown; cookie?: string }): Promise<ApiAnswer>;
  /**
   * Activates the account's authenticator through the API (password-only login first).
   * The code of the current step is then spent: the next login needs `totp(secret, 30)`.
   */
  activateTotp(email: string): Promise<{ secret: string; recoveryCodes: string[] }>;
  close(): Promise<void>;
}

/** Checks the console build exists: the browser tests run the real built console. */
export function assertConsoleBuilt(): void {
  if (!existsSync(join(CONSOLE_DIR, 'index.html'))) {
    throw new Error(`${join(CONSOLE_DIR, 'index.html')} is missing: build the console first with \`npm run build:console\` (\`npm test\` builds it).`);
  }
}

/** Listens on 127.0.0.1 at a free port with a fresh database (SQLite unless told) and SMTP mail. */
export async function startE2eServer(dialect: DialectName = 'sqlite'): Promise<E2eServer> {
  assertConsoleBuilt();
  const smtp = await startSmtpServer();
  const mailer: Mailer = createSmtpMailer({ url: smtp.url, from: 'Mini Program Platform <no-reply@example.com>' });
  const database: TestDatabase = await createTestDatabase(dialect);
  const deps: Deps = withOutbox({
    db: database.handle.db,
    clock: systemClock,
    random: systemRandom,
    mailer,
    hasher: fastHasher,
    secretBox: createSecretBox([Buffer.from(systemRandom.bytes(32))]),
    logger: silentLogger,
    sessionIdleSeconds: 30 * 60,
    sessionAbsoluteSeconds: 12 * 3600,
    relyingParty: relyingPartyFor(undefined, 0),
  });
  const app = await buildApp(deps, { consoleDir: CONSOLE_DIR });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  // Passkeys need the page at http://localhost:PORT (an IP address is no relying party id).
  deps.relyingParty = relyingPartyFor(undefined, Number(new URL(address).port));

  const api: E2eServer['api'] = async (method, url, { body, cookie } = {}) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: cookie ? { cookie: `mpp_session=${cookie}` } : {},
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const session = response.cookies.find((c) => c.name === 'mpp_session');
    return {
      status: response.statusCode,
      body: response.body === '' ? undefined : JSON.parse(response.body),
      sessionCookie: session && session.value !== '' ? session.value : undefined,
    };
  };

  return {
    url: address,
    app,
    deps,
    smtp,
    async tenant(superAppName, workspaceName, policy) {
      const superApp = await createSuperApp(deps, superAppName);
      const workspace = await createWorkspace(deps, superApp.id, workspaceName);
      if (policy) await updatePolicy(deps, superApp.id, policy);
      return { superAppId: superApp.id, workspaceId: workspace.id };
    },
    async account(workspaceId, email, name, role = 'admin') {
      const account = await createAccount(deps, { email, name, password: PASSWORD });
      await addMember(deps, { workspaceId, email, role });
      return account;
    },
    async makeSuperAppAdmin(superAppId, email) {
      await addSuperAppAdmin(deps, { superAppId, email });
    },
    async setPolicy(superAppId, policy) {
      await updatePolicy(deps, superAppId, policy);
    },
    api,
    async activateTotp(email) {
      const login = await api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
      if (login.body?.status !== 'authenticated' || !login.sessionCookie)
        throw new Error(`expected a password-only login for ${email}: ${JSON.stringify(login.body)}`);
      const cookie = login.sessionCookie;
      const started = await api('POST', '/api/v1/account/two-factor/activation', { cookie });
      if (started.status !== 201) throw new Error(`activation failed: ${JSON.stringify(started.body)}`);
      const verified = await api('POST', '/api/v1/account/two-factor/activation/verify', { cookie, body: { code: totp(started.body.secret) } });
      if (verified.status !== 200) throw new Error(`activation verify failed: ${JSON.stringify(verified.body)}`);
      await api('POST', '/api/v1/auth/logout', { cookie });
      return { secret: started.body.secret, recoveryCodes: verified.body.recoveryCodes };
    },
    async close() {
      await app.close();
      await deps.outbox.stop();
      mailer.close();
      await smtp.close();
      await database.drop();
    },
  };
}

/**
 * The authenticator app: the code for `secret` at now + `offsetSeconds` (real clock).
 * A step is accepted once per account, so after one code the next one is `totp(secret, 30)`
 * (still inside the ±1 step window), never a sleep.
 */
export function totp(secret: string, offsetSeconds = 0): string {
  return generateTotpCode(decodeTotpKey(secret), new Date(Date.now() + offsetSeconds * 1000));
}

/** Six digits that are none of the codes the server would accept (or hint about) right now. */
export function wrongTotp(secret: string): string {
  const near = new Set([-60, -30, 0, 30, 60].map((offset) => totp(secret, offset)));
  for (let n = 123456; ; n += 111111) {
    const candidate = String(n % 1_000_000).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

// ---------------------------------------------------------------------------------------
// Pages

export interface E2ePage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and Content-Security-Policy violations seen in the page. */
  problems: string[];
  /** The latest API answers (method, path, status), for the report of a failed test. */
  apiTrail: string[];
  close(): Promise<void>;
}

const AXE_PATH = join(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');
/** Where the page loads axe from: a same-origin URL answered by the test, so the console's CSP stays on. */
const AXE_ROUTE = '/__e2e__/axe.min.js';

/**
 * How long a locator waits. A wait that runs out is a failure, reported with a screenshot,
 * the page's text and its last API answers (see useBrowserSuite): that report showed the
 * CI failures of the workspace test to be a wrong default workspace, not a slow machine.
 */
const E2E_TIMEOUT_MS = 10_000;

/**
 * A fresh context (cookies, storage) and page on `server`, 1280×800; at `localhost` instead
 * of `127.0.0.1` when `host` says so (passkeys need a domain as relying party id).
 */
export async function openPage(
  browser: Browser,
  server: E2eServer,
  host?: 'localhost',
  options: { locale?: string; colorScheme?: 'light' | 'dark' } = {},
): Promise<E2ePage> {
  const baseURL = host ? server.url.replace('127.0.0.1', host) : server.url;
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    locale: options.locale ?? 'en-GB',
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  // axe is served as if the app had it, so the strict CSP (`script-src 'self'`) need not be bypassed.
  await context.route(`**${AXE_ROUTE}`, (route) => route.fulfill({ path: AXE_PATH, contentType: 'text/javascript; charset=utf-8' }));
  context.setDefaultTimeout(E2E_TIMEOUT_MS);
  const page = await context.newPage();
  const problems: string[] = [];
  const apiTrail: string[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/api/')) return;
    apiTrail.push(`${response.request().method()} ${url.pathname.replace(/\/challenges\/[^/]+/, '/challenges/:id')} → ${response.status()}`);
    if (apiTrail.length > 15) apiTrail.shift();
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return { context, page, problems, apiTrail, close: () => context.close() };
}

/**
 * Waits (up to 3 s) until no finite animation runs. The contexts ask for reduced motion,
 * which turns Ant Design's dialog motion off (console/src/App.tsx); looping ones (spinners, skeletons) never
 * settle, and Ant Design's click ripple (.ant-wave, 2 s, an overlay of its own) changes
 * nothing: both are left out.
 */
async function waitForAnimations(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .filter((a) => a.effect?.getTiming().iterations !== Infinity)
          .filter((a) => !((a.effect as KeyframeEffect | null)?.target as Element | null)?.closest('.ant-wave'))
          .every((a) => a.playState !== 'running'),
      undefined,
      { timeout: 3_000, polling: 50 },
    )
    .catch(() => {});
}

/**
 * Runs axe-core on the whole document (an open dialog included) and fails on any violation
 * of impact serious or critical, naming the rules and their first targets.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const loaded = await page.evaluate(() => typeof (window as any).axe === 'object');
  if (!loaded) await page.addScriptTag({ url: new URL(AXE_ROUTE, page.url()).toString() });
  // Animations (dialogs, popovers) settle first so colours are measured at their final values.
  await waitForAnimations(page);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return (result.violations as Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown[] }> }>).map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length > 0) {
    console.log(`axe (${where}): ${serious.map((v) => `${v.id} [${v.impact}] ${v.help} at ${v.targets.join(' ')}`).join('\n  ')}`);
  }
  expect(
    serious.map((v) => v.id),
    `serious/critical axe violations on ${where}`,
  ).toEqual([]);
}

/**
 * Screenshot to test-results/e2e/NAME.png (NAME is "NN-step"). With `docs`, and when
 * E2E_DOCS_SCREENSHOTS=1, also to docs/screenshots/DOCS.png for the README.
 */
export async function screenshot(target: Page | Locator, name: string, docs?: string): Promise<Buffer> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  const image = await target.screenshot({ path, animations: 'disabled', caret: 'hide' });
  if (docs && process.env.E2E_DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS_SCREENSHOTS_DIR, { recursive: true });
    copyFileSync(path, join(DOCS_SCREENSHOTS_DIR, `${docs}.png`));
  }
  return image;
}

/** The text a QR code image (PNG) holds. */
export function decodeQr(png: Buffer): string {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  if (!found) throw new Error('no QR code found in the image');
  return found.data;
}

/**
 * Fails unless there are `count` elements and each one's text sits on a single line, whole
 * and unclipped (a recovery code broken at a dash reads as two codes).
 */
export async function expectOnOneLineEach(items: Locator, count: number): Promise<void> {
  const layout = await items.evaluateAll((elements) =>
    elements.map((element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      const lines = new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top)));
      return { text: element.textContent ?? '', lines: lines.size, clipped: element.scrollWidth > element.clientWidth };
    }),
  );
  expect(layout).toHaveLength(count);
  expect(
    layout.filter((item) => item.lines !== 1 || item.clipped).map((item) => `${item.text}: ${item.lines} lines${item.clipped ? ', clipped' : ''}`),
  ).toEqual([]);
}

/** Saves text next to the screenshots (e.g. a downloaded file), for a human to look at. */
export function saveResult(name: string, text: string): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, name), text);
}

// ---------------------------------------------------------------------------------------
// Console steps shared by the suites

/** Opens the console and logs in with email + password (first factor only). */
export async function submitPassword(page: Page, email: string, password = PASSWORD): Promise<void> {
  if (!(await page.getByRole('button', { name: 'Log in' }).isVisible())) await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Types a six-digit code into the six boxes of a code input inside `scope`. */
export async function typeCode(scope: Page | Locator, code: string): Promise<void> {
  const first = scope.locator('.code-input input').first();
  await first.click();
  await first.page().keyboard.type(code);
}

/** Waits for the signed-in overview ("Welcome, NAME"). */
export async function expectSignedIn(page: Page, firstName: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: `Welcome, ${firstName}` }).waitFor();
}

/** The "Two-Factor Authentication" card of Settings → Account. */
export function twoFactorCard(page: Page): Locator {
  return page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: 'Two-Factor Authentication' }) });
}

/** Settings (the icon at the bottom left, by its accessible name) → Account tab. */
export async function openAccountSettings(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  await page.getByRole('tab', { name: 'Account' }).click();
  const card = twoFactorCard(page);
  await card.getByText('Status', { exact: true }).waitFor();
  return card;
}

/** The token of reset email number `count` to `email` (its link is PUBLIC_URL/reset-password#TOKEN); the mail goes out after the answer. */
export async function resetToken(server: E2eServer, email: string, count: number): Promise<string> {
  const resetMails = () => server.smtp.to(email).filter((mail) => mail.subject === 'Mini Program Platform: reset your password');
  await expect.poll(() => resetMails().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
  const mail = resetMails()[count - 1]!;
  const match = mail.text.match(/\/reset-password#([A-Za-z0-9_-]+)/);
  expect(match, mail.text).not.toBeNull();
  return match![1]!;
}

/** Saves what a failed test's page showed: FAILED-<test>.png and .txt (URL, visible text, last API answers). */
async function reportFailure(current: E2ePage, testName: string): Promise<void> {
  const name = `FAILED-${testName.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 80)}`;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const text = await current.page.evaluate(() => document.body.innerText).catch((error: Error) => `(no text: ${error.message})`);
  await current.page.screenshot({ path: join(RESULTS_DIR, `${name}.png`) }).catch(() => {});
  const report = [`URL: ${current.page.url()}`, '', 'Last API answers:', ...current.apiTrail, '', 'Page text:', text.slice(0, 4000)].join('\n');
  writeFileSync(join(RESULTS_DIR, `${name}.txt`), report);
  console.log(`[e2e] ${testName} failed; the page is in ${join(RESULTS_DIR, name)}.png/.txt\n${report.slice(0, 1500)}`);
}

/**
 * Registers what every browser suite needs: one browser and one server per file, and a
 * fresh page per test that must end without uncaught errors or CSP violations. Call it
 * inside `describe`; `server` is there from `beforeAll` on.
 */
export function useBrowserSuite(dialect: DialectName = 'sqlite') {
  const state: { browser?: Browser; server?: E2eServer; current?: E2ePage } = {};
  beforeAll(async () => {
    [state.browser, state.server] = await Promise.all([launchBrowser(), startE2eServer(dialect)]);
  });
  afterAll(async () => {
    await state.browser?.close();
    await state.server?.close();
  });
  afterEach(async (context) => {
    const problems = state.current?.problems ?? [];
    if (state.current && (context.task.result?.errors?.length ?? 0) > 0) await reportFailure(state.current, context.task.name);
    await state.current?.close();
    state.current = undefined;
    expect(problems, 'uncaught errors or CSP violations in the page').toEqual([]);
  });
  return {
    get server(): E2eServer {
      return state.server!;
    },
    open: async (host?: 'localhost', options?: { locale?: string; colorScheme?: 'light' | 'dark' }) =>
      (state.current = await openPage(state.browser!, state.server!, host, options)),
  };
}
