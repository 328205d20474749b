import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Seals small secrets (TOTP keys) with AES-256-GCM. The sealed text names the key it was
 * sealed with, so a rotation can read old and new while it runs; `context` (the account
 * id) is bound as associated data, so a sealed key cannot be moved to another account.
 */
export interface SecretBox {
  seal(plain: Uint8Array, context: string): string;
  /** Throws when the text was tampered with, or sealed with a key this box lacks. */
  open(sealed: string, context: string): Uint8Array;
  /** True when `sealed` is under the current (first) key. */
  isCurrent(sealed: string): boolean;
  /** HMAC-SHA-256 (hex) of `value` under a key derived from the current key: for short codes. */
  mac(value: string): string;
  /** True when `digest` is the MAC of `value` under any of the box's keys (codes mailed before a key rotation still work); constant time. */
  macMatches(value: string, digest: string): boolean;
}

const VERSION = 'v1';
const AUTH_TAG_BYTES = 16;

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** A box whose first key seals; every key opens. Keys are 32 bytes. */
export function createSecretBox(keys: Buffer[]): SecretBox {
  const [current] = keys;
  if (!current || keys.some((k) => k.length !== 32)) throw new Error('secret keys must be 32 bytes');
  const byId = new Map(keys.map((k) => [keyId(k), k] as const));
  const currentId = keyId(current);
  const macKeys = keys.map((k) => createHmac('sha256', k).update('mpp-2fa code mac').digest());
  const macUnder = (key: Buffer, value: string) => createHmac('sha256', key).update(value).digest();
  return {
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return [VERSION, currentId, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [version, id, iv, body, tag] = sealed.split('.');
      const key = id ? byId.get(id) : undefined;
      if (version !== VERSION || !key || iv === undefined || body === undefined || tag === undefined)
        throw new Error('sealed secret is malformed or its key is unknown');
      const authTag = Buffer.from(tag, 'base64url');
      // A full 16-byte tag only: GCM would otherwise accept a truncated, easier-to-forge tag.
      if (authTag.length !== AUTH_TAG_BYTES) throw new Error('sealed secret is malformed');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: AUTH_TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(authTag);
      return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]));
    },
    isCurrent: (sealed) => sealed.split('.')[1] === currentId,
    mac: (value) => macUnder(macKeys[0]!, value).toString('hex'),
    macMatches(value, digest) {
      // Buffer.from(…, 'hex') would stop at the first non-hex character and accept a suffix.
      if (!/^[0-9a-f]{64}$/.test(digest)) return false;
      const expected = Buffer.from(digest, 'hex');
      let matched = false;
      for (const key of macKeys) {
        const actual = macUnder(key, value);
        if (actual.length === expected.length && timingSafeEqual(actual, expected)) matched = true;
      }
      return matched;
    },
  };
}
