import { sha256Hex } from '../adapters/tokens.js';
import { isSixDigitCode, normalizeRecoveryCode } from '../domain/codes.js';
import { AppError } from '../domain/errors.js';
import { EMAIL_CODE_MAX_FAILURES, REPLAY_NOTICE_INTERVAL_SECONDS, secondFactorLockSeconds } from '../domain/limits.js';
import { addSeconds } from '../domain/ports.js';
import { matchTotpStep } from '../domain/totp.js';
import {
  claimTotpStep,
  clearSecondFactorFailures,
  type AccountRecord,
  findAccountById,
  lockSecondFactor,
  reserveSecondFactorAttempt as reserveAttemptRow,
} from '../store/accounts.js';
import { consumeEmailCode, type EmailCodePurpose, findLiveEmailCode, recordEmailCodeFailure } from '../store/email-codes.js';
import { consumeRecoveryCode } from '../store/recovery-codes.js';
import { bumpThrottle } from '../store/throttles.js';
import type { Db } from '../store/schema.js';
import { findTotpFactor } from '../store/totp-factors.js';
import { recordAudit } from './audit.js';
import type { Deps, RequestContext } from './deps.js';
import { sendSecurityNotice } from './notifications.js';

/** A proof of the second factor: a code and how it was obtained. */
export interface SecondFactorProof {
  method: 'totp' | 'email' | 'recovery_code';
  code: string;
  /** For email codes: what the code was sent for. */
  emailScope?: { purpose: EmailCodePurpose; challengeId: string | null };
}

/** Rejects codes of the wrong shape before they cost an attempt (400 `invalid_request`). */
export function assertCodeShape(method: string, code: string): void {
  const valid = method === 'recovery_code' ? normalizeRecoveryCode(code) !== null : isSixDigitCode(code);
  if (!valid)
    throw new AppError('invalid_request', {}, method === 'recovery_code' ? 'A recovery code has 16 letters and digits' : 'A code is exactly 6 digits');
}

/** Hash under which a recovery code is stored; null for a malformed code. */
export function recoveryCodeHash(code: string): string | null {
  const normalized = normalizeRecoveryCode(code);
  return normalized === null ? null : sha256Hex(normalized);
}

/** Throws 429 `too_many_attempts` while second-factor verification is locked until `until`. */
function assertUnlocked(deps: Pick<Deps, 'clock'>, until: string | null): void {
  if (until === null) return;
  const seconds = Math.ceil((Date.parse(until) - deps.clock.now().getTime()) / 1000);
  if (seconds > 0) throw new AppError('too_many_attempts', { retryAfterSeconds: seconds });
}

/** Throws 429 `too_many_attempts` while the account's second-factor verification is locked. */
export function assertSecondFactorUnlocked(deps: Pick<Deps, 'clock'>, account: AccountRecord): void {
  assertUnlocked(deps, account.secondFactorLockedUntil);
}

/** A reserved attempt: its place among consecutive attempts, and the lock it started (seconds, 0: none). */
export interface SecondFactorAttempt {
  attempt: number;
  lockSeconds: number;
}

/**
 * Reserves one second-factor attempt for the account inside `tx`, before any code is
 * checked; 429 while locked. The attempt that reaches a lock threshold sets the lock at
 * once, so parallel attempts behind it are refused; a success in the same transaction
 * clears count and lock again. On PostgreSQL the reservation also holds the account row,
 * so one account's verifications run one after another.
 */
export async function reserveSecondFactorAttempt(deps: Deps, tx: Db, account: AccountRecord): Promise<SecondFactorAttempt> {
  const now = deps.clock.now();
  const attempt = await reserveAttemptRow(tx, account.id, now.toISOString());
  if (attempt === null) {
    assertUnlocked(deps, (await findAccountById(tx, account.id))?.secondFactorLockedUntil ?? null);
    throw new AppError('too_many_attempts', { retryAfterSeconds: 1 });
  }
  const lockSeconds = secondFactorLockSeconds(attempt);
  if (lockSeconds > 0) await lockSecondFactor(tx, account.id, addSeconds(now, lockSeconds).toISOString());
  return { attempt, lockSeconds };
}

/** Opens the account's active authenticator key, or null when it has none. */
export async function findActiveTotpKey(deps: Pick<Deps, 'secretBox'>, db: Db, accountId: string): Promise<Uint8Array | null> {
  const factor = await findTotpFactor(db, accountId);
  if (!factor || factor.status !== 'active') return null;
  return deps.secretBox.open(factor.secretSealed, accountId);
}

