import { DEFAULT_TWO_FACTOR_POLICY, type TwoFactorPolicy } from '../domain/policy.js';
import { reusableQuery } from './reusable-query.js';
import type { Db, Role, SuperAppRow } from './schema.js';

export interface SuperApp {
  id: string;
  name: string;
}

export type { Role };

/** A super app with its two-factor rule. */
export interface SuperAppWithPolicy extends SuperApp {
  policy: TwoFactorPolicy;
  createdAt: string;
}

export interface Workspace {
  id: string;
  superAppId: string;
  name: string;
  createdAt: string;
}

/** A workspace with the account's role in it and its super app. */
export interface MembershipView {
  workspace: { id: string; name: string; role: Role; superApp: SuperApp };
}

function toTwoFactorPolicy(row: SuperAppRow): TwoFactorPolicy {
  return {
    required: row.two_factor_required === 1,
    primaryMethod: row.primary_method === 'email' || row.primary_method === 'webauthn' ? row.primary_method : 'totp',
    secondaryMethod: row.secondary_method === 'email' || row.secondary_method === 'totp' || row.secondary_method === 'webauthn' ? row.secondary_method : null,
    allowDeactivation: row.allow_deactivation === 1,
    phishingResistantOnly: row.phishing_resistant_only === 1,
    rememberDeviceDays: Number(row.remember_device_days),
  };
}

function toSuperAppWithPolicy(row: SuperAppRow): SuperAppWithPolicy {
  return { id: row.id, name: row.name, policy: toTwoFactorPolicy(row), createdAt: row.created_at };
}

export async function insertSuperApp(db: Db, row: { id: string; name: string; now: string }): Promise<void> {
  await db
    .insertInto('super_apps')
    .values({
      id: row.id,
      name: row.name,
      two_factor_required: 0,
      primary_method: 'totp',
      secondary_method: null,
      allow_deactivation: 1,
      remember_device_days: DEFAULT_TWO_FACTOR_POLICY.rememberDeviceDays,
      created_at: row.now,
    })
    .execute();
}

export async function findSuperAppById(db: Db, id: string): Promise<SuperAppWithPolicy | undefined> {
  const row = (await superAppByIdQuery(db, id)).rows[0];
  return row && toSuperAppWithPolicy(row);
}

const superAppByIdQuery = reusableQuery((db: Db, id: string) => db.selectFrom('super_apps').selectAll().where('id', '=', id));

