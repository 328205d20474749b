import { reusableQuery } from './reusable-query.js';
import type { Db, TotpFactorRow, TotpFactorStatus } from './schema.js';

/** An account's authenticator secret, sealed; pending until a first code confirms it. */
export interface TotpFactor {
  accountId: string;
  /** AES-256-GCM sealed key (adapters/secret-box.ts). */
  secretSealed: string;
  status: TotpFactorStatus;
  /** Pending secrets only: when the activation lapses. */
  pendingExpiresAt: string | null;
  /** The login challenge a pending secret was created in (enrolment), else null. */
  challengeId: string | null;
  activatedAt: string | null;
  createdAt: string;
}

function toTotpFactor(row: TotpFactorRow): TotpFactor {
  return {
    accountId: row.account_id,
    secretSealed: row.secret_sealed,
    status: row.status,
    pendingExpiresAt: row.pending_expires_at,
    challengeId: row.challenge_id,
    activatedAt: row.activated_at,
    createdAt: row.created_at,
  };
}

const totpFactorQuery = reusableQuery((db: Db, accountId: string) => db.selectFrom('totp_factors').selectAll().where('account_id', '=', accountId));

export async function findTotpFactor(db: Db, accountId: string): Promise<TotpFactor | undefined> {
  const row = (await totpFactorQuery(db, accountId)).rows[0];
  return row && toTotpFactor(row);
}

/** Up to `limit` sealed secrets of accounts whose ids sort after `afterAccountId`, in id order (key rotation pages through them). */
export async function listSealedTotpSecrets(db: Db, afterAccountId: string, limit: number): Promise<{ accountId: string; secretSealed: string }[]> {
  const rows = await db
    .selectFrom('totp_factors')
    .select(['account_id', 'secret_sealed'])
    .where('account_id', '>', afterAccountId)
    .orderBy('account_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ accountId: row.account_id, secretSealed: row.secret_sealed }));
}

/** True when the account's own authenticator is active. */
export async function hasActiveTotpFactor(db: Db, accountId: string): Promise<boolean> {
  return (await activeTotpFactorQuery(db, accountId, 'active')).rows.length > 0;
}

const activeTotpFactorQuery = reusableQuery((db: Db, accountId: string, active: 'active') =>
  db.selectFrom('totp_factors').select('status').where('account_id', '=', accountId).where('status', '=', active),
);

/**
 * Stores a new pending secret, replacing an earlier pending one; false (and nothing
 * written) when an active factor exists.
 */
export async function replacePendingTotpFactor(
  db: Db,
  row: { accountId: string; secretSealed: string; expiresAt: string; challengeId: string | null; now: string },
): Promise<boolean> {
  const result = await db
    .insertInto('totp_factors')
    .values({
      account_id: row.accountId,
      secret_sealed: row.secretSealed,
      status: 'pending',
      pending_expires_at: row.expiresAt,
      challenge_id: row.challengeId,
      activated_at: null,
      created_at: row.now,
    })
    .onConflict((oc) =>
      oc
        .column('account_id')
        .doUpdateSet({ secret_sealed: row.secretSealed, pending_expires_at: row.expiresAt, challenge_id: row.challengeId, created_at: row.now })
        .where('totp_factors.status', '=', 'pending'),
    )
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/**
 * Turns the pending secret `secretSealed` into the active factor; false when it is no
 * longer the pending one (replaced, expired or already activated) — single winner.
 */
export async function activatePendingTotpFactor(db: Db, accountId: string, secretSealed: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('totp_factors')
    .set({ status: 'active', activated_at: now, pending_expires_at: null, challenge_id: null })
    .where('account_id', '=', accountId)
    .where('status', '=', 'pending')
    .where('secret_sealed', '=', secretSealed)
    .where('pending_expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Removes the account's factor, pending or active; true when one was removed. */
export async function deleteTotpFactor(db: Db, accountId: string, status?: 'active' | 'pending'): Promise<boolean> {
  let query = db.deleteFrom('totp_factors').where('account_id', '=', accountId);
  if (status) query = query.where('status', '=', status);
  const result = await query.executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Rewrites a sealed secret (key rotation) only if it is still `previous`. */
export async function resealTotpFactor(db: Db, accountId: string, previous: string, next: string): Promise<boolean> {
  const result = await db
    .updateTable('totp_factors')
    .set({ secret_sealed: next })
    .where('account_id', '=', accountId)
    .where('secret_sealed', '=', previous)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
