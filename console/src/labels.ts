import { currentLanguage, t } from './i18n';
import type { ChallengeMethod } from './types';

const METHODS: readonly ChallengeMethod[] = ['totp', 'email', 'recovery_code', 'totp_enrollment', 'webauthn', 'webauthn_enrollment'];

/** The words the console shows for each second-factor method, in the current language (read when used). */
export const METHOD_LABELS = Object.defineProperties(
  {},
  Object.fromEntries(METHODS.map((method) => [method, { get: () => t(`methods.${method}`), enumerable: true }])),
) as Readonly<Record<ChallengeMethod, string>>;

/** "Yes" / "No" for a policy flag. */
export const yesNo = (flag: boolean): string => (flag ? t('common.yes') : t('common.no'));

/** A date-time string rendered like "12 March 2025" (in the current language); the input unchanged when unparseable. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(dateLocale(), { day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}

/** A date-time string rendered like "12 March 2025, 14:05" (in the current language); the input unchanged when unparseable. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(dateLocale(), { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(date);
}

/** English dates keep the day-month-year order the console always used; Chinese ones are zh-CN's own. */
const dateLocale = (): string => (currentLanguage() === 'zh-CN' ? 'zh-CN' : 'en-GB');

/** Seconds as "m:ss" (or "Ns" under a minute) for countdowns. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Secret key in groups of four for reading aloud or typing: "JBSW Y3DP EHPK 3PXP". */
export const groupSecret = (secret: string): string => secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
