import type { TotpSecret } from './types';

/**
 * Seconds a kept key must still be valid to be shown again: enough to scan it and type a
 * code. A key closer to its expiry is replaced by a new one (and the dialog says so).
 */
const REUSE_MARGIN_SECONDS = 60;

// Per page load only, keyed by account email: the pending key of Settings → Activate. The
// server replaces the pending key on every start, so reopening the dialog shows this one
// instead of making a new one that would break an entry already scanned.
const pendingKeys = new Map<string, TotpSecret>();

/** Keeps `secret` as the account's pending key until it is used, expires or is forgotten. */
export function keepPendingActivation(account: string, secret: TotpSecret): void {
  pendingKeys.set(account, secret);
}

/** The pending key `keepPendingActivation` kept: `reusable` while valid for REUSE_MARGIN_SECONDS more; undefined if none. */
export function findPendingActivation(account: string): { secret: TotpSecret; reusable: boolean } | undefined {
  const secret = pendingKeys.get(account);
  if (!secret) return undefined;
  const msLeft = Date.parse(secret.expiresAt) - Date.now();
  return { secret, reusable: Number.isFinite(msLeft) && msLeft > REUSE_MARGIN_SECONDS * 1000 };
}

/** Forgets the account's pending key (activated, expired, or refused by the server). */
export function forgetPendingActivation(account: string): void {
  pendingKeys.delete(account);
}
