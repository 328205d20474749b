import { AppError } from '../domain/errors.js';
import { findTwoFactorPolicyProblem, rememberDeviceDaysAfter, type TwoFactorPolicy } from '../domain/policy.js';
import { endRemembrancesAboveDays } from '../store/devices.js';
import { deleteSingleFactorSessionsOfSuperApp } from '../store/sessions.js';
import { findSuperAppById, isSuperAppAdmin, updateTwoFactorPolicy } from '../store/tenants.js';
import { type Actor, assertRecentAuthentication } from './account-two-factor.js';
import { recordAudit } from './audit.js';
import type { Deps, RequestContext } from './deps.js';
import { hasOwnSecondFactor } from './second-factor/factors.js';
import { authorizeSuperAppAdmin } from './tenant-authority.js';

/** 403 `forbidden` unless the account administers the super app (also when it does not exist, to not reveal ids). */
export async function assertSuperAppAdmin(deps: Deps, superAppId: string, accountId: string): Promise<void> {
  if (!(await isSuperAppAdmin(deps.db, superAppId, accountId))) throw new AppError('forbidden');
}

/** The super app's policy. */
export async function getTwoFactorPolicy(deps: Deps, superAppId: string): Promise<TwoFactorPolicy> {
  const row = await findSuperAppById(deps.db, superAppId);
  if (!row) throw new AppError('not_found');
  return row.policy;
}

/**
 * Replaces the super app's policy after checking it is coherent (400 `invalid_request`
 * when the secondary method equals the primary, phishing-resistant only is not `webauthn`
 * alone, or `rememberDeviceDays` is not 0–30). Lowering `rememberDeviceDays` ends the
 * remembrances of members' browsers granted under more days. `actorAccountId` null: the operator CLI.
 */
export async function setTwoFactorPolicy(
  deps: Deps,
  superAppId: string,
  policy: TwoFactorPolicy,
  by: { actorAccountId: string | null; context: RequestContext | null; keepSessionId?: string },
): Promise<TwoFactorPolicy> {
  const problem = findTwoFactorPolicyProblem(policy);
  if (problem !== null) throw new AppError('invalid_request', {}, problem);
  const before = await getTwoFactorPolicy(deps, superAppId);
  await deps.db.transaction().execute(async (tx) => {
    await updateTwoFactorPolicy(tx, superAppId, policy);
    // A newly required second factor applies now, not at each member's next sign-in
    // (the admin making the change keeps the session they are using).
    if (policy.required && !before.required) await deleteSingleFactorSessionsOfSuperApp(tx, superAppId, by.keepSessionId);
    // Fewer days allowed: browsers remembered under more days are asked again.
    if (policy.rememberDeviceDays < before.rememberDeviceDays) await endRemembrancesAboveDays(tx, superAppId, policy.rememberDeviceDays);
    await recordAudit(deps, tx, {
      type: 'policy.changed',
      accountId: null,
      actorAccountId: by.actorAccountId,
      superAppId,
      context: by.context,
      details: { before, after: policy },
    });
  });
  return policy;
}

/** `GET …/two-factor-policy` for an admin whose session satisfies the super app's rule. */
export async function readTwoFactorPolicyAsAdmin(deps: Deps, actor: Actor, superAppId: string): Promise<TwoFactorPolicy> {
  return (await authorizeSuperAppAdmin(deps, actor, superAppId, { adminAction: false })).policy;
}

/**
 * `PUT …/two-factor-policy`: an admin whose session satisfies the super app's rule and
 * passed a second factor, with a recent password. Switching a requirement on also needs the
 * admin's own second factor (as large code hosts require), else 403
 * `admin_second_factor_required` with `ownTwoFactorRequired`.
 */
export async function changeTwoFactorPolicyAsAdmin(
  deps: Deps,
  actor: Actor,
  superAppId: string,
  input: Omit<TwoFactorPolicy, 'phishingResistantOnly' | 'rememberDeviceDays'> & {
    phishingResistantOnly?: boolean | undefined;
    rememberDeviceDays?: number | undefined;
  },
): Promise<TwoFactorPolicy> {
  const rule = await authorizeSuperAppAdmin(deps, actor, superAppId, { adminAction: true });
  assertRecentAuthentication(deps, actor);
  // Clients that predate the fields leave them as they are (switching `required` on without days: 0).
  const policy: TwoFactorPolicy = {
    ...input,
    phishingResistantOnly: input.phishingResistantOnly ?? rule.policy.phishingResistantOnly,
    rememberDeviceDays: rememberDeviceDaysAfter(rule.policy, input.required, input.rememberDeviceDays),
  };
  if (policy.required && !rule.policy.required && !(await hasOwnSecondFactor(deps.db, actor.accountId))) {
    throw new AppError(
      'admin_second_factor_required',
      { ownTwoFactorRequired: true },
      'Activate two-factor authentication for your own account before requiring it',
    );
  }
  return setTwoFactorPolicy(deps, superAppId, policy, { actorAccountId: actor.accountId, context: actor.context, keepSessionId: actor.sessionId });
}
