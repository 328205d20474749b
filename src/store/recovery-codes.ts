import type { Db } from './schema.js';

/** Replaces the account's recovery codes with `codeHashes` (old ones die). Run inside a transaction. */
export async function replaceRecoveryCodes(db: Db, accountId: string, rows: { id: string; codeHash: string }[], now: string): Promise<void> {
  await db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
  if (rows.length === 0) return;
  await db
    .insertInto('recovery_codes')
    .values(rows.map((r) => ({ id: r.id, account_id: accountId, code_hash: r.codeHash, used_at: null, created_at: now })))
    .execute();
}

/** Unused recovery codes the account has left. */
export async function countUnusedRecoveryCodes(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Uses the recovery code whose hash is `codeHash`; false when there is none or it was
 * already used. Compare-and-set on `used_at`, so a code works once even under races.
 */
export async function consumeRecoveryCode(db: Db, accountId: string, codeHash: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteRecoveryCodes(db: Db, accountId: string): Promise<void> {
  await db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
}
