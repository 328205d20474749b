import { AppError } from '../domain/errors.js';
import { PENDING_TOTP_TTL_SECONDS } from '../domain/limits.js';
import { addSeconds } from '../domain/ports.js';
import { buildTotpKeyUri, encodeTotpKey, TOTP_SECRET_BYTES } from '../domain/totp.js';
import type { AccountRecord } from '../store/accounts.js';
import { replacePendingTotpFactor } from '../store/totp-factors.js';
import type { Deps } from './deps.js';

/** What the activation dialog shows: the base32 key, its key URI and when it lapses. */
export interface PendingTotp {
  secret: string;
  otpauthUri: string;
  expiresAt: string;
}

/**
 * Creates a pending authenticator secret for the account (replacing an earlier pending
 * one), bound to `challengeId` when set up during a login. 409 when one is active.
 */
export async function createPendingTotp(deps: Deps, account: AccountRecord, challengeId: string | null): Promise<PendingTotp> {
  const key = deps.random.bytes(TOTP_SECRET_BYTES);
  const now = deps.clock.now();
  const expiresAt = addSeconds(now, PENDING_TOTP_TTL_SECONDS).toISOString();
  const stored = await replacePendingTotpFactor(deps.db, {
    accountId: account.id,
    secretSealed: deps.secretBox.seal(key, account.id),
    expiresAt,
    challengeId,
    now: now.toISOString(),
  });
  if (!stored) throw new AppError('two_factor_already_active');
  return { secret: encodeTotpKey(key), otpauthUri: buildTotpKeyUri(key, account.email), expiresAt };
}
