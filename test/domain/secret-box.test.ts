import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/adapters/secret-box.js';

const OLD_KEY = Buffer.alloc(32, 1);
const NEW_KEY = Buffer.alloc(32, 2);
const TOTP_KEY = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
const ACCOUNT = 'acct_alice';

/** `part` (0 version, 1 key id, 2 iv, 3 body, 4 tag) of a sealed text replaced by `change(part)`. */
function withPart(sealed: string, index: number, change: (part: string) => string): string {
  const parts = sealed.split('.');
  parts[index] = change(parts[index]!);
  return parts.join('.');
}

/** The first character swapped for another of the same alphabet (the last may carry unused bits). */
function flipFirst(part: string): string {
  const first = part[0]!;
  return (first === 'A' ? 'B' : first === 'v' ? 'w' : first === '0' ? '1' : 'A') + part.slice(1);
}

/** A base64url part with one byte of its decoded value changed (not the unused trailing bits). */
function flipByte(part: string, byte: number): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[byte] = bytes[byte]! ^ 0x01;
  return bytes.toString('base64url');
}

describe('secret box', () => {
  const box = createSecretBox([OLD_KEY]);

  it('opens what it sealed', () => {
    const sealed = box.seal(TOTP_KEY, ACCOUNT);
    expect(box.open(sealed, ACCOUNT)).toEqual(TOTP_KEY);
  });

  it('seals the same secret differently each time (fresh IV)', () => {
    const first = box.seal(TOTP_KEY, ACCOUNT);
    const second = box.seal(TOTP_KEY, ACCOUNT);
    expect(first).not.toBe(second);
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
  });

  it('does not carry the secret in the clear', () => {
    const sealed = box.seal(TOTP_KEY, ACCOUNT);
    expect(sealed).not.toContain(Buffer.from(TOTP_KEY).toString('base64url'));
    expect(sealed).not.toContain(Buffer.from(TOTP_KEY).toString('hex'));
  });

  it('round-trips a long secret', () => {
    const plain = new Uint8Array(1000).fill(7);
    expect(box.open(box.seal(plain, ACCOUNT), ACCOUNT)).toEqual(plain);
  });

  it('opens whatever it agreed to seal, even an empty secret', () => {
    // seal() accepts an empty secret, so open() must give it back rather than call it malformed.
    expect(box.open(box.seal(new Uint8Array(0), ACCOUNT), ACCOUNT)).toEqual(new Uint8Array(0));
  });

  it.each([
    ['the version', 0, (p: string) => (p === 'v1' ? 'v2' : 'v1')],
    ['the key id', 1, flipFirst],
    ['the IV', 2, (p: string) => flipByte(p, 0)],
    ['the IV (last byte)', 2, (p: string) => flipByte(p, 11)],
    ['the body', 3, (p: string) => flipByte(p, 0)],
    ['the body (last byte)', 3, (p: string) => flipByte(p, 19)],
    ['the tag', 4, (p: string) => flipByte(p, 0)],
    ['the tag (last byte)', 4, (p: string) => flipByte(p, 15)],
    ['the body, shortened', 3, (p: string) => Buffer.from(p, 'base64url').subarray(0, 19).toString('base64url')],
    ['the tag, emptied', 4, () => ''],
    // GCM lets a verifier accept a 4-byte tag; a forger then needs only 2^32 tries.
    ['the tag, truncated to 4 bytes', 4, (p: string) => Buffer.from(p, 'base64url').subarray(0, 4).toString('base64url')],
    ['the tag, truncated to 12 bytes', 4, (p: string) => Buffer.from(p, 'base64url').subarray(0, 12).toString('base64url')],
  ])('refuses a sealed text with %s tampered', (_, index, change) => {
    const sealed = box.seal(TOTP_KEY, ACCOUNT);
    expect(() => box.open(withPart(sealed, index, change), ACCOUNT)).toThrow();
  });

  it.each(['', 'v1', 'v1.abc', 'not a sealed text', 'v1....'])('refuses the malformed text %j', (text) => {
    expect(() => box.open(text, ACCOUNT)).toThrow();
  });

  it('refuses to open under another context (a key moved to another account)', () => {
    const sealed = box.seal(TOTP_KEY, ACCOUNT);
    expect(() => box.open(sealed, 'acct_mallory')).toThrow();
    expect(() => box.open(sealed, '')).toThrow();
  });

  it('refuses a text sealed by a box with an unrelated key', () => {
    const sealed = createSecretBox([NEW_KEY]).seal(TOTP_KEY, ACCOUNT);
    expect(() => box.open(sealed, ACCOUNT)).toThrow();
  });

  it('refuses keys that are not 32 bytes, and an empty key list', () => {
    expect(() => createSecretBox([])).toThrow();
    expect(() => createSecretBox([Buffer.alloc(16)])).toThrow();
    expect(() => createSecretBox([NEW_KEY, Buffer.alloc(31)])).toThrow();
  });
});

describe('secret box during a key rotation', () => {
  const oldBox = createSecretBox([OLD_KEY]);
  const rotating = createSecretBox([NEW_KEY, OLD_KEY]);

  it('a box with [new, old] opens text sealed under the old key', () => {
    const sealed = oldBox.seal(TOTP_KEY, ACCOUNT);
    expect(rotating.open(sealed, ACCOUNT)).toEqual(TOTP_KEY);
  });

  it('seals under the new key, which the old box cannot open', () => {
    const sealed = rotating.seal(TOTP_KEY, ACCOUNT);
    expect(rotating.open(sealed, ACCOUNT)).toEqual(TOTP_KEY);
    expect(createSecretBox([NEW_KEY]).open(sealed, ACCOUNT)).toEqual(TOTP_KEY);
    expect(() => oldBox.open(sealed, ACCOUNT)).toThrow();
  });

  it('isCurrent tells texts under the first key from older ones', () => {
    const underOld = oldBox.seal(TOTP_KEY, ACCOUNT);
    const underNew = rotating.seal(TOTP_KEY, ACCOUNT);
    expect(oldBox.isCurrent(underOld)).toBe(true);
    expect(rotating.isCurrent(underOld)).toBe(false);
    expect(rotating.isCurrent(underNew)).toBe(true);
    expect(oldBox.isCurrent(underNew)).toBe(false);
    expect(rotating.isCurrent('garbage')).toBe(false);
  });
});

describe('secret box mac', () => {
  it('is deterministic hex HMAC-SHA-256', () => {
    const box = createSecretBox([OLD_KEY]);
    expect(box.mac('123456')).toBe(box.mac('123456'));
    expect(box.mac('123456')).toMatch(/^[0-9a-f]{64}$/);
    expect(createSecretBox([OLD_KEY]).mac('123456')).toBe(box.mac('123456'));
  });

  it('differs per value and per key', () => {
    const box = createSecretBox([OLD_KEY]);
    expect(box.mac('123456')).not.toBe(box.mac('123457'));
    expect(createSecretBox([NEW_KEY]).mac('123456')).not.toBe(box.mac('123456'));
  });

  it('is not a plain SHA-256 or an HMAC under the raw key (a derived key)', async () => {
    const { createHash, createHmac } = await import('node:crypto');
    const mac = createSecretBox([OLD_KEY]).mac('123456');
    expect(mac).not.toBe(createHash('sha256').update('123456').digest('hex'));
    expect(mac).not.toBe(createHmac('sha256', OLD_KEY).update('123456').digest('hex'));
  });
});