/**
 * What checking a proof found: accepted (and used up), wrong, or an authenticator code
 * that matches the key for exactly the time step used last (a replay).
 */
export type ProofOutcome = 'accepted' | 'wrong' | 'replayed';

/**
 * Checks `proof` for the account and, when it is right, uses it up atomically (TOTP step
 * claim, recovery code or email code compare-and-set): 'accepted' for exactly one caller.
 * Call inside the transaction that makes the change the proof authorises.
 */
export async function consumeSecondFactorProof(deps: Deps, db: Db, account: AccountRecord, proof: SecondFactorProof): Promise<ProofOutcome> {
  const now = deps.clock.now();
  if (proof.method === 'totp') {
    const key = await findActiveTotpKey(deps, db, account.id);
    const step = key ? matchTotpStep(key, proof.code, now) : null;
    if (step === null) return 'wrong';
    if (await claimTotpStep(db, account.id, step)) return 'accepted';
    // Refused: a replay only when this very step was the last one used; an older unused step is just too old.
    return (await findAccountById(db, account.id))?.totpLastStep === step ? 'replayed' : 'wrong';
  }
  if (proof.method === 'recovery_code') {
    const hash = recoveryCodeHash(proof.code);
    return hash !== null && (await consumeRecoveryCode(db, account.id, hash, now.toISOString())) ? 'accepted' : 'wrong';
  }
  const scope = proof.emailScope;
  if (!scope) return 'wrong';
  const row = await findLiveEmailCode(db, { accountId: account.id, ...scope });
  if (!row || row.expiresAt <= now.toISOString()) return 'wrong';
  if (!deps.secretBox.macMatches(proof.code, row.codeHash)) {
    await recordEmailCodeFailure(db, row.id, EMAIL_CODE_MAX_FAILURES);
    return 'wrong';
  }
  return (await consumeEmailCode(db, row.id, now.toISOString())) ? 'accepted' : 'wrong';
}

/**
 * Books a reserved attempt whose code was wrong: audit (`second_factor.replayed` for an
 * authenticator code used before, and then an email to the owner at most once an hour),
 * and when that attempt started a lock, an audit event and one email to the owner.
 * Returns the lock length in seconds, 0 when this failure did not lock.
 */
export async function recordSecondFactorFailure(
  deps: Deps,
  account: AccountRecord,
  attempt: SecondFactorAttempt,
  context: RequestContext | null,
  details: { method: string; workspaceId: string | null; purpose?: string; outcome?: ProofOutcome },
): Promise<number> {
  const { workspaceId, outcome, ...facts } = details;
  const failures = attempt.attempt;
  const replayed = outcome === 'replayed';
  await recordAudit(deps, deps.db, {
    type: replayed ? 'second_factor.replayed' : 'second_factor.failed',
    accountId: account.id,
    workspaceId,
    context,
    details: { ...facts, consecutiveFailures: failures },
  });
  if (replayed) await noticeReplay(deps, account);
  if (attempt.lockSeconds === 0) return 0;
  await recordAudit(deps, deps.db, {
    type: 'second_factor.locked',
    accountId: account.id,
    context,
    details: { consecutiveFailures: failures, lockSeconds: attempt.lockSeconds },
  });
  deps.logger.warn({ accountId: account.id, failures }, 'second-factor verification locked');
  void sendSecurityNotice(deps, account.email, 'locked');
  return attempt.lockSeconds;
}

/**
 * Emails the owner that an authenticator code was used again, unless they were told so in
 * the last hour: the first replay of each hour claims the notice with one atomic counter.
 */
async function noticeReplay(deps: Deps, account: AccountRecord): Promise<void> {
  const now = deps.clock.now();
  const count = await bumpThrottle(deps.db, `notice:replayed:${account.id}`, now.toISOString(), addSeconds(now, -REPLAY_NOTICE_INTERVAL_SECONDS).toISOString());
  if (count === 1) void sendSecurityNotice(deps, account.email, 'totp_replayed');
}

/** Clears the failure count after a success (inside the success transaction). */
export async function recordSecondFactorSuccess(db: Db, accountId: string): Promise<void> {
  await clearSecondFactorFailures(db, accountId);
}
