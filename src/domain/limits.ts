/** A login challenge lives this long (SPEC: challenges expire after 5 minutes). */
export const CHALLENGE_TTL_SECONDS = 5 * 60;
/** A WebAuthn challenge (registration or assertion) must be answered within 5 minutes, once. */
export const WEBAUTHN_CHALLENGE_TTL_SECONDS = 5 * 60;
/** Passkeys and security keys one account may register. */
export const WEBAUTHN_MAX_CREDENTIALS = 20;
/** Wrong codes that end a challenge: it survives four, the fifth kills it. */
export const CHALLENGE_MAX_FAILURES = 5;
/** A pending authenticator secret must be confirmed within 10 minutes. */
export const PENDING_TOTP_TTL_SECONDS = 10 * 60;
/** Email codes are valid for 10 minutes. */
export const EMAIL_CODE_TTL_SECONDS = 10 * 60;
/** Wrong tries that end one email code: it survives four, the fifth kills it. */
export const EMAIL_CODE_MAX_FAILURES = 5;
/** Minimum wait between two email codes for one account. */
export const EMAIL_CODE_RESEND_SECONDS = 60;
/** Email codes one account may be sent per rolling hour. */
export const EMAIL_CODES_PER_HOUR = 10;
/** Consecutive second-factor failures that lock verification for a while. */
export const SECOND_FACTOR_FAILURES_PER_LOCK = 10;
/** Consecutive failures after which only a 2FA reset unlocks the account (NIST SP 800-63B §5.2.2: at most 100). */
export const SECOND_FACTOR_MAX_FAILURES = 100;
/** The first lock lasts this long; each further lock doubles it, up to a day. */
export const SECOND_FACTOR_BASE_LOCK_SECONDS = 60;
const SECOND_FACTOR_MAX_LOCK_SECONDS = 24 * 60 * 60;
/** A permanent lock is stored as a lock far in the future. */
const PERMANENT_LOCK_SECONDS = 100 * 365 * 24 * 60 * 60;

/**
 * Lock length in seconds after `failures` consecutive second-factor failures, or 0 when
 * this failure does not start a lock. Every tenth failure locks, each lock twice as long
 * as the previous one; the hundredth locks until an operator resets the account.
 */
export function secondFactorLockSeconds(failures: number): number {
  if (failures >= SECOND_FACTOR_MAX_FAILURES) return PERMANENT_LOCK_SECONDS;
  if (failures === 0 || failures % SECOND_FACTOR_FAILURES_PER_LOCK !== 0) return 0;
  const lockNumber = failures / SECOND_FACTOR_FAILURES_PER_LOCK;
  return Math.min(SECOND_FACTOR_BASE_LOCK_SECONDS * 2 ** (lockNumber - 1), SECOND_FACTOR_MAX_LOCK_SECONDS);
}

/** Password failures are counted in windows of this length. */
export const PASSWORD_FAILURE_WINDOW_SECONDS = 15 * 60;
/** Wrong passwords per account (and per IP) in a window before answers slow down. */
export const PASSWORD_FREE_FAILURES_PER_ACCOUNT = 5;
export const PASSWORD_FREE_FAILURES_PER_IP = 30;
/** The longest wait imposed after a wrong password: throttling slows, it never locks the owner out. */
export const PASSWORD_MAX_DELAY_SECONDS_ACCOUNT = 60;
export const PASSWORD_MAX_DELAY_SECONDS_IP = 300;
/**
 * Wrong passwords from a known device (a valid `mpp_device` cookie for the account) before
 * its answers slow down: its own counter, so guessing from elsewhere never slows the owner.
 */
export const PASSWORD_FREE_FAILURES_PER_DEVICE = 5;
export const PASSWORD_MAX_DELAY_SECONDS_DEVICE = 60;
/** A device cookie lives this long after the last sign-in with it (browsers cap cookies at 400 days). */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;
/** Accounts one browser's device cookie remembers (most recent sign-in first). */
export const DEVICE_COOKIE_ACCOUNTS = 5;
/** Devices remembered per account; signing in from another forgets the longest unseen. */
export const MAX_DEVICES_PER_ACCOUNT = 50;
/** The owner hears of a replayed authenticator code at most once in this long. */
export const REPLAY_NOTICE_INTERVAL_SECONDS = 3600;
/** Verification emails one IP address may trigger per hour (no mail-bombing). */
export const EMAIL_CODES_PER_IP_PER_HOUR = 30;
/** Sensitive changes need a password entered this recently (or the password again). */
export const REAUTHENTICATION_WINDOW_SECONDS = 15 * 60;

/**
 * Seconds to wait after the last failure, once `failures` reach `freeFailures`: 1 s at
 * `freeFailures`, then 2 s, 4 s… up to `maxDelaySeconds`.
 */
export function throttleDelaySeconds(failures: number, freeFailures: number, maxDelaySeconds: number): number {
  if (failures < freeFailures) return 0;
  return Math.min(2 ** (failures - freeFailures), maxDelaySeconds);
}

/** A password-reset link works this long, once, and only while it is the newest one. */
export const PASSWORD_RESET_TTL_SECONDS = 30 * 60;
/** A newer reset link for the same email may be sent after this long. */
export const PASSWORD_RESET_RESEND_SECONDS = 60;
/** Reset links are counted per email in windows of this length. */
export const PASSWORD_RESET_WINDOW_SECONDS = 3600;
/** Reset links one email may be sent per window (known or not: the counter is kept either way). */
export const PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 5;
