import { describe, expect, it } from 'vitest';
import { systemRandom } from '../../src/adapters/system.js';
import {
  EMAIL_CODE_DIGITS,
  generateEmailCode,
  generateRecoveryCode,
  generateRecoveryCodes,
  isSixDigitCode,
  maskEmail,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
} from '../../src/domain/codes.js';
import type { Random } from '../../src/domain/ports.js';

/** Lowercase letters and digits without the look-alikes 0/o and 1/i/l (SPEC: recovery codes). */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const RECOVERY_CODE_SHAPE = new RegExp(`^[${RECOVERY_ALPHABET}]{4}(-[${RECOVERY_ALPHABET}]{4}){3}$`);

/**
 * A Random that hands out exactly the bytes it was given, in order; a request past the
 * end is padded with 255 (rejected by every alphabet here), and a request when nothing
 * is left throws, so a loop that never finishes fails instead of hanging.
 */
class ScriptedRandom implements Random {
  calls = 0;
  private queue: number[];

  constructor(bytes: number[]) {
    this.queue = [...bytes];
  }

  bytes(length: number): Uint8Array {
    this.calls += 1;
    if (this.queue.length === 0) throw new Error('scripted random exhausted');
    const out = new Uint8Array(length).fill(255);
    out.set(this.queue.splice(0, length));
    return out;
  }
}

describe('recovery codes', () => {
  it(`a set has ${RECOVERY_CODE_COUNT} distinct codes of shape xxxx-xxxx-xxxx-xxxx`, () => {
    const codes = generateRecoveryCodes(systemRandom);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(RECOVERY_CODE_SHAPE);
  });

  it('a repeated draw is replaced, so the set stays distinct', () => {
    let call = 0;
    // The first two codes come out identical (all zero bytes); later draws differ.
    const random: Random = { bytes: (n) => new Uint8Array(n).fill(call++ < 2 ? 0 : call) };
    const codes = generateRecoveryCodes(random);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(codes[0]).toBe('aaaa-aaaa-aaaa-aaaa');
  });

  it('draws every symbol of a 31-symbol alphabet equally often and rejects bytes 248–255', () => {
    // 256 - 256 % 31 = 248: bytes below it map 8 times onto each symbol; the rest are rejected.
    const counts = new Map<string, number>();
    const rejected: number[] = [];
    for (let byte = 0; byte < 256; byte += 1) {
      // Accepted: the byte's symbol then fifteen 'a's; rejected: fifteen 'a's then 'b'.
      const code = generateRecoveryCode(new ScriptedRandom([byte, ...Array(15).fill(0), 1])).replace(/-/g, '');
      if (code === 'aaaaaaaaaaaaaaab') rejected.push(byte);
      else {
        expect(code.slice(1)).toBe('a'.repeat(15));
        counts.set(code[0]!, (counts.get(code[0]!) ?? 0) + 1);
      }
    }
    expect(rejected).toEqual([248, 249, 250, 251, 252, 253, 254, 255]);
    expect([...counts.keys()].sort().join('')).toBe([...RECOVERY_ALPHABET].sort().join(''));
    expect(new Set(counts.values())).toEqual(new Set([8]));
  });

  it('has at least 64 bits of entropy (NIST SP 800-63B §5.1.2)', () => {
    const symbols = new Set<string>();
    for (let i = 0; i < 50; i += 1) for (const code of generateRecoveryCodes(systemRandom)) for (const ch of code.replace(/-/g, '')) symbols.add(ch);
    for (const ch of symbols) expect(RECOVERY_ALPHABET).toContain(ch);
    const sample = generateRecoveryCode(systemRandom).replace(/-/g, '');
    const bits = sample.length * Math.log2(RECOVERY_ALPHABET.length);
    expect(sample).toHaveLength(16);
    expect(bits).toBeGreaterThanOrEqual(64);
  });

  it('contains no look-alike characters', () => {
    const all = Array.from({ length: 30 }, () => generateRecoveryCodes(systemRandom).join('')).join('');
    expect(all).not.toMatch(/[01oil]/);
  });
});

