import type { ChallengeMethod } from '../domain/policy.js';
import { reusableQuery } from './reusable-query.js';
import type { Db, SessionRow } from './schema.js';

const METHODS: readonly ChallengeMethod[] = ['totp', 'email', 'recovery_code', 'totp_enrollment'];

/** The second-factor methods a session row passed (unknown words are dropped). */
export function toSecondFactorMethods(row: Pick<SessionRow, 'second_factor_methods'>): ChallengeMethod[] {
  return row.second_factor_methods.split(',').filter((m): m is ChallengeMethod => (METHODS as readonly string[]).includes(m));
}

/**
 * Inserts a session. `secondFactorMethods` empty: the password alone. `authenticatedAt`
 * (when the password was last proven) defaults to `now`.
 */
export async function insertSession(
  db: Db,
  s: {
    id: string;
    accountId: string;
    workspaceId: string;
    secondFactorMethods: readonly ChallengeMethod[];
    expiresAt: string;
    now: string;
    authenticatedAt?: string;
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      account_id: s.accountId,
      workspace_id: s.workspaceId,
      second_factor_verified: s.secondFactorMethods.length > 0 ? 1 : 0,
      second_factor_methods: [...new Set(s.secondFactorMethods)].join(','),
      authenticated_at: s.authenticatedAt ?? s.now,
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
    .innerJoin('memberships', (join) =>
      join.onRef('memberships.workspace_id', '=', 'sessions.workspace_id').onRef('memberships.account_id', '=', 'sessions.account_id'),
    )
    .innerJoin('workspaces', 'workspaces.id', 'sessions.workspace_id')
    .innerJoin('super_apps', 'super_apps.id', 'workspaces.super_app_id')
    .select([
      'sessions.id',
      'sessions.account_id',
      'sessions.workspace_id',
      'sessions.second_factor_verified',
      'sessions.second_factor_methods',
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

/** The session row the id names, without joins (challenge completion re-reads its origin session). */
export async function findSessionById(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Removes `methods` from the second factors the session passed (its authenticator was turned off). */
export async function forgetSessionSecondFactors(db: Db, id: string, methods: readonly ChallengeMethod[]): Promise<void> {
  const row = await findSessionById(db, id);
  if (!row) return;
  const kept = toSecondFactorMethods(row).filter((m) => !methods.includes(m));
  await db
    .updateTable('sessions')
    .set({ second_factor_methods: kept.join(','), second_factor_verified: kept.length > 0 ? 1 : 0 })
    .where('id', '=', id)
    .execute();
}

/** Records activity on a session (idle timeout). */
export async function touchSession(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

/** Marks a session freshly authenticated (password re-entered). */
export async function markSessionAuthenticated(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ authenticated_at: now, last_seen_at: now }).where('id', '=', id).execute();
}

/** Deletes the session; false when it was already gone (so of two replacements, one wins). */
export async function deleteSession(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
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
