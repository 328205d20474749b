import { createHash } from 'node:crypto';
import type { Random } from '../domain/ports.js';

/**
 * A random value of `bytes` bytes, base64url: session tokens, challenge ids and row ids.
 * The first byte's top bit is cleared, so the text starts with A–Z or a–f, never `-`:
 * an id passed as a plain command-line argument (`--workspace ID`) is never taken for
 * an option. That costs one bit (a 16-byte id keeps 127 random bits).
 */
export function generateToken(random: Random, bytes = 32): string {
  const value = Buffer.from(random.bytes(bytes));
  value[0] = value[0]! & 0x7f;
  return value.toString('base64url');
}

/** SHA-256 (hex) of a high-entropy value; what the database keeps instead of the value. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
