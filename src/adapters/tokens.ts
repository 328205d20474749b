import { createHash } from 'node:crypto';
import type { Random } from '../domain/ports.js';

/** A bearer token of `bytes` random bytes, base64url (session and challenge ids). */
export function generateToken(random: Random, bytes = 32): string {
  return Buffer.from(random.bytes(bytes)).toString('base64url');
}

/** SHA-256 (hex) of a high-entropy value; what the database keeps instead of the value. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
