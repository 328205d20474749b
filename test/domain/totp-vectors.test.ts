import { HOTP, Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import {
  buildTotpKeyUri,
  decodeTotpKey,
  encodeTotpKey,
  estimateTotpClockDriftSeconds,
  generateTotpCode,
  matchTotpStep,
  TOTP_DIGITS,
  TOTP_ISSUER,
  TOTP_SECRET_BYTES,
  TOTP_STEP_SECONDS,
  totpStepAt,
} from '../../src/domain/totp.js';

const ascii = (text: string) => new TextEncoder().encode(text);

/** A fixed 20-byte key and instant, so every expectation below is reproducible. */
const KEY = Uint8Array.from({ length: TOTP_SECRET_BYTES }, (_, i) => (i * 37 + 11) % 256);
const NOW = new Date('2026-11-27T10:00:05.000Z');
const STEP = totpStepAt(NOW);
/** `NOW` moved by `steps` TOTP steps: what a phone whose clock is that far off would show. */
const stepsFromNow = (steps: number) => new Date(NOW.getTime() + steps * TOTP_STEP_SECONDS * 1000);

describe('otpauth as configured reproduces RFC 4226 Appendix D (HOTP)', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  const hotp = new HOTP({ secret: Secret.fromLatin1('12345678901234567890'), algorithm: 'SHA1', digits: TOTP_DIGITS });

  it.each(expected.map((code, counter) => ({ counter, code })))('counter $counter gives $code', ({ counter, code }) => {
    expect(hotp.generate({ counter })).toBe(code);
    expect(hotp.validate({ token: code, counter, window: 0 })).toBe(0);
  });
});

describe('otpauth reproduces RFC 6238 Appendix B (TOTP, 8 digits, 30 s)', () => {
  // Appendix B uses a seed of the hash's output length for each algorithm (RFC 6238 erratum 2866).
  const seeds = {
    SHA1: '12345678901234567890',
    SHA256: '12345678901234567890123456789012',
    SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
  } as const;
  const vectors: Array<[number, keyof typeof seeds, string]> = [
    [59, 'SHA1', '94287082'],
    [59, 'SHA256', '46119246'],
    [59, 'SHA512', '90693936'],
    [1111111109, 'SHA1', '07081804'],
    [1111111109, 'SHA256', '68084774'],
    [1111111109, 'SHA512', '25091201'],
    [1111111111, 'SHA1', '14050471'],
    [1111111111, 'SHA256', '67062674'],
    [1111111111, 'SHA512', '99943326'],
    [1234567890, 'SHA1', '89005924'],
    [1234567890, 'SHA256', '91819424'],
    [1234567890, 'SHA512', '93441116'],
    [2000000000, 'SHA1', '69279037'],
    [2000000000, 'SHA256', '90698825'],
    [2000000000, 'SHA512', '38618901'],
    [20000000000, 'SHA1', '65353130'],
    [20000000000, 'SHA256', '77737706'],
    [20000000000, 'SHA512', '47863826'],
  ];

  it('uses seeds of 20, 32 and 64 bytes', () => {
    expect([seeds.SHA1, seeds.SHA256, seeds.SHA512].map((s) => ascii(s).length)).toEqual([20, 32, 64]);
  });

  it.each(vectors)('T = %i s with %s gives %s', (seconds, algorithm, code) => {
    const totp = new TOTP({ secret: Secret.fromLatin1(seeds[algorithm]), algorithm, digits: 8, period: 30 });
    expect(totp.generate({ timestamp: seconds * 1000 })).toBe(code);
    expect(totp.validate({ token: code, timestamp: seconds * 1000, window: 0 })).toBe(0);
  });
});

describe('our wrappers use RFC 6238 with SHA-1, 6 digits and 30 s steps', () => {
  it('generateTotpCode matches the RFC 6238 SHA-1 vectors truncated to 6 digits', () => {
    const seed = ascii('12345678901234567890');
    // The 6-digit code is the 8-digit code's last six digits (RFC 4226 §5.3: mod 10^digits).
    expect(generateTotpCode(seed, new Date(59_000))).toBe('287082');
    expect(generateTotpCode(seed, new Date(1111111109_000))).toBe('081804');
    expect(generateTotpCode(seed, new Date(2000000000_000))).toBe('279037');
  });

  it('totpStepAt counts 30-second steps since the epoch', () => {
    expect(totpStepAt(new Date(59_000))).toBe(1);
    expect(totpStepAt(new Date(1111111109_000))).toBe(0x23523ec);
    expect(totpStepAt(new Date(29_999))).toBe(0);
    expect(totpStepAt(new Date(30_000))).toBe(1);
  });

  it('a code is six ASCII digits, leading zeros kept', () => {
    for (let s = -5; s <= 5; s += 1) expect(generateTotpCode(KEY, stepsFromNow(s))).toMatch(/^[0-9]{6}$/);
  });
});