describe('normalizeRecoveryCode', () => {
  it.each([
    ['abcd-efgh-jkmn-pqrs', 'abcd-efgh-jkmn-pqrs'],
    ['ABCD-EFGH-JKMN-PQRS', 'abcd-efgh-jkmn-pqrs'],
    ['abcdefghjkmnpqrs', 'abcd-efgh-jkmn-pqrs'],
    [' abcd efgh  jkmn pqrs ', 'abcd-efgh-jkmn-pqrs'],
    ['ab-cd-ef-gh-jk-mn-pq-rs', 'abcd-efgh-jkmn-pqrs'],
    ['Abcd Efgh\tJkmn-Pqrs\n', 'abcd-efgh-jkmn-pqrs'],
    ['2345-6789-wxyz-uvtt', '2345-6789-wxyz-uvtt'],
  ])('%j becomes %j', (input, expected) => {
    expect(normalizeRecoveryCode(input)).toBe(expected);
  });

  it('accepts every code it generates, however it is typed', () => {
    for (const code of generateRecoveryCodes(systemRandom)) {
      expect(normalizeRecoveryCode(code)).toBe(code);
      expect(normalizeRecoveryCode(code.toUpperCase().replace(/-/g, ' '))).toBe(code);
    }
  });

  it.each([
    ['too short', 'abcd-efgh-jkmn-pqr'],
    ['too long', 'abcd-efgh-jkmn-pqrst'],
    ['empty', ''],
    ['only separators', '---- ----'],
  ])('refuses a code that is %s', (_, input) => {
    expect(normalizeRecoveryCode(input)).toBeNull();
  });

  it.each(['0', 'o', 'O', '1', 'i', 'I', 'l', 'L'])('refuses the look-alike %j', (ch) => {
    expect(normalizeRecoveryCode(`abcd-efgh-jkmn-pqr${ch}`)).toBeNull();
  });

  it.each(['abcd-efgh-jkmn-pqr!', 'abcd_efgh_jkmn_pqrs', 'ａｂｃｄ-efgh-jkmn-pqrs', 'abcd-efgh-jkmn-pqré'])('refuses other characters in %j', (input) => {
    expect(normalizeRecoveryCode(input)).toBeNull();
  });
});

describe('email codes', () => {
  it(`are ${EMAIL_CODE_DIGITS} ASCII digits`, () => {
    for (let i = 0; i < 200; i += 1) expect(generateEmailCode(systemRandom)).toMatch(/^[0-9]{6}$/);
  });

  it('keep leading zeros', () => {
    expect(generateEmailCode(new ScriptedRandom([0, 10, 20, 30, 40, 1]))).toBe('000001');
    expect(generateEmailCode(new ScriptedRandom([0, 0, 0, 0, 0, 0]))).toBe('000000');
  });

  it('map each byte below 250 to its last digit', () => {
    expect(generateEmailCode(new ScriptedRandom([9, 19, 249, 100, 7, 123]))).toBe('999073');
  });

  it('reject bytes 250–255, so no digit is favoured (no modulo bias)', () => {
    expect(generateEmailCode(new ScriptedRandom([250, 251, 252, 253, 254, 255, 0, 1, 2, 3, 4, 5]))).toBe('012345');
    const counts = Array(10).fill(0);
    const rejected: number[] = [];
    for (let byte = 0; byte < 256; byte += 1) {
      // Accepted: the byte's last digit then 11111; rejected: 11111 then 2.
      const code = generateEmailCode(new ScriptedRandom([byte, 1, 1, 1, 1, 1, 2]));
      if (code === '111112') rejected.push(byte);
      else {
        expect(code).toBe(`${byte % 10}11111`);
        counts[byte % 10] += 1;
      }
    }
    expect(rejected).toEqual([250, 251, 252, 253, 254, 255]);
    expect(counts).toEqual(Array(10).fill(25));
  });

  it('draw again when a whole batch is rejected', () => {
    const random = new ScriptedRandom([...Array(12).fill(255), 9, 8, 7, 6, 5, 4]);
    expect(generateEmailCode(random)).toBe('987654');
    expect(random.calls).toBe(2);
  });
});

describe('isSixDigitCode', () => {
  it.each(['123456', '000000', '012345', '999999'])('accepts %j', (code) => {
    expect(isSixDigitCode(code)).toBe(true);
  });

  it.each([
    ['five digits', '12345'],
    ['seven digits', '1234567'],
    ['empty', ''],
    ['a leading space', ' 123456'],
    ['a trailing newline', '123456\n'],
    ['an inner space', '123 456'],
    ['a dash', '123-456'],
    ['Arabic-Indic digits', '١٢٣٤٥٦'],
    ['Extended Arabic-Indic digits', '۱۲۳۴۵۶'],
    ['full-width digits', '１２３４５６'],
    ['Devanagari digits', '१२३४५६'],
    ['letters', 'abcdef'],
    ['a sign', '+12345'],
  ])('refuses %s', (_, code) => {
    expect(isSixDigitCode(code)).toBe(false);
  });
});

describe('maskEmail', () => {
  it.each([
    ['alice@example.com', 'a***@example.com'],
    ['a@example.com', 'a***@example.com'],
    ['Bob.Smith+tag@mail.example.org', 'B***@mail.example.org'],
    ['"odd@local"@example.com', '"***@example.com'],
  ])('%s → %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it('never reveals more than the first character of the local part', () => {
    expect(maskEmail('secretname@example.com')).not.toContain('ecret');
  });

  it.each(['no-at-sign', '@example.com', ''])('masks %j entirely', (email) => {
    expect(maskEmail(email)).toBe('***');
  });
});
