import { AppError } from '../domain/errors.js';
import { type Account, findAccountById, toAccount } from '../store/accounts.js';
import { deleteSession, findSessionById } from '../store/sessions.js';
import { listMembershipsOfAccount, type MembershipView } from '../store/tenants.js';
import { type Actor, assertRecentAuthentication } from './account-two-factor.js';
import { type ChallengeView, openChallenge } from './challenge-issue.js';
import type { Deps, RequestContext } from './deps.js';
import { createSession } from './sessions.js';
import { findSuperAppRule, satisfiesSuperAppRule } from './tenant-authority.js';

/** What a switch answers: the new session at once, or a challenge exactly like login. */
export type SwitchResult =
  | { status: 'authenticated'; account: Account; workspace: MembershipView['workspace']; sessionToken: string }
  | { status: 'second_factor_required' | 'enrollment_required'; challenge: ChallengeView };

/**
 * `POST /api/v1/session/workspace`: moves the session to another workspace of the account
 * (403 `not_a_member` otherwise). When the session already satisfies the target super
 * app's rule, a new session (new token) replaces it at once, keeping its second factors,
 * password time and absolute deadline; otherwise a challenge like login's (no password
 * while the session is fresh, 401 `reauthentication_required` after the window) whose
 * verify does the replacement.
 */
export async function switchWorkspace(deps: Deps, actor: Actor, workspaceId: string): Promise<SwitchResult> {
  const target = (await listMembershipsOfAccount(deps.db, actor.accountId)).find((m) => m.workspace.id === workspaceId)?.workspace;
  if (!target) throw new AppError('not_a_member');
  const rule = await findSuperAppRule(deps, actor.accountId, target.superApp.id);
  const account = await findAccountById(deps.db, actor.accountId);
  if (!rule || !account) throw new AppError('not_a_member');
  const { decision } = rule;
  if (satisfiesSuperAppRule(actor, rule) || decision.kind === 'authenticated') {
    const sessionToken = await replaceSession(deps, actor.sessionId, workspaceId, actor.context);
    return { status: 'authenticated', account: toAccount(account), workspace: target, sessionToken };
  }
  assertRecentAuthentication(deps, actor);
  const challenge = await openChallenge(deps, { account, workspace: target, superApp: rule.superApp, decision, purpose: 'switch', sessionId: actor.sessionId });
  return { status: decision.kind, challenge };
}

/** Replaces the session by a new one in `workspaceId` with the same proofs and deadlines, in one transaction. */
async function replaceSession(deps: Deps, sessionId: string, workspaceId: string, context: RequestContext | null): Promise<string> {
  return deps.db.transaction().execute(async (tx) => {
    const origin = await findSessionById(tx, sessionId);
    // The delete is the claim: of two concurrent switches of one session, one wins.
    if (!origin || !(await deleteSession(tx, sessionId))) throw new AppError('unauthenticated');
    return createSession(deps, tx, {
      accountId: origin.accountId,
      workspaceId,
      secondFactorMethods: origin.secondFactorMethods,
      authenticatedAt: origin.authenticatedAt,
      expiresAt: origin.expiresAt,
      context,
    });
  });
}
