import { sha256Hex } from '../adapters/tokens.js';
import { AppError } from '../domain/errors.js';
import { CHALLENGE_MAX_FAILURES } from '../domain/limits.js';
import type { ChallengeMethod } from '../domain/policy.js';
import { type Account, type AccountRecord, findAccountById, toAccount } from '../store/accounts.js';
import { type Challenge, completeChallenge, findChallengeById, killChallenge, markChallengeEmailPassed, reserveChallengeAttempt } from '../store/challenges.js';
import type { Tx } from '../store/schema.js';
import { findSuperAppById, listMembershipsOfAccount, type MembershipView } from '../store/tenants.js';
import { recordAudit } from './audit.js';
import {
  assertChallengeOwner,
  assertEnrollmentAllowed,
  createSessionForChallenge,
  describeChallengeForEmail,
  needsEmailBeforeEnrollment,
} from './challenge-sessions.js';
import { noticeNewDevice, rememberDevice } from './devices.js';
import type { Deps, RequestContext } from './deps.js';
import { type EmailCodeSent, sendEmailCode } from './email-codes.js';
import { sendSecurityNotice } from './notifications.js';
import {
  assertCodeShape,
  assertSecondFactorUnlocked,
  consumeSecondFactorProof,
  type ProofOutcome,
  recordSecondFactorFailure,
  recordSecondFactorSuccess,
  reserveSecondFactorAttempt,
  type SecondFactorAttempt,
} from './second-factor.js';
import { createPendingTotp, activatePendingTotp, type PendingTotp } from './totp-setup.js';

export interface VerifyInput {
  method: ChallengeMethod;
  code: string;
}

export interface VerifyResult {
  status: 'authenticated';
  account: Account;
  workspace: MembershipView['workspace'];
  sessionToken: string;
  /** After a login challenge: the `mpp_device` cookie to set (services/devices.ts). */
  deviceCookie?: string;
  /** Only after enrolment during login: the new recovery codes, shown once. */
  recoveryCodes?: string[];
}

interface OpenChallenge {
  challenge: Challenge;
  account: AccountRecord;
}

/** The open, unexpired challenge the token names, with its account; 410 `challenge_expired` otherwise. */
async function findOpenChallenge(deps: Deps, token: string, method?: ChallengeMethod): Promise<OpenChallenge> {
  const challenge = token.length <= 200 ? await findChallengeById(deps.db, sha256Hex(token)) : undefined;
  const spent = challenge !== undefined && challenge.failures >= CHALLENGE_MAX_FAILURES;
  if (!challenge || spent || challenge.status !== 'open' || challenge.expiresAt <= deps.clock.now().toISOString()) {
    throw new AppError('challenge_expired');
  }
  if (method !== undefined && !challenge.methods.includes(method)) throw new AppError('method_not_allowed');
  const account = await findAccountById(deps.db, challenge.accountId);
  if (!account) throw new AppError('challenge_expired');
  return { challenge, account };
}

/** Sends an email code for a challenge that allows `email` (POST …/email-code). */
export async function sendChallengeEmailCode(deps: Deps, token: string, context: RequestContext | null): Promise<EmailCodeSent> {
  const { challenge, account } = await findOpenChallenge(deps, token, 'email');
  assertSecondFactorUnlocked(deps, account);
  const memberships = await listMembershipsOfAccount(deps.db, account.id);
  const workspace = memberships.find((m) => m.workspace.id === challenge.workspaceId)?.workspace;
  const target = challenge.superAppId === null ? undefined : await findSuperAppById(deps.db, challenge.superAppId);
  const forWhat = describeChallengeForEmail(challenge, workspace, target?.name);
  return sendEmailCode(deps, account, { purpose: 'login', challengeId: challenge.id, workspaceId: challenge.workspaceId, forWhat }, context);
}

/**
 * Starts authenticator enrolment during a login that requires one (POST …/enrollment).
 * When email is among the challenge's methods, its emailed `code` must be passed first
 * (403 `email_code_required` without it; wrong codes count like any other).
 */
export async function startChallengeEnrollment(deps: Deps, token: string, code?: string, context: RequestContext | null = null): Promise<PendingTotp> {
  const { challenge, account } = await findOpenChallenge(deps, token, 'totp_enrollment');
  if (needsEmailBeforeEnrollment(challenge)) await passEmailBeforeEnrollment(deps, challenge, account, code, context);
  return createPendingTotp(deps, account, challenge.id);
}

/** Checks and uses up the challenge's emailed code and marks it passed, so enrolment may follow. */
async function passEmailBeforeEnrollment(
  deps: Deps,
  challenge: Challenge,
  account: AccountRecord,
  code: string | undefined,
  context: RequestContext | null,
): Promise<void> {
  if (code === undefined) throw new AppError('email_code_required');
  assertCodeShape('email', code);
  const now = deps.clock.now().toISOString();
  const outcome = await deps.db.transaction().execute(async (tx) => {
    const attempt = await reserveSecondFactorAttempt(deps, tx, account);
    const challengeAttempts = await reserveChallengeAttempt(tx, challenge.id, now, CHALLENGE_MAX_FAILURES);
    if (challengeAttempts === null) throw new AppError('challenge_expired');
    const proof = { method: 'email' as const, code, emailScope: { purpose: 'login' as const, challengeId: challenge.id } };
    if ((await consumeSecondFactorProof(deps, tx, account, proof)) !== 'accepted') return { ok: false as const, attempt, challengeAttempts };
    if (!(await markChallengeEmailPassed(tx, challenge.id, now))) throw new AppError('challenge_expired');
    await recordSecondFactorSuccess(tx, account.id);
    return { ok: true as const };
  });
  if (!outcome.ok) await failVerification(deps, challenge, account, outcome.attempt, outcome.challengeAttempts, 'email', context);
}

