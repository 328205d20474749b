import type { ChallengeMethod } from './types';

/** The words the console shows for each second-factor method. */
export const METHOD_LABELS: Record<ChallengeMethod, string> = {
  totp: 'Authenticator app',
  email: 'Email verification code',
  recovery_code: 'Recovery code',
  totp_enrollment: 'Set up authenticator app',
  webauthn: 'Passkey or security key',
  webauthn_enrollment: 'Add a passkey or security key',
};

/** "Yes" / "No" for a policy flag. */
export const yesNo = (flag: boolean): string => (flag ? 'Yes' : 'No');

/** A date-time string rendered like "12 March 2025"; the input unchanged when unparseable. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}

/** A date-time string rendered like "12 March 2025, 14:05"; the input unchanged when unparseable. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Seconds as "m:ss" (or "Ns" under a minute) for countdowns. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Secret key in groups of four for reading aloud or typing: "JBSW Y3DP EHPK 3PXP". */
export const groupSecret = (secret: string): string => secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
