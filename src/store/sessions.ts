import type { Db, SessionRow } from './schema.js';

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

export async function findSessionById(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
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

/** Ends every session of the account except `keepId`; returns how many ended. */
export async function deleteSessionsOfAccount(db: Db, accountId: string, keepId?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('account_id', '=', accountId);
  if (keepId) query = query.where('id', '!=', keepId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
