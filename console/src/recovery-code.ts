/** A recovery code as shown to people: four lowercase groups of four, e.g. "abcd-efgh-jkmn-pqrs". */
export const RECOVERY_CODE_PATTERN = /^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/;

/** Lower-cases, drops spaces and re-inserts dashes so "ABCD EFGH JKMN PQRS" becomes "abcd-efgh-jkmn-pqrs". */
export function normalizeRecoveryCode(input: string): string {
  const compact = input.toLowerCase().replace(/[\s-]+/g, '');
  if (!/^[a-z0-9]{16}$/.test(compact)) return input.trim().toLowerCase();
  return compact.replace(/(.{4})(?=.)/g, '$1-');
}
