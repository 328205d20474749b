import type { Db, EmailCodePurpose, EmailCodeRow, EmailCodeStatus } from './schema.js';

/** What an email code proves: a login challenge, or consent to deactivate 2FA. */
export type { EmailCodePurpose };

/** A code emailed to an account; only its HMAC is kept. */
export interface EmailCode {
  id: string;
  accountId: string;
  purpose: EmailCodePurpose;
  challengeId: string | null;
  codeHash: string;
  failures: number;
  status: EmailCodeStatus;
  expiresAt: string;
  createdAt: string;
}

function toEmailCode(row: EmailCodeRow): EmailCode {
  return {
    id: row.id,
    accountId: row.account_id,
    purpose: row.purpose,
    challengeId: row.challenge_id,
    codeHash: row.code_hash,
    failures: row.failures,
    status: row.status,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

interface CodeScope {
  accountId: string;
  purpose: EmailCodePurpose;
  challengeId: string | null;
}

function scoped(db: Db, scope: CodeScope) {
  let query = db.selectFrom('email_codes').where('account_id', '=', scope.accountId).where('purpose', '=', scope.purpose);
  query = scope.challengeId === null ? query.where('challenge_id', 'is', null) : query.where('challenge_id', '=', scope.challengeId);
  return query;
}

/**
 * Stores a new code for the scope and kills any older live one there; the new code
 * inherits the older one's failures, so requesting a code never resets the count.
 */
export async function replaceEmailCode(db: Db, scope: CodeScope, code: { id: string; codeHash: string; expiresAt: string; now: string }): Promise<void> {
  const older = await scoped(db, scope)
    .select((eb) => eb.fn.max('failures').as('failures'))
    .where('status', '=', 'live')
    .executeTakeFirst();
  let update = db
    .updateTable('email_codes')
    .set({ status: 'replaced' })
    .where('account_id', '=', scope.accountId)
    .where('purpose', '=', scope.purpose)
    .where('status', '=', 'live');
  update = scope.challengeId === null ? update.where('challenge_id', 'is', null) : update.where('challenge_id', '=', scope.challengeId);
  await update.execute();
  await db
    .insertInto('email_codes')
    .values({
      id: code.id,
      account_id: scope.accountId,
      purpose: scope.purpose,
      challenge_id: scope.challengeId,
      code_hash: code.codeHash,
      failures: Number(older?.failures ?? 0),
      status: 'live',
      expires_at: code.expiresAt,
      created_at: code.now,
    })
    .execute();
}

/** The newest code of the scope that is still live (it may have expired by time). */
export async function findLiveEmailCode(db: Db, scope: CodeScope): Promise<EmailCode | undefined> {
  const row = await scoped(db, scope).selectAll().where('status', '=', 'live').orderBy('created_at', 'desc').executeTakeFirst();
  return row && toEmailCode(row);
}

/** Uses a live, unexpired code; false when another request already used or killed it. */
export async function consumeEmailCode(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('email_codes')
    .set({ status: 'used' })
    .where('id', '=', id)
    .where('status', '=', 'live')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Counts a wrong try against a live code and kills it at `maxFailures`; returns the new count or null. */
export async function recordEmailCodeFailure(db: Db, id: string, maxFailures: number): Promise<number | null> {
  const row = await db
    .updateTable('email_codes')
    .set((eb) => ({
      failures: eb('failures', '+', 1),
      status: eb
        .case()
        .when('failures', '>=', maxFailures - 1)
        .then('dead')
        .else('live')
        .end()
        .$castTo<EmailCodeStatus>(),
    }))
    .where('id', '=', id)
    .where('status', '=', 'live')
    .returning('failures')
    .executeTakeFirst();
  return row ? row.failures : null;
}

/** Removes a code that was never delivered. */
export async function deleteEmailCode(db: Db, id: string): Promise<void> {
  await db.deleteFrom('email_codes').where('id', '=', id).execute();
}

/** When each code sent to the account since `since` was created, oldest first (for the hourly cap). */
export async function listEmailCodeTimesSince(db: Db, accountId: string, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom('email_codes')
    .select('created_at')
    .where('account_id', '=', accountId)
    .where('created_at', '>', since)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.created_at);
}
