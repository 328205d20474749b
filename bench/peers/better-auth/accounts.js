// What the bench and the peer server both derive from an account number.
import { createHmac } from 'node:crypto';

/** The authenticator secret of peer user `i`: 32 characters like better-auth's own (used as UTF-8 bytes). */
export function peerTotpSecret(seed, i) {
  return createHmac('sha256', seed).update(`peer-totp:${i}`).digest('hex').slice(0, 32);
}

export function peerEmail(i) {
  return `peer${i}@bench.test`;
}