/** True when at least one super app exists (the demo seeds an empty database only). */
export async function anySuperAppExists(db: Db): Promise<boolean> {
  return (await db.selectFrom('super_apps').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function updateTwoFactorPolicy(db: Db, superAppId: string, policy: TwoFactorPolicy): Promise<void> {
  await db
    .updateTable('super_apps')
    .set({
      two_factor_required: policy.required ? 1 : 0,
      primary_method: policy.primaryMethod,
      secondary_method: policy.secondaryMethod,
      allow_deactivation: policy.allowDeactivation ? 1 : 0,
      phishing_resistant_only: policy.phishingResistantOnly ? 1 : 0,
      remember_device_days: policy.rememberDeviceDays,
    })
    .where('id', '=', superAppId)
    .execute();
}

/** Adds `accountId` as an admin of the super app; no-op when it already is. */
export async function insertSuperAppAdmin(db: Db, superAppId: string, accountId: string, now: string): Promise<void> {
  await db
    .insertInto('super_app_admins')
    .values({ super_app_id: superAppId, account_id: accountId, created_at: now })
    .onConflict((oc) => oc.columns(['super_app_id', 'account_id']).doNothing())
    .execute();
}

export async function isSuperAppAdmin(db: Db, superAppId: string, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom('super_app_admins')
    .select('account_id')
    .where('super_app_id', '=', superAppId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row !== undefined;
}

const administeredSuperAppsQuery = reusableQuery((db: Db, accountId: string) =>
  db
    .selectFrom('super_app_admins')
    .innerJoin('super_apps', 'super_apps.id', 'super_app_admins.super_app_id')
    .select(['super_apps.id', 'super_apps.name'])
    .where('super_app_admins.account_id', '=', accountId)
    .orderBy('super_apps.name'),
);

/** Super apps the account administers, by name. */
export async function listAdministeredSuperApps(db: Db, accountId: string): Promise<SuperApp[]> {
  return (await administeredSuperAppsQuery(db, accountId)).rows;
}

export async function insertWorkspace(db: Db, row: { id: string; superAppId: string; name: string; now: string }): Promise<void> {
  await db.insertInto('workspaces').values({ id: row.id, super_app_id: row.superAppId, name: row.name, created_at: row.now }).execute();
}

export async function findWorkspaceById(db: Db, id: string): Promise<Workspace | undefined> {
  const row = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { id: row.id, superAppId: row.super_app_id, name: row.name, createdAt: row.created_at };
}

/** Adds or changes a membership. */
export async function upsertMembership(db: Db, row: { workspaceId: string; accountId: string; role: Role; now: string }): Promise<void> {
  await db
    .insertInto('memberships')
    .values({ workspace_id: row.workspaceId, account_id: row.accountId, role: row.role, created_at: row.now })
    .onConflict((oc) => oc.columns(['workspace_id', 'account_id']).doUpdateSet({ role: row.role }))
    .execute();
}

const membershipsOfAccountQuery = reusableQuery((db: Db, accountId: string) =>
  db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .innerJoin('super_apps', 'super_apps.id', 'workspaces.super_app_id')
    .select([
      'workspaces.id as workspaceId',
      'workspaces.name as workspaceName',
      'memberships.role',
      'super_apps.id as superAppId',
      'super_apps.name as superAppName',
    ])
    .where('memberships.account_id', '=', accountId)
    .orderBy('memberships.created_at')
    .orderBy('workspaces.id'),
);

/** The account's workspaces, oldest membership first (the first is the default for login). */
export async function listMembershipsOfAccount(db: Db, accountId: string): Promise<MembershipView[]> {
  const { rows } = await membershipsOfAccountQuery(db, accountId);
  return rows.map((r) => ({
    workspace: { id: r.workspaceId, name: r.workspaceName, role: r.role, superApp: { id: r.superAppId, name: r.superAppName } },
  }));
}

/** Distinct super apps whose workspaces the account belongs to, with their rules, by name. */
export async function listSuperAppsOfAccount(db: Db, accountId: string): Promise<SuperAppWithPolicy[]> {
  const rows = await db
    .selectFrom('super_apps')
    .selectAll()
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('memberships')
        .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
        .select('workspaces.super_app_id')
        .where('memberships.account_id', '=', accountId),
    )
    .orderBy('name')
    .execute();
  return rows.map(toSuperAppWithPolicy);
}

/** Members of a workspace with whether their own two-factor authentication is on (an active authenticator or a passkey). */
export async function listWorkspaceMembers(db: Db, workspaceId: string) {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('accounts', 'accounts.id', 'memberships.account_id')
    .leftJoin('totp_factors', (join) => join.onRef('totp_factors.account_id', '=', 'accounts.id').on('totp_factors.status', '=', 'active'))
    .select(['accounts.id', 'accounts.email', 'accounts.name', 'memberships.role', 'totp_factors.status'])
    .select((eb) =>
      eb
        .exists(eb.selectFrom('webauthn_credentials').select('webauthn_credentials.id').whereRef('webauthn_credentials.account_id', '=', 'accounts.id'))
        .as('has_passkey'),
    )
    .where('memberships.workspace_id', '=', workspaceId)
    .orderBy('accounts.email_key')
    .execute();
  return rows.map((r) => ({
    account: { id: r.id, email: r.email, name: r.name },
    role: r.role,
    // EXISTS answers 0/1 on SQLite and a boolean on PostgreSQL.
    twoFactorActive: r.status === 'active' || Boolean(r.has_passkey),
  }));
}
