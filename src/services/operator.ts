import { AppError } from '../domain/errors.js';
import { assertAcceptablePassword, normalizePassword } from '../domain/password-policy.js';
import { rememberDeviceDaysAfter, type TwoFactorPolicy } from '../domain/policy.js';
import { findAccountByEmail, insertAccount } from '../store/accounts.js';
import {
  findSuperAppById,
  findWorkspaceById,
  insertSuperApp,
  insertSuperAppAdmin,
  insertWorkspace,
  listAdministeredSuperApps,
  listMembershipsOfAccount,
  type Role,
  upsertMembership,
} from '../store/tenants.js';
import { resetTwoFactor } from './account-two-factor.js';
import { type Deps, newId, nowIso } from './deps.js';
import { getTwoFactorPolicy, setTwoFactorPolicy } from './super-app-policy.js';
import { hasOwnSecondFactor } from './second-factor/factors.js';
import { findSuperAppRule } from './tenant-authority.js';

/** Operator tasks behind the CLI (API.md "CLI"). Each returns the JSON the CLI prints. */

export async function createSuperApp(deps: Deps, name: string) {
  const id = newId(deps);
  await insertSuperApp(deps.db, { id, name, now: nowIso(deps) });
  return { id, name };
}

export async function createWorkspace(deps: Deps, superAppId: string, name: string) {
  if (!(await findSuperAppById(deps.db, superAppId))) throw new AppError('not_found', {}, `No super app with id ${superAppId}`);
  const id = newId(deps);
  await insertWorkspace(deps.db, { id, superAppId, name, now: nowIso(deps) });
  return { id, name, superAppId };
}

export async function createAccount(deps: Deps, input: { email: string; name: string; password: string }) {
  const email = input.email.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) throw new AppError('invalid_request', {}, 'Not an email address');
  assertAcceptablePassword(input.password);
  if (await findAccountByEmail(deps.db, email)) throw new AppError('already_exists', {}, `An account with email ${email} exists`);
  const id = newId(deps);
  await insertAccount(deps.db, { id, email, name: input.name, passwordHash: await deps.hasher.hash(normalizePassword(input.password)), now: nowIso(deps) });
  return { id, email, name: input.name };
}

async function accountByEmailOrThrow(deps: Deps, email: string) {
  const account = await findAccountByEmail(deps.db, email);
  if (!account) throw new AppError('not_found', {}, `No account with email ${email}`);
  return account;
}

export async function addMember(deps: Deps, input: { workspaceId: string; email: string; role: Role }) {
  if (!(await findWorkspaceById(deps.db, input.workspaceId))) throw new AppError('not_found', {}, `No workspace with id ${input.workspaceId}`);
  const account = await accountByEmailOrThrow(deps, input.email);
  await upsertMembership(deps.db, { workspaceId: input.workspaceId, accountId: account.id, role: input.role, now: nowIso(deps) });
  return { workspaceId: input.workspaceId, accountId: account.id, email: account.email, role: input.role };
}

export async function addSuperAppAdmin(deps: Deps, input: { superAppId: string; email: string }) {
  if (!(await findSuperAppById(deps.db, input.superAppId))) throw new AppError('not_found', {}, `No super app with id ${input.superAppId}`);
  const account = await accountByEmailOrThrow(deps, input.email);
  await insertSuperAppAdmin(deps.db, input.superAppId, account.id, nowIso(deps));
  return { superAppId: input.superAppId, accountId: account.id, email: account.email };
}

/** Applies the given policy fields over the current policy. */
export async function updatePolicy(deps: Deps, superAppId: string, changes: Partial<TwoFactorPolicy>) {
  const current = await getTwoFactorPolicy(deps, superAppId);
  const next = { ...current, ...changes };
  next.rememberDeviceDays = rememberDeviceDaysAfter(current, next.required, changes.rememberDeviceDays);
  if (changes.primaryMethod && changes.secondaryMethod === undefined && next.secondaryMethod === next.primaryMethod) next.secondaryMethod = null;
  return setTwoFactorPolicy(deps, superAppId, next, { actorAccountId: null, context: null });
}

export async function resetAccountTwoFactor(deps: Deps, email: string) {
  const account = await accountByEmailOrThrow(deps, email);
  // The operator can always reset; with nothing to reset, nothing is mailed or recorded.
  await resetTwoFactor(deps, account.id, { admin: null, context: null });
  return { active: false };
}

/**
 * The account, its workspaces, and each super app's rule for it (every super app it
 * belongs to or administers): what a sign-in there demands now (`login`: `password` alone,
 * `second_factor_required` or `enrollment_required`, with the methods that satisfy it),
 * which is also what a session needs to act on that super app.
 */
export async function showAccount(deps: Deps, email: string) {
  const account = await accountByEmailOrThrow(deps, email);
  const memberships = await listMembershipsOfAccount(deps.db, account.id);
  const administered = await listAdministeredSuperApps(deps.db, account.id);
  const ids = [...new Set([...memberships.map((m) => m.workspace.superApp.id), ...administered.map((a) => a.id)])];
  const superApps = [];
  for (const id of ids) {
    const rule = await findSuperAppRule(deps, account.id, id);
    if (!rule) continue;
    const { decision } = rule;
    superApps.push({
      ...rule.superApp,
      administered: administered.some((a) => a.id === id),
      twoFactorRequired: rule.policy.required,
      login: decision.kind === 'authenticated' ? 'password' : decision.kind,
      methods: decision.kind === 'authenticated' ? [] : decision.methods,
    });
  }
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    twoFactorActive: await hasOwnSecondFactor(deps.db, account.id),
    workspaces: memberships.map((m) => m.workspace),
    superApps,
  };
}
