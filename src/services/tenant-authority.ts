import { AppError } from '../domain/errors.js';
import { decideLogin, type LoginDecision, satisfiesLoginDecision, type TwoFactorPolicy } from '../domain/policy.js';
import { findSuperAppById, findWorkspaceById, isSuperAppAdmin, listMembershipsOfAccount, type SuperApp, type Workspace } from '../store/tenants.js';
import type { Actor } from './account-two-factor.js';
import type { Deps } from './deps.js';
import { findOwnSecondFactors } from './second-factor/factors.js';

/**
 * SPEC "Authority is bounded by the tenant's rule": a session acts on super app X (its
 * policy, members, their 2FA, its audit) only while it satisfies X's login rule, checked
 * on every request from the current policy; admin actions also need a second factor.
 */

/** A super app's login rule for one account: what a login into its workspaces demands now. */
export interface SuperAppRule {
  superApp: SuperApp;
  policy: TwoFactorPolicy;
  decision: LoginDecision;
}

/** X's rule for the account (its own factors if it has any, else X's policy); undefined when X does not exist. */
export async function findSuperAppRule(deps: Deps, accountId: string, superAppId: string): Promise<SuperAppRule | undefined> {
  const row = await findSuperAppById(deps.db, superAppId);
  if (!row) return undefined;
  const policy = row.policy;
  const own = await findOwnSecondFactors(deps.db, accountId);
  const decision = decideLogin({ ownTotpActive: own.totp, ownWebAuthn: own.webauthn, policy });
  return { superApp: { id: row.id, name: row.name }, policy, decision };
}

/** True when the actor's session passed some second factor (login, switch or step-up). */
export function hasPassedSecondFactor(actor: Actor): boolean {
  return (actor.secondFactorMethods ?? []).length > 0;
}

/** True when the session satisfies the rule. */
export function satisfiesSuperAppRule(actor: Actor, rule: SuperAppRule): boolean {
  return !rule.policy.required || satisfiesLoginDecision(rule.decision, actor.secondFactorMethods ?? []);
}

/**
 * 403 `second_factor_required_for_super_app` (with `superApp` and the `methods` that would
 * satisfy it) unless the session satisfies X's rule; 403 `forbidden` when X does not exist.
 */
export async function assertSuperAppAuthority(deps: Deps, actor: Actor, superAppId: string): Promise<SuperAppRule> {
  const rule = await findSuperAppRule(deps, actor.accountId, superAppId);
  if (!rule) throw new AppError('forbidden');
  if (!satisfiesSuperAppRule(actor, rule)) {
    const methods = rule.decision.kind === 'authenticated' ? [] : rule.decision.methods;
    throw new AppError(
      'second_factor_required_for_super_app',
      { superApp: rule.superApp, methods },
      `${rule.superApp.name} requires a second factor this session has not passed`,
    );
  }
  return rule;
}

/** 403 `admin_second_factor_required` unless the session passed a second factor (policy changes, member resets). */
export function assertAdminSecondFactor(actor: Actor): void {
  if (!hasPassedSecondFactor(actor)) throw new AppError('admin_second_factor_required');
}

/**
 * For super app endpoints, in this order: 403 `forbidden` unless the account administers X
 * (also when X does not exist, to not reveal ids); then the tenant rule; then, for admin
 * actions, the admin's second factor.
 */
export async function authorizeSuperAppAdmin(deps: Deps, actor: Actor, superAppId: string, options: { adminAction: boolean }): Promise<SuperAppRule> {
  if (!(await isSuperAppAdmin(deps.db, superAppId, actor.accountId))) throw new AppError('forbidden');
  const rule = await assertSuperAppAuthority(deps, actor, superAppId);
  if (options.adminAction) assertAdminSecondFactor(actor);
  return rule;
}

/** A workspace the caller may act on, and whether the caller administers its super app. */
export interface WorkspaceAccess {
  workspace: Workspace;
  superAppAdmin: boolean;
  rule: SuperAppRule;
}

/**
 * For workspace endpoints: 403 `forbidden` unless a workspace admin or an admin of its
 * super app (`superAppAdminOnly`: only the latter); then the tenant rule of its super app;
 * then, for admin actions, the admin's second factor.
 */
export async function authorizeWorkspace(
  deps: Deps,
  actor: Actor,
  workspaceId: string,
  options: { adminAction: boolean; superAppAdminOnly: boolean },
): Promise<WorkspaceAccess> {
  const workspace = await findWorkspaceById(deps.db, workspaceId);
  if (!workspace) throw new AppError('forbidden');
  const superAppAdmin = await isSuperAppAdmin(deps.db, workspace.superAppId, actor.accountId);
  if (!superAppAdmin) {
    const membership = (await listMembershipsOfAccount(deps.db, actor.accountId)).find((m) => m.workspace.id === workspaceId);
    if (options.superAppAdminOnly || membership?.workspace.role !== 'admin') throw new AppError('forbidden');
  }
  const rule = await assertSuperAppAuthority(deps, actor, workspace.superAppId);
  if (options.adminAction) assertAdminSecondFactor(actor);
  return { workspace, superAppAdmin, rule };
}
