import { AppError } from '../domain/errors.js';
import { PENDING_TOTP_TTL_SECONDS } from '../domain/limits.js';
import { addSeconds } from '../domain/ports.js';
import { buildTotpKeyUri, encodeTotpKey, estimateTotpClockDriftSeconds, matchTotpStep, TOTP_SECRET_BYTES } from '../domain/totp.js';
import { type AccountRecord, claimTotpStep } from '../store/accounts.js';
import type { Db } from '../store/schema.js';
import { activatePendingTotpFactor, findTotpFactor, replacePendingTotpFactor } from '../store/totp-factors.js';
import type { Deps } from './deps.js';
import { issueRecoveryCodes } from './recovery-codes.js';

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

/**
 * Confirms the pending secret with a code and activates it (inside `tx`), issuing recovery
 * codes. `challengeId` must match the one the secret was created for (null: from Settings).
 * Throws 404 `no_pending_activation`, 410 `activation_expired`, or 401 `invalid_code`
 * (with `clockDriftSeconds` when the phone's clock looks off).
 */
export async function activatePendingTotp(deps: Deps, tx: Db, account: AccountRecord, code: string, challengeId: string | null): Promise<string[]> {
  const factor = await findTotpFactor(tx, account.id);
  if (factor?.status === 'active') throw new AppError('two_factor_already_active');
  if (!factor || factor.challengeId !== challengeId) throw new AppError('no_pending_activation');
  const now = deps.clock.now();
  if (factor.pendingExpiresAt === null || factor.pendingExpiresAt <= now.toISOString()) throw new AppError('activation_expired');
  const key = deps.secretBox.open(factor.secretSealed, account.id);
  const step = matchTotpStep(key, code, now);
  if (step === null) {
    const drift = estimateTotpClockDriftSeconds(key, code, now);
    throw new AppError('invalid_code', drift === null ? {} : { clockDriftSeconds: drift });
  }
  if (!(await claimTotpStep(tx, account.id, step))) throw new AppError('invalid_code');
  if (!(await activatePendingTotpFactor(tx, account.id, factor.secretSealed, now.toISOString()))) throw new AppError('no_pending_activation');
  return issueRecoveryCodes(deps, tx, account.id);
}
