import { AppError } from '../domain/errors.js';
import { satisfiesLoginDecision } from '../domain/policy.js';
import { type Account, findAccountById, toAccount } from '../store/accounts.js';
import { isSuperAppAdmin, listMembershipsOfAccount, type MembershipView } from '../store/tenants.js';
import { type Actor, assertRecentAuthentication } from './account-two-factor.js';
import { type ChallengeView, openChallenge } from './challenge-issue.js';
import type { Deps } from './deps.js';
import { findSuperAppRule } from './tenant-authority.js';

/** What a step-up answers: nothing to do, or a challenge whose verify elevates the session. */
export type StepUpResult =
  | { status: 'authenticated'; account: Account; workspace: MembershipView['workspace'] }
  | { status: 'second_factor_required' | 'enrollment_required'; challenge: ChallengeView };

/**
 * `POST /api/v1/super-apps/{id}/step-up`: for a super app the account administers or
 * belongs to, the challenge a login into it would ask (own authenticator if active, else its
 * methods). Verifying it replaces the session by one that also passed that factor, in the
 * same workspace, so it gains authority over the super app (and a second factor for admin
 * actions). Already satisfied: `authenticated`, nothing changes. 403 `forbidden` for any
 * other super app; 409 `two_factor_not_active` when the super app asks no second factor and
 * the account has no authenticator (activate one first); 401 `reauthentication_required`
 * after the re-authentication window.
 */
export async function stepUpSuperApp(deps: Deps, actor: Actor, superAppId: string): Promise<StepUpResult> {
  const memberships = await listMembershipsOfAccount(deps.db, actor.accountId);
  const belongs = memberships.some((m) => m.workspace.superApp.id === superAppId);
  if (!belongs && !(await isSuperAppAdmin(deps.db, superAppId, actor.accountId))) throw new AppError('forbidden');
  const rule = await findSuperAppRule(deps, actor.accountId, superAppId);
  const current = memberships.find((m) => m.workspace.id === actor.workspaceId)?.workspace;
  const account = await findAccountById(deps.db, actor.accountId);
  if (!rule) throw new AppError('forbidden');
  if (!current || !account) throw new AppError('unauthenticated');
  if (rule.decision.kind === 'authenticated') {
    throw new AppError(
      'two_factor_not_active',
      {},
      `${rule.superApp.name} asks for no second factor: activate two-factor authentication for your account first`,
    );
  }
  if (satisfiesLoginDecision(rule.decision, actor.secondFactorMethods ?? []))
    return { status: 'authenticated', account: toAccount(account), workspace: current };
  assertRecentAuthentication(deps, actor);
  const challenge = await openChallenge(deps, {
    account,
    workspace: current,
    superApp: rule.superApp,
    decision: rule.decision,
    purpose: 'step_up',
    sessionId: actor.sessionId,
  });
  return { status: rule.decision.kind, challenge };
}
