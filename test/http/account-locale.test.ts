import { afterEach, expect, it } from 'vitest';
import { findAccountById } from '../../src/store/accounts.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

const LOCALE = '/api/v1/account/locale';
const LOGIN = '/api/v1/auth/login';

describeEachDialect('account locale (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function setUp(): Promise<{ id: string }> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    return h.member(workspaceId, 'alice@example.com');
  }

  const login = (acceptLanguage?: string) =>
    h.api('POST', LOGIN, {
      body: { email: 'alice@example.com', password: PASSWORD },
      headers: acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage },
    });

  const storedLocale = async (id: string) => (await findAccountById(h.deps.db, id))?.locale;

  it('an account made without a browser has no locale; PUT sets it and the session shows it', async () => {
    const alice = await setUp();
    const cookie = (await login()).sessionCookie!;
    expect((await h.api('GET', '/api/v1/session', { cookie })).body.account.locale).toBeNull();

    const put = await h.api('PUT', LOCALE, { cookie, body: { locale: 'zh-CN' } });
    expect(put.status).toBe(204);
    expect((await h.api('GET', '/api/v1/session', { cookie })).body.account).toEqual({
      id: alice.id,
      email: 'alice@example.com',
      name: 'alice',
      locale: 'zh-CN',
    });

    expect((await h.api('PUT', LOCALE, { cookie, body: { locale: 'en' } })).status).toBe(204);
    expect((await h.api('GET', '/api/v1/session', { cookie })).body.account.locale).toBe('en');
    expect(await storedLocale(alice.id)).toBe('en');
  });

  it('a bad body is 400 invalid_request and changes nothing', async () => {
    const alice = await setUp();
    const cookie = (await login()).sessionCookie!;
    await h.api('PUT', LOCALE, { cookie, body: { locale: 'zh-CN' } });

    for (const body of [{ locale: 'fr' }, { locale: 'zh' }, { locale: 'ZH-CN' }, { locale: null }, {}, { locale: 'en', extra: 1 }, 42, [{ locale: 'en' }]]) {
      expectProblem(await h.api('PUT', LOCALE, { cookie, body }), 400, 'invalid_request');
    }
    expect(await storedLocale(alice.id)).toBe('zh-CN');
    expect((await h.api('GET', '/api/v1/session', { cookie })).body.account.locale).toBe('zh-CN');
  });

  it('without a session it is 401 unauthenticated', async () => {
    const alice = await setUp();
    expectProblem(await h.api('PUT', LOCALE, { body: { locale: 'zh-CN' } }), 401, 'unauthenticated');
    expectProblem(await h.api('PUT', LOCALE, { cookie: 'not-a-session', body: { locale: 'zh-CN' } }), 401, 'unauthenticated');
    expect(await storedLocale(alice.id)).toBeNull();
  });

  it("the first login takes the browser's language; a later login in another language does not overwrite it", async () => {
    const alice = await setUp();
    const first = await login('zh-CN,zh;q=0.9');
    expect(first.status).toBe(200);
    expect(await storedLocale(alice.id)).toBe('zh-CN');
    expect((await h.api('GET', '/api/v1/session', { cookie: first.sessionCookie! })).body.account.locale).toBe('zh-CN');

    const later = await login('en-US,en;q=0.9');
    expect(later.status).toBe(200);
    expect(await storedLocale(alice.id)).toBe('zh-CN');
  });

  it('a locale the owner chose is not overwritten by a login', async () => {
    const alice = await setUp();
    const cookie = (await login()).sessionCookie!;
    await h.api('PUT', LOCALE, { cookie, body: { locale: 'en' } });
    expect((await login('zh-CN')).status).toBe(200);
    expect(await storedLocale(alice.id)).toBe('en');
  });

  it('an English browser stores en; a wrong password stores nothing', async () => {
    const alice = await setUp();
    const wrong = await h.api('POST', LOGIN, { body: { email: 'alice@example.com', password: 'not the password' }, headers: { 'accept-language': 'zh-CN' } });
    expectProblem(wrong, 401, 'invalid_credentials');
    expect(await storedLocale(alice.id)).toBeNull();
    expect((await login('en-GB,en;q=0.8,zh;q=0.5')).status).toBe(200);
    expect(await storedLocale(alice.id)).toBe('en');
  });

  it('a malformed Accept-Language is ignored: the login works and the locale stays unset, for the next one to decide', async () => {
    const alice = await setUp();
    for (const header of ['zh-CN;q=banana', ';;;,,,', 'zh CN', 'x'.repeat(3000)]) {
      expect((await login(header)).status).toBe(200);
      expect(await storedLocale(alice.id)).toBeNull();
    }
    expect((await login('zh-Hans')).status).toBe(200);
    expect(await storedLocale(alice.id)).toBe('zh-CN');
  });

  it("emails go out in the account's language: a zh-CN browser's first login, then its email code and notices are Chinese; English after switching", async () => {
    await setUp();
    const first = await login('zh-CN,zh;q=0.9,en;q=0.5');
    const cookie = first.sessionCookie!;
    // A login from another browser: the "New sign-in" notice, in Chinese.
    await login('zh-CN');
    const notice = h.mailer.to('alice@example.com').at(-1)!;
    expect(notice.subject).toBe('小程序平台：你的账号有新的登录');
    expect(notice.text).toContain('你的账号在一个以前未使用过的浏览器或设备上登录了。');

    const activation = await h.activateTotp(cookie);
    const activated = h.mailer.to('alice@example.com').at(-1)!;
    expect(activated.subject).toBe('小程序平台：已开启双重身份验证');
    expect(activated.text).toContain('验证器应用');

    expect((await h.api('PUT', LOCALE, { cookie, body: { locale: 'en' } })).status).toBe(204);
    const regenerated = await h.api('POST', '/api/v1/account/two-factor/recovery-codes', {
      cookie,
      body: { password: PASSWORD, code: h.totp(activation.key) },
    });
    expect(regenerated.status).toBe(200);
    expect(h.mailer.to('alice@example.com').at(-1)!.subject).toBe('Mini Program Platform: New recovery codes were created');
  });
});
