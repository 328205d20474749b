import { AppError } from '../domain/errors.js';
import { findAccountById } from '../store/accounts.js';
import { listWorkspaceMembers } from '../store/tenants.js';
import { type Actor, assertRecentAuthentication } from './account-two-factor.js';
import type { Deps } from './deps.js';
import { authorizeWorkspace } from './tenant-authority.js';
import { assertResetAllowedAcrossTenants, resetTwoFactor } from './two-factor-reset.js';

/** Members of a workspace with their 2FA status (workspace admins and super app admins whose session satisfies its rule). */
export async function listMembers(deps: Deps, workspaceId: string, actor: Actor) {
  const { superAppAdmin } = await authorizeWorkspace(deps, actor, workspaceId, { adminAction: false, superAppAdminOnly: false });
  return { members: await listWorkspaceMembers(deps.db, workspaceId), canResetTwoFactor: superAppAdmin };
}

/**
 * A super app admin resets the 2FA of a member of one of its workspaces (never their own),
 * from a session that satisfies the super app's rule and passed a second factor, only when
 * they administer every super app of the member that forbids deactivation. 409
 * `two_factor_not_active` when there is nothing to reset.
 */
export async function resetMemberTwoFactor(deps: Deps, workspaceId: string, memberAccountId: string, actor: Actor): Promise<void> {
  const { rule } = await authorizeWorkspace(deps, actor, workspaceId, { adminAction: true, superAppAdminOnly: true });
  assertRecentAuthentication(deps, actor);
  if (memberAccountId === actor.accountId) throw new AppError('cannot_reset_own_two_factor');
  const members = await listWorkspaceMembers(deps.db, workspaceId);
  if (!members.some((m) => m.account.id === memberAccountId)) throw new AppError('not_found');
  await assertResetAllowedAcrossTenants(deps, memberAccountId, actor.accountId);
  const admin = await findAccountById(deps.db, actor.accountId);
  if (!admin) throw new AppError('unauthenticated');
  const by = { admin: { accountId: admin.id, name: admin.name, superApp: rule.superApp }, context: actor.context };
  if (!(await resetTwoFactor(deps, memberAccountId, by))) throw new AppError('two_factor_not_active');
}
