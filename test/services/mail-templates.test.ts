import { describe, expect, it } from 'vitest';
import { EMAIL_CODE_TTL_SECONDS, PASSWORD_RESET_TTL_SECONDS } from '../../src/domain/limits.js';
import { localeFromAcceptLanguage } from '../../src/domain/locale.js';
import { type MailTemplate, type PlainNoticeKind, renderMail, type SecurityNoticeKind } from '../../src/services/mail-templates.js';

const NOW = new Date('2026-11-27T10:00:05.000Z');
const FOOTER = ['', 'If this was not you, sign in and review your security settings, or contact your workspace admin.', '', 'Mini Program Platform'];

/** The English notice text as the product has always sent it. */
function englishNotice(body: string, extra = ''): string {
  return [body, extra, `When: ${NOW.toUTCString()}`, ...FOOTER].join('\n');
}

const PLAIN: Record<PlainNoticeKind, { subject: string; body: string }> = {
  activated: {
    subject: 'Two-factor authentication was turned on',
    body: 'Two-factor authentication with an authenticator app was turned on for your account.',
  },
  deactivated: { subject: 'Two-factor authentication was turned off', body: 'Two-factor authentication was turned off for your account.' },
  recovery_codes_regenerated: {
    subject: 'New recovery codes were created',
    body: 'New recovery codes were created for your account. The old ones no longer work.',
  },
  recovery_code_used: { subject: 'A recovery code was used', body: 'A recovery code was used to verify your identity. Each code works once.' },
  totp_replayed: {
    subject: 'A code from your authenticator was used again',
    body: 'Someone entered a code from your authenticator app that had already been used. Each code works once; if you did not enter it twice yourself, someone may be watching your codes.',
  },
  passkey_removed: { subject: 'A passkey or security key was removed', body: 'A passkey or security key was removed from your account.' },
  totp_removed: {
    subject: 'Your authenticator app was removed',
    body: 'The authenticator app was removed from your account. Two-factor authentication stays on with your passkeys and security keys.',
  },
  passkey_sign_counter_regressed: {
    subject: 'A passkey or security key may have been copied',
    body: 'A sign-in with one of your passkeys or security keys was refused because its signature counter went back, which happens when a key was cloned. Remove that key in Settings and add a new one.',
  },
  password_changed: {
    subject: 'Your password was changed',
    body: 'The password of your account was changed. Other browsers and devices were signed out.',
  },
  password_reset: {
    subject: 'Your password was reset',
    body: 'The password of your account was reset with an emailed link. Every browser and device was signed out.',
  },
  locked: {
    subject: 'Second-factor verification was locked',
    body: 'Too many wrong verification codes were entered for your account, so verification is locked for a while.',
  },
};

const LINK = 'https://console.example.test/reset-password#Zx9_token-Abc';
const CODE = '482913';
const CODE_MINUTES = EMAIL_CODE_TTL_SECONDS / 60;
const RESET_MINUTES = PASSWORD_RESET_TTL_SECONDS / 60;

/** Every template with the English text the product sends today, and the values it carries. */
const CASES: { name: string; message: MailTemplate; subject: string; text: string; carries: string[] }[] = [
  ...Object.entries(PLAIN).map(([kind, { subject, body }]) => ({
    name: kind,
    message: { kind: kind as PlainNoticeKind },
    subject: `Mini Program Platform: ${subject}`,
    text: englishNotice(body),
    carries: [],
  })),
  {
    name: 'new_sign_in',
    message: { kind: 'new_sign_in', ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux) Chrome/131 \u00e9\n' },
    subject: 'Mini Program Platform: New sign-in to your account',
    text: englishNotice(
      'Your account was signed in to from a browser or device it had not used before.',
      'From: 203.0.113.7\nBrowser: Mozilla/5.0 (X11; Linux) Chrome/131 ??',
    ),
    carries: ['203.0.113.7', 'Mozilla/5.0 (X11; Linux) Chrome/131 ??'],
  },
  {
    name: 'new_sign_in without address or browser',
    message: { kind: 'new_sign_in', ip: null, userAgent: null },
    subject: 'Mini Program Platform: New sign-in to your account',
    text: englishNotice('Your account was signed in to from a browser or device it had not used before.', 'From: unknown address\nBrowser: unknown'),
    carries: [],
  },
  {
    name: 'reset by an admin',
    message: { kind: 'reset', by: { adminName: 'Wang Fang', superApp: 'Acme Pay' } },
    subject: 'Mini Program Platform: Your two-factor authentication was reset',
    text: englishNotice(
      'Two-factor authentication was reset for your account and you were signed out everywhere. Set it up again after you sign in.',
      'Reset by: Wang Fang, an admin of Acme Pay',
    ),
    carries: ['Wang Fang', 'Acme Pay'],
  },
  {
    name: 'reset by an operator',
    message: { kind: 'reset', by: null },
    subject: 'Mini Program Platform: Your two-factor authentication was reset',
    text: englishNotice(
      'Two-factor authentication was reset for your account and you were signed out everywhere. Set it up again after you sign in.',
      'Reset by: an operator of the Mini Program Platform',
    ),
    carries: [],
  },
  {
    name: 'passkey_added with a name',
    message: { kind: 'passkey_added', name: 'YubiKey 5C' },
    subject: 'Mini Program Platform: A passkey or security key was added',
    text: englishNotice('A passkey or security key was added to your account; it can now be used as your second factor.', 'Name: YubiKey 5C'),
    carries: ['YubiKey 5C'],
  },
  {
    name: 'passkey_added during a login',
    message: { kind: 'passkey_added' },
    subject: 'Mini Program Platform: A passkey or security key was added',
    text: englishNotice('A passkey or security key was added to your account; it can now be used as your second factor.'),
    carries: [],
  },
  ...(
    [
      [{ kind: 'deactivation' }, 'turn off two-factor authentication for your account', []],
      [{ kind: 'sign_in', workspace: 'Ops', superApp: 'Acme Pay' }, 'sign in to the workspace "Ops" (Acme Pay)', ['Ops', 'Acme Pay']],
      [{ kind: 'switch', workspace: 'Ops', superApp: 'Acme Pay' }, 'switch to the workspace "Ops" (Acme Pay)', ['Ops', 'Acme Pay']],
      [{ kind: 'step_up', superApp: 'Acme Pay' }, 'confirm it is you before acting on the super app "Acme Pay"', ['Acme Pay']],
    ] as const
  ).map(([purpose, forWhat, names]) => ({
    name: `email_code for ${purpose.kind}`,
    message: { kind: 'email_code' as const, code: CODE, validMinutes: CODE_MINUTES, purpose },
    subject: 'Your Mini Program Platform verification code',
    text: [
      `Your verification code is ${CODE}`,
      '',
      `Use it to ${forWhat}. It expires in ${EMAIL_CODE_TTL_SECONDS / 60} minutes and works once.`,
      'Never share this code. Mini Program Platform staff will never ask you for it.',
      'If you did not request it, someone may know your password: change it and turn on an authenticator app.',
    ].join('\n'),
    carries: [CODE, ...names],
  })),
  {
    name: 'password_reset_link',
    message: { kind: 'password_reset_link', link: LINK, validMinutes: RESET_MINUTES },
    subject: 'Mini Program Platform: reset your password',
    text: [
      'Someone asked to reset the password of your Mini Program Platform account.',
      '',
      `Choose a new password here: ${LINK}`,
      '',
      `The link works once, for ${PASSWORD_RESET_TTL_SECONDS / 60} minutes, and only the newest link you were sent works.`,
      'If your account uses two-factor authentication, you will need your authenticator app or a recovery code.',
      'If you did not ask for this, ignore this email: your password stays as it is.',
      '',
      'Mini Program Platform',
    ].join('\n'),
    carries: [LINK],
  },
];

