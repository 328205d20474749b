import type { Locale } from '../domain/locale.js';

/**
 * Every email the product sends, in English and Simplified Chinese (issue 14). Pure: the
 * caller picks the account's language (null or undefined: English) and passes the time.
 * The English texts are the ones the product has always sent, byte for byte. No message
 * carries a secret beyond what it exists to deliver (an email code, a reset link).
 */

/** Security notices that carry no line of their own. */
export type PlainNoticeKind =
  | 'activated'
  | 'deactivated'
  | 'recovery_codes_regenerated'
  | 'recovery_code_used'
  | 'locked'
  | 'totp_replayed'
  | 'passkey_removed'
  | 'totp_removed'
  | 'passkey_sign_counter_regressed'
  | 'password_changed'
  | 'password_reset';

/** What an emailed code is for (the sentence "Use it to …"). */
export type EmailCodeUse =
  { kind: 'deactivation' } | { kind: 'sign_in' | 'switch'; workspace: string | null; superApp: string | null } | { kind: 'step_up'; superApp: string | null };

export type MailTemplate =
  | { kind: PlainNoticeKind }
  /** A sign-in from a browser the account had not used; the user agent is the client's own text, cleaned here. */
  | { kind: 'new_sign_in'; ip: string | null; userAgent: string | null }
  /** Two-factor reset by an admin of a super app, or (null) by an operator. */
  | { kind: 'reset'; by: { adminName: string; superApp: string } | null }
  /** A passkey or security key added; the name when it was added in Settings. */
  | { kind: 'passkey_added'; name?: string }
  | { kind: 'email_code'; code: string; validMinutes: number; purpose: EmailCodeUse }
  | { kind: 'password_reset_link'; link: string; validMinutes: number };

export type SecurityNoticeKind = Exclude<MailTemplate['kind'], 'email_code' | 'password_reset_link'>;

export interface RenderedMail {
  subject: string;
  text: string;
}

interface Phrases {
  notices: Record<SecurityNoticeKind, { subject: string; body: string }>;
  product: string;
  subjectPrefix: string;
  when: (now: Date) => string;
  ifNotYou: string;
  newSignIn: (ip: string | null, browser: string | null) => string;
  resetBy: (by: { adminName: string; superApp: string } | null) => string;
  passkeyName: (name: string) => string;
  codeSubject: string;
  code: (code: string, forWhat: string, minutes: number) => string[];
  forWhat: (purpose: EmailCodeUse) => string;
  resetSubject: string;
  resetLink: (link: string, minutes: number) => string[];
}

const ZH_DATE = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' });

