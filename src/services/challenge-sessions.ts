import { sha256Hex } from '../adapters/tokens.js';
import { AppError } from '../domain/errors.js';
import { type ChallengeMethod, ENROLLMENT_METHODS } from '../domain/policy.js';
import type { Challenge } from '../store/challenges.js';
import type { Db } from '../store/schema.js';
import { deleteSession, findSessionById } from '../store/sessions.js';
import type { Deps, RequestContext } from './deps.js';
import type { EmailCodeUse } from './mail-templates.js';
import { createSession } from './sessions.js';

/**
 * What a passed challenge yields, by purpose: a login's new session, or for a workspace
 * switch or a step-up the asking session replaced by a new one (new token) that also
 * passed this method.
 */

/**
 * 410 `challenge_expired` unless a switch or step-up challenge is completed by the session
 * that asked for it (its cookie), so a leaked challenge id elevates nobody else's session.
 */
export function assertChallengeOwner(challenge: Challenge, sessionToken: string | undefined): void {
  if (challenge.sessionId === null) return;
  if (!sessionToken || sessionToken.length > 200 || sha256Hex(sessionToken) !== challenge.sessionId) throw new AppError('challenge_expired');
}

/** True when the challenge offers email as well as an enrolment (authenticator or passkey) and its emailed code has not been passed yet. */
export function needsEmailBeforeEnrollment(challenge: Challenge): boolean {
  const methods = challenge.methods;
  return methods.some((m) => ENROLLMENT_METHODS.includes(m)) && methods.includes('email') && challenge.emailPassedAt === null;
}

/**
 * 403 `email_code_required` for enrolment while the challenge's emailed code is pending:
 * the password alone never enrols an authenticator or passkey when the mailbox could have been asked.
 */
export function assertEnrollmentAllowed(challenge: Challenge, method: ChallengeMethod): void {
  if (ENROLLMENT_METHODS.includes(method) && needsEmailBeforeEnrollment(challenge)) throw new AppError('email_code_required');
}

/** Says in a code email what the code is for. */
export function describeChallengeForEmail(
  challenge: Challenge,
  workspace: { name: string; superApp: { name: string } } | undefined,
  superAppName: string | undefined,
): EmailCodeUse {
  if (challenge.purpose === 'step_up') return { kind: 'step_up', superApp: superAppName ?? null };
  return { kind: challenge.purpose === 'switch' ? 'switch' : 'sign_in', workspace: workspace?.name ?? null, superApp: workspace?.superApp.name ?? null };
}

/**
 * Creates the session a passed challenge yields, inside `tx`. A login gets a new session
 * that passed `method`; a switch or step-up replaces the asking session (which must still
 * be live) by one with its methods plus `method`, its password time and its absolute
 * deadline, in the challenge's workspace. Returns the new cookie token.
 */
export async function createSessionForChallenge(
  deps: Deps,
  tx: Db,
  challenge: Challenge,
  method: ChallengeMethod,
  context: RequestContext | null,
): Promise<string> {
  const base = { accountId: challenge.accountId, workspaceId: challenge.workspaceId, context };
  if (challenge.sessionId === null) return createSession(deps, tx, { ...base, secondFactorMethods: [method] });
  const origin = await findSessionById(tx, challenge.sessionId);
  const now = deps.clock.now();
  const idleDeadline = origin ? Date.parse(origin.lastSeenAt) + deps.sessionIdleSeconds * 1000 : 0;
  if (!origin || origin.accountId !== challenge.accountId || origin.expiresAt <= now.toISOString() || idleDeadline <= now.getTime()) {
    throw new AppError('challenge_expired');
  }
  // The delete is the claim: the asking session is replaced once.
  if (!(await deleteSession(tx, origin.id))) throw new AppError('challenge_expired');
  return createSession(deps, tx, {
    ...base,
    secondFactorMethods: [...origin.secondFactorMethods, method],
    authenticatedAt: origin.authenticatedAt,
    expiresAt: origin.expiresAt,
  });
}
