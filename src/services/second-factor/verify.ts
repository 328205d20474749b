import { AppError } from '../../domain/errors.js';
import { REPLAY_NOTICE_INTERVAL_SECONDS, secondFactorLockSeconds } from '../../domain/limits.js';
import { addSeconds } from '../../domain/ports.js';
import {
  type AccountRecord,
  clearSecondFactorFailures,
  findAccountById,
  lockSecondFactor,
  reserveSecondFactorAttempt as reserveAttemptRow,
} from '../../store/accounts.js';
import type { Db, Tx } from '../../store/schema.js';
import { bumpThrottle } from '../../store/throttles.js';
import { recordAudit } from '../audit.js';
import type { Deps, RequestContext } from '../deps.js';
import { type QueueMail, transactionWithMail } from '../mail.js';
import { emailCodeMethod } from './email-code.js';
import type { Check, FailureHint, SecondFactorAlarm } from './method.js';
import { pendingPasskeyMethod } from './pending-passkey.js';
import { pendingTotpMethod } from './pending-totp.js';
import type { SecondFactorProof } from './proof.js';
import { recoveryCodeMethod } from './recovery-code.js';
import { totpMethod } from './totp.js';
import { webAuthnMethod } from './webauthn.js';

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

/** A wrong proof: its place among the account's consecutive failures, the lock it started (seconds, 0: none) and what the owner may be told. */
export interface SecondFactorFailure {
  method: SecondFactorProof['method'];
  failures: number;
  lockSeconds: number;
  hint: FailureHint;
  /** Recorded in the audit log when the failure is booked; never sent to the client. */
  alarm?: SecondFactorAlarm;
}

/** The outcome of one verification: the proof was accepted and used up, or it failed (already counted). */
export type Verification = { ok: true } | { ok: false; failure: SecondFactorFailure };

function check(deps: Deps, tx: Db, account: AccountRecord, proof: SecondFactorProof): Promise<Check> {
  switch (proof.method) {
    case 'totp':
      return totpMethod.check(deps, tx, account, proof);
    case 'recovery_code':
      return recoveryCodeMethod.check(deps, tx, account, proof);
    case 'email':
      return emailCodeMethod.check(deps, tx, account, proof);
    case 'totp_enrollment':
      return pendingTotpMethod.check(deps, tx, account, proof);
    case 'webauthn':
      return webAuthnMethod.check(deps, tx, account, proof);
    case 'webauthn_enrollment':
      return pendingPasskeyMethod.check(deps, tx, account, proof);
  }
}

/**
 * The one second-factor check of every flow (login, switch, step-up, enrolment, Settings
 * activation, deactivation, recovery-code regeneration). Inside `tx`, the transaction that
 * makes the change the proof authorises: reserves one attempt against the account's lockout
 * before the code is looked at (429 while locked; the attempt that reaches a threshold sets
 * the lock at once, so parallel guesses behind it are refused), checks the proof and uses
 * it up, and clears the count on success. A wrong code comes back as a failure, already
 * counted: the caller commits, then books it with `rejectSecondFactor`.
 */
export async function verifySecondFactor(deps: Deps, tx: Db, account: AccountRecord, proof: SecondFactorProof): Promise<Verification> {
  const now = deps.clock.now();
  const failures = await reserveAttemptRow(tx, account.id, now.toISOString());
  if (failures === null) {
    deps.metrics?.secondFactor(proof.method, 'refused_locked');
    assertUnlocked(deps, (await findAccountById(tx, account.id))?.secondFactorLockedUntil ?? null);
    throw new AppError('too_many_attempts', { retryAfterSeconds: 1 });
  }
  const lockSeconds = secondFactorLockSeconds(failures);
  if (lockSeconds > 0) await lockSecondFactor(tx, account.id, addSeconds(now, lockSeconds).toISOString());
  const result = await check(deps, tx, account, proof);
  if (!result.accepted) {
    deps.metrics?.secondFactor(proof.method, result.hint.codeAlreadyUsed ? 'replayed' : 'wrong');
    const failure: SecondFactorFailure = { method: proof.method, failures, lockSeconds, hint: result.hint };
    return { ok: false, failure: result.alarm ? { ...failure, alarm: result.alarm } : failure };
  }
  await clearSecondFactorFailures(tx, account.id);
  deps.metrics?.secondFactor(proof.method, 'accepted');
  return { ok: true };
}

/** Where a failure happened, for the audit log; `extra` goes into the 401 answer (a challenge's `attemptsRemaining`). */
export interface FailureContext {
  context: RequestContext | null;
  workspaceId: string | null;
  purpose: string;
  extra?: Record<string, unknown>;
}

/**
 * Books a failure after its transaction committed, the same way in every flow: an audit
 * event (`second_factor.replayed` for an authenticator code used again, and then an email to
 * the owner at most once an hour), the alarm if any (a passkey's sign counter went back: an
 * event and an email); when it started a lock, an audit event and one email.
 * Returns the answer to throw: 429 `too_many_attempts` when it locked, else 401
 * `invalid_code` with the hint.
 */
export async function rejectSecondFactor(deps: Deps, account: AccountRecord, failure: SecondFactorFailure, where: FailureContext): Promise<AppError> {
  const replayed = failure.hint.codeAlreadyUsed === true;
  const locked = failure.lockSeconds > 0;
  // The events and the mails they cause are written together: one transaction.
  await transactionWithMail(deps, async (tx, mail) => {
    await recordAudit(deps, tx, {
      type: replayed ? 'second_factor.replayed' : 'second_factor.failed',
      accountId: account.id,
      workspaceId: where.workspaceId,
      context: where.context,
      details: { method: failure.method, purpose: where.purpose, consecutiveFailures: failure.failures },
    });
    if (replayed) await noticeReplay(deps, tx, mail, account);
    if (failure.alarm) {
      await recordAudit(deps, tx, {
        type: failure.alarm.type,
        accountId: account.id,
        workspaceId: where.workspaceId,
        context: where.context,
        details: failure.alarm.details,
      });
      await mail(account, { kind: 'passkey_sign_counter_regressed' });
    }
    if (locked) {
      await recordAudit(deps, tx, {
        type: 'second_factor.locked',
        accountId: account.id,
        context: where.context,
        details: { consecutiveFailures: failure.failures, lockSeconds: failure.lockSeconds },
      });
      await mail(account, { kind: 'locked' });
    }
  });
  if (failure.alarm) deps.logger.warn({ accountId: account.id, ...failure.alarm.details }, 'passkey sign counter went back: the key may have been cloned');
  if (!locked) return new AppError('invalid_code', { ...failure.hint, ...where.extra });
  deps.logger.warn({ accountId: account.id, failures: failure.failures }, 'second-factor verification locked');
  deps.metrics?.lockout();
  return new AppError('too_many_attempts', { retryAfterSeconds: failure.lockSeconds });
}

/**
 * Emails the owner that an authenticator code was used again, unless they were told so in
 * the last hour: the first replay of each hour claims the notice with one atomic counter.
 */
async function noticeReplay(deps: Deps, tx: Tx, mail: QueueMail, account: AccountRecord): Promise<void> {
  const now = deps.clock.now();
  const count = await bumpThrottle(tx, `notice:replayed:${account.id}`, now.toISOString(), addSeconds(now, -REPLAY_NOTICE_INTERVAL_SECONDS).toISOString());
  if (count === 1) await mail(account, { kind: 'totp_replayed' });
}