describe('matchTotpStep accepts the current step and one either side', () => {
  it.each([-1, 0, 1])('a code from step %i relative to now matches that step', (offset) => {
    const code = generateTotpCode(KEY, stepsFromNow(offset));
    expect(matchTotpStep(KEY, code, NOW)).toBe(STEP + offset);
  });

  it.each([-2, 2, -3, 3])('a code from step %i relative to now is refused', (offset) => {
    const code = generateTotpCode(KEY, stepsFromNow(offset));
    expect(matchTotpStep(KEY, code, NOW)).toBeNull();
  });

  it('any instant within a step gives the same code', () => {
    const start = new Date(STEP * TOTP_STEP_SECONDS * 1000);
    const end = new Date(start.getTime() + TOTP_STEP_SECONDS * 1000 - 1);
    expect(generateTotpCode(KEY, start)).toBe(generateTotpCode(KEY, end));
    expect(matchTotpStep(KEY, generateTotpCode(KEY, start), end)).toBe(STEP);
  });

  it('a code for another key is refused', () => {
    const other = Uint8Array.from(KEY, (b) => b ^ 0xff);
    expect(matchTotpStep(KEY, generateTotpCode(other, NOW), NOW)).toBeNull();
  });

  it.each(['', '12345', '1234567', 'abcdef'])('a malformed code %j matches nothing', (code) => {
    expect(matchTotpStep(KEY, code, NOW)).toBeNull();
  });
});

describe('estimateTotpClockDriftSeconds explains a phone clock up to 10 minutes off', () => {
  const beyondWindow = [2, 3, 5, 10, 19, 20];

  it.each(beyondWindow.flatMap((n) => [n, -n]))('a code %i steps away means the phone is %i × 30 s off', (steps) => {
    const code = generateTotpCode(KEY, stepsFromNow(steps));
    expect(estimateTotpClockDriftSeconds(KEY, code, NOW)).toBe(steps * 30);
  });

  it.each([-1, 0, 1])('a code inside the window (step %i) is not drift: null', (steps) => {
    expect(estimateTotpClockDriftSeconds(KEY, generateTotpCode(KEY, stepsFromNow(steps)), NOW)).toBeNull();
  });

  it.each([21, -21, 40, -40])('a code %i steps (over 10 minutes) away gives null', (steps) => {
    expect(estimateTotpClockDriftSeconds(KEY, generateTotpCode(KEY, stepsFromNow(steps)), NOW)).toBeNull();
  });

  it('a code that matches no step gives null', () => {
    const other = Uint8Array.from(KEY, (b) => b ^ 0x5a);
    expect(estimateTotpClockDriftSeconds(KEY, generateTotpCode(other, NOW), NOW)).toBeNull();
  });
});

describe('buildTotpKeyUri follows the Key Uri Format', () => {
  const uri = buildTotpKeyUri(KEY, 'a+b@example.com');
  const parsed = new URL(uri);

  it('is an otpauth://totp/ URI', () => {
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.host).toBe('totp');
  });

  it('puts the issuer before the percent-encoded account in the label', () => {
    const label = parsed.pathname.slice(1);
    const [issuer, account] = label.split(/:|%3A/i);
    expect(decodeURIComponent(issuer!)).toBe(TOTP_ISSUER);
    // '+' must be encoded: some apps read a literal '+' as a space.
    expect(account).toBe('a%2Bb%40example.com');
    expect(decodeURIComponent(account!)).toBe('a+b@example.com');
  });

  it('repeats the issuer as a parameter and names SHA1, 6 digits and 30 s', () => {
    expect(parsed.searchParams.get('issuer')).toBe(TOTP_ISSUER);
    expect(parsed.searchParams.get('algorithm')).toBe('SHA1');
    expect(parsed.searchParams.get('digits')).toBe('6');
    expect(parsed.searchParams.get('period')).toBe('30');
  });

  it('carries the base32 secret without padding', () => {
    expect(parsed.searchParams.get('secret')).toBe(encodeTotpKey(KEY));
    expect(uri).not.toMatch(/secret=[^&]*(=|%3D)/i);
    expect(decodeTotpKey(parsed.searchParams.get('secret')!)).toEqual(KEY);
  });

  it('leaves no padding even for a key whose base32 would need it', () => {
    const key16 = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const secret = new URL(buildTotpKeyUri(key16, 'alice@example.com')).searchParams.get('secret');
    expect(secret).toBe(encodeTotpKey(key16));
    expect(secret).not.toContain('=');
  });
});

describe('encodeTotpKey and decodeTotpKey', () => {
  it('a 20-byte key is 32 base32 characters', () => {
    const encoded = encodeTotpKey(KEY);
    expect(encoded).toHaveLength(32);
    expect(encoded).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('encodes RFC 4648 §10 test data without padding', () => {
    expect(encodeTotpKey(ascii('f'))).toBe('MY');
    expect(encodeTotpKey(ascii('foobar'))).toBe('MZXW6YTBOI');
    expect(encodeTotpKey(ascii('12345678901234567890'))).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it.each([1, 5, 10, 16, 20, 32, 64])('a %i-byte key survives the round trip', (length) => {
    const key = Uint8Array.from({ length }, (_, i) => (i * 73 + length) % 256);
    const encoded = encodeTotpKey(key);
    expect(encoded).not.toContain('=');
    expect(decodeTotpKey(encoded)).toEqual(key);
  });

  it('throws on characters outside the base32 alphabet', () => {
    expect(() => decodeTotpKey('GEZDGNBV1890')).toThrow();
  });
});
