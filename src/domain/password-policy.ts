/** NIST SP 800-63B §5.1.1.2: at least 8 characters; no composition rules. */
export const PASSWORD_MIN_LENGTH = 8;
/** Long passphrases are welcome; the bound only keeps hashing cost predictable. Never truncated. */
export const PASSWORD_MAX_LENGTH = 256;

/** Why `password` is refused, or null when it is acceptable. Length counts Unicode code points. */
export function findPasswordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters (15 or more is better)`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters`;
  return null;
}
