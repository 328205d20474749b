import { Secret, TOTP } from 'otpauth';

/** RFC 6238 parameters the product uses; Google Authenticator understands exactly these. */
export const TOTP_ISSUER = 'Mini Program Platform';
export const TOTP_DIGITS = 6;
export const TOTP_STEP_SECONDS = 30;
/** Steps accepted either side of the current one (RFC 6238 §5.2 allows a small window). */
export const TOTP_WINDOW_STEPS = 1;
/** 160-bit secret, the size RFC 4226 §4 recommends. */
export const TOTP_SECRET_BYTES = 20;
/** How far outside the window a code is still recognised to explain phone clock drift (never accepted). */
export const TOTP_DRIFT_HINT_STEPS = 20;

function totpFor(key: Uint8Array, label = 'account'): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_STEP_SECONDS,
    secret: new Secret({ buffer: Uint8Array.from(key).buffer }),
  });
}

/** The step number (RFC 6238 T) that contains `instant`. */
export function totpStepAt(instant: Date): number {
  return Math.floor(instant.getTime() / 1000 / TOTP_STEP_SECONDS);
}

/** Base32 (RFC 4648, no padding) of `key`, as typed into an authenticator app. */
export function encodeTotpKey(key: Uint8Array): string {
  return new Secret({ buffer: Uint8Array.from(key).buffer }).base32.replace(/=+$/, '');
}

/** Decodes a base32 key; throws on invalid input. */
export function decodeTotpKey(base32: string): Uint8Array {
  return new Uint8Array(Secret.fromBase32(base32).buffer);
}

/** `otpauth://totp/...` key URI with the issuer in the label and as a parameter (Key Uri Format). */
export function buildTotpKeyUri(key: Uint8Array, accountLabel: string): string {
  return totpFor(key, accountLabel).toString();
}

/** The code for `instant` (used by tests and benchmarks acting as the authenticator app). */
export function generateTotpCode(key: Uint8Array, instant: Date): string {
  return totpFor(key).generate({ timestamp: instant.getTime() });
}

/**
 * Step (current, then ±window per RFC 6238 §5.2) whose code equals `code`; null if none.
 * The comparison inside otpauth is constant-time.
 */
export function matchTotpStep(key: Uint8Array, code: string, instant: Date, windowSteps: number = TOTP_WINDOW_STEPS): number | null {
  const delta = totpFor(key).validate({ token: code, timestamp: instant.getTime(), window: windowSteps });
  return delta === null ? null : totpStepAt(instant) + delta;
}

/**
 * Seconds the authenticator's clock seems to be off (positive: ahead) when `code` matches
 * the key outside the accepted window but within ±10 minutes; null otherwise. Only a hint:
 * such a code is never accepted.
 */
export function estimateTotpClockDriftSeconds(key: Uint8Array, code: string, instant: Date): number | null {
  const step = matchTotpStep(key, code, instant, TOTP_DRIFT_HINT_STEPS);
  if (step === null) return null;
  const delta = step - totpStepAt(instant);
  return Math.abs(delta) <= TOTP_WINDOW_STEPS ? null : delta * TOTP_STEP_SECONDS;
}
