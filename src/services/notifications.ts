import type { Deps } from './deps.js';

/** Security notices sent to an account; none carries a code or secret. */
export type SecurityNotice =
  | 'activated'
  | 'deactivated'
  | 'recovery_codes_regenerated'
  | 'recovery_code_used'
  | 'reset'
  | 'locked'
  | 'new_sign_in'
  | 'totp_replayed'
  | 'passkey_added'
  | 'passkey_removed'
  | 'totp_removed'
  | 'passkey_sign_counter_regressed'
  | 'password_changed'
  | 'password_reset';

const NOTICES: Record<SecurityNotice, { subject: string; body: string }> = {
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
};

/**
 * Emails a security notice. Runs after the change committed; a delivery failure is
 * logged (without the message) and does not undo the change.
 */
export async function sendSecurityNotice(deps: Pick<Deps, 'mailer' | 'logger' | 'clock'>, to: string, notice: SecurityNotice, extra = ''): Promise<void> {
  const { subject, body } = NOTICES[notice];
  const text = [
    body,
    extra,
    `When: ${deps.clock.now().toUTCString()}`,
    '',
    'If this was not you, sign in and review your security settings, or contact your workspace admin.',
    '',
    'Mini Program Platform',
  ]
    .filter((line) => line !== null)
    .join('\n');
  try {
    await deps.mailer.send({ to, subject: `Mini Program Platform: ${subject}`, text });
  } catch (error) {
    deps.logger.warn({ notice, err: (error as Error).message }, 'security notice could not be sent');
  }
}
