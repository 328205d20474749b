import type { Random } from './ports.js';

/** Ten recovery codes per set; each is single use. */
export const RECOVERY_CODE_COUNT = 10;
/** 16 characters of a 31-symbol alphabet: over 79 bits per code (NIST SP 800-63B §5.1.2 asks ≥ 64). */
const RECOVERY_CODE_LENGTH = 16;
/** Lowercase letters and digits without the look-alikes 0/o, 1/i/l. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Six-digit email verification codes (SPEC: email codes). */
export const EMAIL_CODE_DIGITS = 6;

/** `count` symbols drawn uniformly from `alphabet` by rejection sampling (no modulo bias). */
function pickSymbols(random: Random, alphabet: string, count: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < count) {
    for (const byte of random.bytes(count * 2)) {
      if (byte < limit && out.length < count) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** A fresh recovery code formatted `xxxx-xxxx-xxxx-xxxx`. */
export function generateRecoveryCode(random: Random): string {
  const raw = pickSymbols(random, RECOVERY_ALPHABET, RECOVERY_CODE_LENGTH);
  return raw.match(/.{4}/g)!.join('-');
}

/** A set of `RECOVERY_CODE_COUNT` distinct recovery codes. */
export function generateRecoveryCodes(random: Random): string[] {
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(generateRecoveryCode(random));
  return [...codes];
}

/** Canonical form of a typed recovery code (case, spaces and dashes ignored); null if malformed. */
export function normalizeRecoveryCode(input: string): string | null {
  const compact = input.toLowerCase().replace(/[\s-]/g, '');
  if (compact.length !== RECOVERY_CODE_LENGTH) return null;
  for (const ch of compact) if (!RECOVERY_ALPHABET.includes(ch)) return null;
  return compact.match(/.{4}/g)!.join('-');
}

/** A six-digit email code from the CSPRNG, leading zeros kept. */
export function generateEmailCode(random: Random): string {
  return pickSymbols(random, '0123456789', EMAIL_CODE_DIGITS);
}

/** True when `code` is exactly six ASCII digits (the only shape TOTP and email codes take). */
export function isSixDigitCode(code: string): boolean {
  return /^[0-9]{6}$/.test(code);
}

/** `alice@example.com` → `a***@example.com`, so a screen can say where a code went. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
