import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from './errors.js';

/** NIST SP 800-63B §5.1.1.2: at least 8 characters; no composition rules. */
export const PASSWORD_MIN_LENGTH = 8;
/** Long passphrases are welcome; the bound only keeps hashing cost predictable. Never truncated. */
export const PASSWORD_MAX_LENGTH = 256;

/** NFKC form of a password (NIST SP 800-63B §5.1.1.2), so the same password typed on another keyboard or OS matches. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

let commonPasswords: Set<string> | undefined;

/** True when `password` is on the list of common passwords (zxcvbn-ts's list of ~49,000), case-insensitively. */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return commonPasswords.has(password.toLowerCase());
}

/**
 * Why `password` is refused, or null when it is acceptable (NIST SP 800-63B §3.1.1.2):
 * length in Unicode code points, no composition rules, a blocklist, never truncated.
 */
export function findPasswordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters (15 or more is better)`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters`;
  if (isCommonPassword(password)) return 'This password is too common; choose another';
  return null;
}

/** 400 `weak_password`, with the reason, when the policy refuses `password` (account creation, password change and reset). */
export function assertAcceptablePassword(password: string): void {
  const problem = findPasswordProblem(password);
  if (problem) throw new AppError('weak_password', {}, problem);
}