const EN: Phrases = {
  notices: {
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
    reset: {
      subject: 'Your two-factor authentication was reset',
      body: 'Two-factor authentication was reset for your account and you were signed out everywhere. Set it up again after you sign in.',
    },
    new_sign_in: { subject: 'New sign-in to your account', body: 'Your account was signed in to from a browser or device it had not used before.' },
    totp_replayed: {
      subject: 'A code from your authenticator was used again',
      body: 'Someone entered a code from your authenticator app that had already been used. Each code works once; if you did not enter it twice yourself, someone may be watching your codes.',
    },
    passkey_added: {
      subject: 'A passkey or security key was added',
      body: 'A passkey or security key was added to your account; it can now be used as your second factor.',
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
  },
  product: 'Mini Program Platform',
  subjectPrefix: 'Mini Program Platform: ',
  when: (now) => `When: ${now.toUTCString()}`,
  ifNotYou: 'If this was not you, sign in and review your security settings, or contact your workspace admin.',
  newSignIn: (ip, browser) => `From: ${ip ?? 'unknown address'}\nBrowser: ${browser ?? 'unknown'}`,
  resetBy: (by) => `Reset by: ${by ? `${by.adminName}, an admin of ${by.superApp}` : 'an operator of the Mini Program Platform'}`,
  passkeyName: (name) => `Name: ${name}`,
  codeSubject: 'Your Mini Program Platform verification code',
  code: (code, forWhat, minutes) => [
    `Your verification code is ${code}`,
    '',
    `Use it to ${forWhat}. It expires in ${minutes} minutes and works once.`,
    'Never share this code. Mini Program Platform staff will never ask you for it.',
    'If you did not request it, someone may know your password: change it and turn on an authenticator app.',
  ],
  forWhat: (purpose) => {
    if (purpose.kind === 'deactivation') return 'turn off two-factor authentication for your account';
    if (purpose.kind === 'step_up') return `confirm it is you before acting on the super app "${purpose.superApp ?? 'unknown'}"`;
    const verb = purpose.kind === 'switch' ? 'switch to' : 'sign in to';
    return `${verb} the workspace "${purpose.workspace ?? 'unknown'}" (${purpose.superApp ?? ''})`;
  },
  resetSubject: 'Mini Program Platform: reset your password',
  resetLink: (link, minutes) => [
    'Someone asked to reset the password of your Mini Program Platform account.',
    '',
    `Choose a new password here: ${link}`,
    '',
    `The link works once, for ${minutes} minutes, and only the newest link you were sent works.`,
    'If your account uses two-factor authentication, you will need your authenticator app or a recovery code.',
    'If you did not ask for this, ignore this email: your password stays as it is.',
    '',
    'Mini Program Platform',
  ],
};

const ZH: Phrases = {
  notices: {
    activated: { subject: '已开启双重身份验证', body: '你的账号已开启使用验证器应用的双重身份验证。' },
    deactivated: { subject: '已关闭双重身份验证', body: '你的账号已关闭双重身份验证。' },
    recovery_codes_regenerated: { subject: '已生成新的恢复码', body: '已为你的账号生成新的恢复码，旧的恢复码已失效。' },
    recovery_code_used: { subject: '有一个恢复码已被使用', body: '有人使用了一个恢复码来验证你的身份。每个恢复码只能使用一次。' },
    reset: { subject: '你的双重身份验证已被重置', body: '你的账号的双重身份验证已被重置，所有设备上的登录均已退出。请在登录后重新设置。' },
    new_sign_in: { subject: '你的账号有新的登录', body: '你的账号在一个以前未使用过的浏览器或设备上登录了。' },
    totp_replayed: {
      subject: '验证器中的验证码被再次使用',
      body: '有人输入了一个已经用过的验证器验证码。每个验证码只能使用一次；如果不是你自己输入了两次，可能有人在窥视你的验证码。',
    },
    passkey_added: { subject: '已添加通行密钥或安全密钥', body: '你的账号已添加一个通行密钥或安全密钥，现在可以用它作为第二重验证。' },
    passkey_removed: { subject: '已移除通行密钥或安全密钥', body: '已从你的账号中移除一个通行密钥或安全密钥。' },
    totp_removed: { subject: '你的验证器应用已被移除', body: '已从你的账号中移除验证器应用。双重身份验证仍然开启，可使用你的通行密钥和安全密钥。' },
    passkey_sign_counter_regressed: {
      subject: '通行密钥或安全密钥可能已被复制',
      body: '一次使用你的通行密钥或安全密钥的登录被拒绝，因为它的签名计数器发生了回退，这通常意味着该密钥被克隆。请在“设置”中移除该密钥并添加一个新的。',
    },
    password_changed: { subject: '你的密码已更改', body: '你的账号密码已更改。其他浏览器和设备上的登录均已退出。' },
    password_reset: { subject: '你的密码已重置', body: '你的账号密码已通过邮件中的链接重置。所有浏览器和设备上的登录均已退出。' },
    locked: { subject: '第二重验证已被锁定', body: '你的账号输入了过多错误的验证码，验证已被暂时锁定。' },
  },
  product: '小程序平台',
  subjectPrefix: '小程序平台：',
  when: (now) => `时间：${ZH_DATE.format(now)}`,
  ifNotYou: '如果这不是你本人的操作，请登录并检查你的安全设置，或联系你的工作区管理员。',
  newSignIn: (ip, browser) => `来源：${ip ?? '未知地址'}\n浏览器：${browser ?? '未知'}`,
  resetBy: (by) => `重置者：${by ? `${by.adminName}（${by.superApp} 的管理员）` : '小程序平台的运营人员'}`,
  passkeyName: (name) => `名称：${name}`,
  codeSubject: '你的小程序平台验证码',
  code: (code, forWhat, minutes) => [
    `你的验证码是 ${code}`,
    '',
    `此验证码用于${forWhat}。${minutes} 分钟内有效，只能使用一次。`,
    '请勿将此验证码告诉任何人。小程序平台的工作人员绝不会向你索要验证码。',
    '如果这不是你请求的，可能有人已经知道你的密码：请更改密码并开启验证器应用。',
  ],
  forWhat: (purpose) => {
    if (purpose.kind === 'deactivation') return '关闭你账号的双重身份验证';
    if (purpose.kind === 'step_up') return `在对超级应用“${purpose.superApp ?? '未知'}”执行操作前确认是你本人`;
    const verb = purpose.kind === 'switch' ? '切换到' : '登录';
    return `${verb}工作区“${purpose.workspace ?? '未知'}”（${purpose.superApp ?? ''}）`;
  },
  resetSubject: '小程序平台：重置你的密码',
  resetLink: (link, minutes) => [
    '有人请求重置你的小程序平台账号的密码。',
    '',
    `请在此设置新密码：${link}`,
    '',
    `该链接只能使用一次，${minutes} 分钟内有效，并且只有你收到的最新链接有效。`,
    '如果你的账号使用了双重身份验证，你将需要验证器应用或恢复码。',
    '如果这不是你请求的，请忽略此邮件：你的密码不会改变。',
    '',
    '小程序平台',
  ],
};

/** The user agent as a notice shows it: one line, printable ASCII, at most 200 characters. */
function cleanUserAgent(userAgent: string | null): string | null {
  return userAgent === null ? null : userAgent.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

function noticeExtra(message: Exclude<MailTemplate, { kind: 'email_code' | 'password_reset_link' }>, phrases: Phrases): string {
  switch (message.kind) {
    case 'new_sign_in':
      return phrases.newSignIn(message.ip, cleanUserAgent(message.userAgent));
    case 'reset':
      return phrases.resetBy(message.by);
    case 'passkey_added':
      return message.name === undefined ? '' : phrases.passkeyName(message.name);
    default:
      return '';
  }
}

/** Subject and plain text of `message` in `locale` (null or undefined: English), dated `now`. */
export function renderMail(message: MailTemplate, locale: Locale | null | undefined, now: Date): RenderedMail {
  const phrases = locale === 'zh-CN' ? ZH : EN;
  if (message.kind === 'email_code') {
    return { subject: phrases.codeSubject, text: phrases.code(message.code, phrases.forWhat(message.purpose), message.validMinutes).join('\n') };
  }
  if (message.kind === 'password_reset_link') {
    return { subject: phrases.resetSubject, text: phrases.resetLink(message.link, message.validMinutes).join('\n') };
  }
  const { subject, body } = phrases.notices[message.kind];
  const text = [body, noticeExtra(message, phrases), phrases.when(now), '', phrases.ifNotYou, '', phrases.product].join('\n');
  return { subject: `${phrases.subjectPrefix}${subject}`, text };
}
