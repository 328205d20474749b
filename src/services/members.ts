import { AppError } from '../domain/errors.js';
import { findWorkspaceById, isSuperAppAdmin, listMembershipsOfAccount, listWorkspaceMembers } from '../store/tenants.js';
import { type Actor, assertRecentAuthentication, resetTwoFactor } from './account-two-factor.js';
import type { Deps } from './deps.js';

/** The workspace and whether the caller administers its super app; 403 unless workspace admin or super app admin. */
async function workspaceAccess(deps: Deps, workspaceId: string, accountId: string) {
  const workspace = await findWorkspaceById(deps.db, workspaceId);
  if (!workspace) throw new AppError('forbidden');
  const superAppAdmin = await isSuperAppAdmin(deps.db, workspace.super_app_id, accountId);
  const membership = (await listMembershipsOfAccount(deps.db, accountId)).find((m) => m.workspace.id === workspaceId);
  if (!superAppAdmin && membership?.workspace.role !== 'admin') throw new AppError('forbidden');
  return { workspace, superAppAdmin };
}

/** Members of a workspace with their 2FA status (workspace admins and super app admins). */
export async function listMembers(deps: Deps, workspaceId: string, accountId: string) {
  const { superAppAdmin } = await workspaceAccess(deps, workspaceId, accountId);
  return { members: await listWorkspaceMembers(deps.db, workspaceId), canResetTwoFactor: superAppAdmin };
}

/** A super app admin resets the 2FA of a member of one of its workspaces (never their own). */
export async function resetMemberTwoFactor(deps: Deps, workspaceId: string, memberAccountId: string, actor: Actor): Promise<void> {
  const { workspace, superAppAdmin } = await workspaceAccess(deps, workspaceId, actor.accountId);
  if (!superAppAdmin) throw new AppError('forbidden');
  assertRecentAuthentication(deps, actor);
  if (memberAccountId === actor.accountId) throw new AppError('cannot_reset_own_two_factor');
  const members = await listWorkspaceMembers(deps.db, workspaceId);
  if (!members.some((m) => m.account.id === memberAccountId)) throw new AppError('not_found');
  await resetTwoFactor(deps, memberAccountId, { actorAccountId: actor.accountId, superAppId: workspace.super_app_id, context: actor.context });
}