describe('mail templates', () => {
  it('covers every security notice kind', () => {
    const kinds = new Set(CASES.map((c) => c.message.kind));
    const notices: SecurityNoticeKind[] = [
      'activated',
      'deactivated',
      'recovery_codes_regenerated',
      'recovery_code_used',
      'reset',
      'locked',
      'new_sign_in',
      'totp_replayed',
      'passkey_added',
      'passkey_removed',
      'totp_removed',
      'passkey_sign_counter_regressed',
      'password_changed',
      'password_reset',
    ];
    for (const notice of notices) expect(kinds.has(notice), notice).toBe(true);
  });

  it.each(CASES)('$name: English is the text sent today, byte for byte (null, undefined and en alike)', ({ message, subject, text }) => {
    for (const locale of ['en', null, undefined] as const) expect(renderMail(message, locale, NOW)).toEqual({ subject, text });
  });

  it.each(CASES)('$name: zh-CN is Chinese, with no English sentence left, and carries the same values', ({ message, subject, text, carries }) => {
    const zh = renderMail(message, 'zh-CN', NOW);
    expect(zh.subject).not.toBe(subject);
    expect(zh.text).not.toBe(text);
    for (const value of carries) expect(zh.text).toContain(value);
    let rest = `${zh.subject}\n${zh.text}`;
    for (const value of carries) rest = rest.replaceAll(value, '');
    rest = rest.replaceAll('UTC', '');
    expect(rest, 'English words left').not.toMatch(/[A-Za-z]{2,}/);
    expect(rest).toMatch(/[\u4e00-\u9fff]/);
  });

  it('dates a zh-CN notice the zh-CN way', () => {
    expect(renderMail({ kind: 'locked' }, 'zh-CN', NOW).text).toContain('时间：2026年11月27日 UTC 10:00:05');
    expect(renderMail({ kind: 'locked' }, 'zh-CN', NOW).subject).toBe('小程序平台：第二重验证已被锁定');
  });
});

describe('Accept-Language', () => {
  it.each([
    ['zh-CN,zh;q=0.9', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh-SG', 'zh-CN'],
    ['ZH-cn', 'zh-CN'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['en-US,zh-CN;q=1', 'en'],
    ['fr-FR,fr;q=0.9', 'en'],
    ['en;q=0.5, zh;q=0.8', 'zh-CN'],
    ['*', 'en'],
    ['zh;q=0, en;q=0.1', 'en'],
    ['en, , zh', 'en'],
  ] as const)('%s → %s', (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });

  it.each(['', ';;;', 'zh-CN;q=abc', 'zh;q=2', 'zh CN', '中文', 'zh;q=0', 'x'.repeat(2000), Array.from({ length: 40 }, () => 'en').join(',')])(
    'ignores %j',
    (header) => {
      expect(localeFromAcceptLanguage(header)).toBeUndefined();
    },
  );

  it('ignores no header', () => {
    expect(localeFromAcceptLanguage(undefined)).toBeUndefined();
    expect(localeFromAcceptLanguage(null)).toBeUndefined();
  });
});