/**
 * Second factor of a login. Checks the code, uses it up, closes the challenge and creates
 * a new session in one transaction, so a code or challenge wins once even under races.
 * Wrong codes count against the challenge (dead at 5) and the account's lockout.
 */
export async function verifyChallenge(
  deps: Deps,
  token: string,
  input: VerifyInput,
  context: RequestContext | null,
  sessionToken?: string,
): Promise<VerifyResult> {
  const { challenge, account } = await findOpenChallenge(deps, token, input.method);
  assertChallengeOwner(challenge, sessionToken);
  assertEnrollmentAllowed(challenge, input.method);
  assertCodeShape(input.method, input.code);
  const now = deps.clock.now().toISOString();

  const outcome = await deps.db.transaction().execute(async (tx) => {
    const attempt = await reserveSecondFactorAttempt(deps, tx, account);
    const challengeAttempts = await reserveChallengeAttempt(tx, challenge.id, now, CHALLENGE_MAX_FAILURES);
    if (challengeAttempts === null) throw new AppError('challenge_expired');
    const used = await consumeChallengeProof(deps, tx, challenge, account, input);
    // A wrong code commits the reservations: the attempt stays counted.
    if ('hints' in used) return { ok: false as const, attempt, challengeAttempts, hints: used.hints, proofOutcome: used.outcome };
    if (!(await completeChallenge(tx, challenge.id, now))) throw new AppError('challenge_expired');
    await recordSecondFactorSuccess(tx, account.id);
    const sessionToken = await createSessionForChallenge(deps, tx, challenge, input.method);
    // A login is a full sign-in from this browser: it becomes (or stays) a known device.
    const device = challenge.purpose === 'login' ? await rememberDevice(deps, tx, account.id, context) : undefined;
    await recordAudit(deps, tx, {
      type: 'second_factor.succeeded',
      accountId: account.id,
      workspaceId: challenge.workspaceId,
      superAppId: challenge.superAppId,
      context,
      details: { method: input.method, purpose: challenge.purpose },
    });
    if (input.method === 'totp_enrollment') {
      await recordAudit(deps, tx, {
        type: 'two_factor.activated',
        accountId: account.id,
        workspaceId: challenge.workspaceId,
        context,
        details: { during: 'login' },
      });
    }
    if (input.method === 'recovery_code') {
      await recordAudit(deps, tx, { type: 'recovery_code.used', accountId: account.id, workspaceId: challenge.workspaceId, context });
    }
    return { ok: true as const, sessionToken, device, recoveryCodes: used.recoveryCodes };
  });

  if (!outcome.ok)
    return failVerification(deps, challenge, account, outcome.attempt, outcome.challengeAttempts, input.method, context, outcome.hints, outcome.proofOutcome);
  if (input.method === 'totp_enrollment') void sendSecurityNotice(deps, account.email, 'activated');
  if (input.method === 'recovery_code') void sendSecurityNotice(deps, account.email, 'recovery_code_used');
  if (outcome.device) noticeNewDevice(deps, account.email, outcome.device, context);
  const workspace = (await listMembershipsOfAccount(deps.db, account.id)).find((m) => m.workspace.id === challenge.workspaceId)!.workspace;
  return {
    status: 'authenticated',
    account: toAccount(account),
    workspace,
    sessionToken: outcome.sessionToken,
    ...(outcome.device && { deviceCookie: outcome.device.cookie }),
    recoveryCodes: outcome.recoveryCodes,
  };
}

/**
 * Uses up the code of a verify request inside `tx`: enrolment activates the pending
 * authenticator (and yields recovery codes), other methods consume their proof. A wrong
 * code comes back as `hints` for the answer (activation's `clockDriftSeconds`); any other
 * enrolment failure is thrown as itself, which also undoes the reserved attempts.
 */
async function consumeChallengeProof(
  deps: Deps,
  tx: Tx,
  challenge: Challenge,
  account: AccountRecord,
  input: VerifyInput,
): Promise<{ recoveryCodes?: string[] } | { hints: Record<string, unknown>; outcome?: ProofOutcome }> {
  if (input.method === 'totp_enrollment') {
    try {
      return { recoveryCodes: await activatePendingTotp(deps, tx, account, input.code, challenge.id) };
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid_code') return { hints: error.extra };
      throw error;
    }
  }
  const proof = { method: input.method, code: input.code, emailScope: { purpose: 'login' as const, challengeId: challenge.id } };
  const outcome = await consumeSecondFactorProof(deps, tx, account, proof);
  return outcome === 'accepted' ? {} : { hints: {}, outcome };
}

/** Answers a wrong code: 429 when this attempt locked the account, else 401 with the challenge's attempts left and the code's `hints`. */
async function failVerification(
  deps: Deps,
  challenge: Challenge,
  account: AccountRecord,
  attempt: SecondFactorAttempt,
  challengeAttempts: number,
  method: ChallengeMethod,
  context: RequestContext | null,
  hints: Record<string, unknown> = {},
  proofOutcome?: ProofOutcome,
): Promise<never> {
  if (challengeAttempts >= CHALLENGE_MAX_FAILURES) await killChallenge(deps.db, challenge.id);
  const lockSeconds = await recordSecondFactorFailure(deps, account, attempt, context, {
    method,
    workspaceId: challenge.workspaceId,
    purpose: challenge.purpose,
    ...(proofOutcome && { outcome: proofOutcome }),
  });
  if (lockSeconds > 0) throw new AppError('too_many_attempts', { retryAfterSeconds: lockSeconds });
  throw new AppError('invalid_code', { ...hints, attemptsRemaining: Math.max(0, CHALLENGE_MAX_FAILURES - challengeAttempts) });
}
