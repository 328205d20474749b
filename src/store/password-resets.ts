import type { Db, PasswordResetRow } from './schema.js';

/** A password-reset link, by the SHA-256 of its token. */
export interface PasswordReset {
  id: string;
  accountId: string;
  status: PasswordResetRow['status'];
  expiresAt: string;
  createdAt: string;
}

function toPasswordReset(row: PasswordResetRow): PasswordReset {
  return { id: row.id, accountId: row.account_id, status: row.status, expiresAt: row.expires_at, createdAt: row.created_at };
}

/** Stores a new link for the account; its earlier live links die (only the newest works). */
export async function replacePasswordReset(db: Db, reset: { id: string; accountId: string; expiresAt: string; now: string }): Promise<void> {
  await db.updateTable('password_resets').set({ status: 'replaced' }).where('account_id', '=', reset.accountId).where('status', '=', 'live').execute();
  await db
    .insertInto('password_resets')
    .values({ id: reset.id, account_id: reset.accountId, status: 'live', expires_at: reset.expiresAt, created_at: reset.now })
    .execute();
}

/** The live, unexpired link with this token hash, or undefined. */
export async function findLivePasswordReset(db: Db, id: string, now: string): Promise<PasswordReset | undefined> {
  const row = await db
    .selectFrom('password_resets')
    .selectAll()
    .where('id', '=', id)
    .where('status', '=', 'live')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row && toPasswordReset(row);
}

/** Uses up a live, unexpired link; false when another request used it first, it was replaced or it expired. */
export async function claimPasswordReset(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('password_resets')
    .set({ status: 'used' })
    .where('id', '=', id)
    .where('status', '=', 'live')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Kills the account's live links (its password changed another way). */
export async function killPasswordResetsOfAccount(db: Db, accountId: string): Promise<void> {
  await db.updateTable('password_resets').set({ status: 'replaced' }).where('account_id', '=', accountId).where('status', '=', 'live').execute();
}
