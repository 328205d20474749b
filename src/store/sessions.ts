import { reusableQuery } from './reusable-query.js';
import type { Db } from './schema.js';

export async function insertSession(
  db: Db,
  s: { id: string; accountId: string; workspaceId: string; secondFactorVerified: boolean; expiresAt: string; now: string },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      account_id: s.accountId,
      workspace_id: s.workspaceId,
      second_factor_verified: s.secondFactorVerified ? 1 : 0,
      authenticated_at: s.now,
      last_seen_at: s.now,
      expires_at: s.expiresAt,
      created_at: s.now,
    })
    .execute();
}

const sessionViewQuery = reusableQuery((db: Db, id: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .innerJoin('memberships', (join) => join.onRef('memberships.workspace_id', '=', 'sessions.workspace_id').onRef('memberships.account_id', '=', 'sessions.account_id'))
    .innerJoin('workspaces', 'workspaces.id', 'sessions.workspace_id')
    .innerJoin('super_apps', 'super_apps.id', 'workspaces.super_app_id')
    .select([
      'sessions.id',
      'sessions.account_id',
      'sessions.workspace_id',
      'sessions.second_factor_verified',
      'sessions.authenticated_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.created_at',
      'accounts.email',
      'accounts.name',
      'memberships.role',
      'workspaces.name as workspace_name',
      'super_apps.id as super_app_id',
      'super_apps.name as super_app_name',
    ])
    .where('sessions.id', '=', id),
);

/** A session with its account and its workspace membership, in one query (the hot path of every request). */
export async function findSessionView(db: Db, id: string) {
  return (await sessionViewQuery(db, id)).rows[0];
}

/** Records activity on a session (idle timeout). */
export async function touchSession(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

/** Marks a session freshly authenticated (password re-entered). */
export async function markSessionAuthenticated(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ authenticated_at: now, last_seen_at: now }).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends the sessions into the super app's workspaces that never passed a second factor; returns how many ended. */
export async function deleteSingleFactorSessionsOfSuperApp(db: Db, superAppId: string, keepId?: string): Promise<number> {
  let query = db.deleteFrom('sessions');
  if (keepId) query = query.where('id', '!=', keepId);
  const result = await query
    .where('second_factor_verified', '=', 0)
    .where('workspace_id', 'in', (eb) => eb.selectFrom('workspaces').select('id').where('super_app_id', '=', superAppId))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Ends every session of the account except `keepId`; returns how many ended. */
export async function deleteSessionsOfAccount(db: Db, accountId: string, keepId?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('account_id', '=', accountId);
  if (keepId) query = query.where('id', '!=', keepId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
