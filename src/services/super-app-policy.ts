import { AppError } from '../domain/errors.js';
import { isValidTwoFactorPolicy, type TwoFactorPolicy } from '../domain/policy.js';
import { deleteSingleFactorSessionsOfSuperApp } from '../store/sessions.js';
import { findSuperAppById, isSuperAppAdmin, toTwoFactorPolicy, updateTwoFactorPolicy } from '../store/tenants.js';
import { recordAudit } from './audit.js';
import type { Deps, RequestContext } from './deps.js';

/** 403 `forbidden` unless the account administers the super app (also when it does not exist, to not reveal ids). */
export async function assertSuperAppAdmin(deps: Deps, superAppId: string, accountId: string): Promise<void> {
  if (!(await isSuperAppAdmin(deps.db, superAppId, accountId))) throw new AppError('forbidden');
}

/** The super app's policy. */
export async function getTwoFactorPolicy(deps: Deps, superAppId: string): Promise<TwoFactorPolicy> {
  const row = await findSuperAppById(deps.db, superAppId);
  if (!row) throw new AppError('not_found');
  return toTwoFactorPolicy(row);
}

/**
 * Replaces the super app's policy after checking it is coherent (400 `invalid_request`
 * when the secondary method equals the primary). `actorAccountId` null: the operator CLI.
 */
export async function setTwoFactorPolicy(
  deps: Deps,
  superAppId: string,
  policy: TwoFactorPolicy,
  by: { actorAccountId: string | null; context: RequestContext | null; keepSessionId?: string },
): Promise<TwoFactorPolicy> {
  if (!isValidTwoFactorPolicy(policy)) throw new AppError('invalid_request', {}, 'The secondary method must differ from the primary method');
  const before = await getTwoFactorPolicy(deps, superAppId);
  await deps.db.transaction().execute(async (tx) => {
    await updateTwoFactorPolicy(tx, superAppId, policy);
    // A newly required second factor applies now, not at each member's next sign-in
    // (the admin making the change keeps the session they are using).
    if (policy.required && !before.required) await deleteSingleFactorSessionsOfSuperApp(tx, superAppId, by.keepSessionId);
    await recordAudit(deps, tx, { type: 'policy.changed', accountId: null, actorAccountId: by.actorAccountId, superAppId, context: by.context, details: { before, after: policy } });
  });
  return policy;
}
