import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { DialectName } from './database.js';
import type { Database, Db } from './schema.js';

/*
 * Bounded deletes for the maintenance job. Each function deletes at most `limit` rows in
 * one statement (its own short transaction) and returns how many went, so a caller loops
 * until fewer than `limit` come back and never holds a lock for long. The condition is
 * written twice: once to pick the batch, once on the DELETE itself, so a row that another
 * request changed meanwhile (a throttle bumped, a pending secret replaced) is re-checked
 * against its new values and kept (PostgreSQL re-evaluates the outer WHERE on the newest
 * row version; SQLite has one writer and runs the statement alone).
 */

/** Challenges whose `expires_at` is at or before `before` (open, done or dead alike). */
export async function deleteExpiredChallenges(db: Db, before: string, limit: number): Promise<number> {
  const expired = (eb: ExpressionBuilder<Database, 'challenges'>) => eb('challenges.expires_at', '<=', before);
  const batch = db.selectFrom('challenges').select('challenges.id').where(expired).limit(limit);
  const result = await db.deleteFrom('challenges').where('challenges.id', 'in', batch).where(expired).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Email codes whose `expires_at` is at or before `before`, whatever their status. */
export async function deleteExpiredEmailCodes(db: Db, before: string, limit: number): Promise<number> {
  const expired = (eb: ExpressionBuilder<Database, 'email_codes'>) => eb('email_codes.expires_at', '<=', before);
  const batch = db.selectFrom('email_codes').select('email_codes.id').where(expired).limit(limit);
  const result = await db.deleteFrom('email_codes').where('email_codes.id', 'in', batch).where(expired).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Sessions whose absolute deadline `expires_at` is at or before `before`. */
/** Deletes up to `limit` password-reset links that expired at or before `before`; returns how many. */
export async function deleteExpiredPasswordResets(db: Db, before: string, limit: number): Promise<number> {
  const expired = (eb: ExpressionBuilder<Database, 'password_resets'>) => eb('password_resets.expires_at', '<=', before);
  const batch = db.selectFrom('password_resets').select('password_resets.id').where(expired).limit(limit);
  const result = await db.deleteFrom('password_resets').where('password_resets.id', 'in', batch).where(expired).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: Db, before: string, limit: number): Promise<number> {
  const expired = (eb: ExpressionBuilder<Database, 'sessions'>) => eb('sessions.expires_at', '<=', before);
  const batch = db.selectFrom('sessions').select('sessions.id').where(expired).limit(limit);
  const result = await db.deleteFrom('sessions').where('sessions.id', 'in', batch).where(expired).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Pending authenticator secrets that lapsed at or before `before`, except one bound to a
 * challenge that is still open and unexpired at `now` (the enrolment it belongs to may
 * still answer for it). Active factors are never touched.
 */
export async function deleteLapsedPendingTotpFactors(db: Db, before: string, now: string, limit: number): Promise<number> {
  const lapsed = (eb: ExpressionBuilder<Database, 'totp_factors'>) =>
    eb.and([
      eb('totp_factors.status', '=', 'pending'),
      eb('totp_factors.pending_expires_at', '<=', before),
      eb.not(
        eb.exists(
          eb
            .selectFrom('challenges')
            .select('challenges.id')
            .whereRef('challenges.id', '=', 'totp_factors.challenge_id')
            .where('challenges.status', '=', 'open')
            .where('challenges.expires_at', '>', now),
        ),
      ),
    ]);
  const batch = db.selectFrom('totp_factors').select('totp_factors.account_id').where(lapsed).limit(limit);
  const result = await db.deleteFrom('totp_factors').where('totp_factors.account_id', 'in', batch).where(lapsed).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Throttle counters whose key starts with `prefix` (a fixed family such as `password:`,
 * no LIKE wildcards), whose window began at or before `windowStartedBefore` and whose last
 * event was at or before `lastBefore`.
 */
export async function deleteStaleThrottles(db: Db, stale: { prefix: string; windowStartedBefore: string; lastBefore: string }, limit: number): Promise<number> {
  if (/[%_\\]/.test(stale.prefix)) throw new Error(`throttle prefix ${stale.prefix} must not contain LIKE wildcards`);
  const old = (eb: ExpressionBuilder<Database, 'throttles'>) =>
    eb.and([
      eb('throttles.key', 'like', `${stale.prefix}%`),
      eb('throttles.window_started_at', '<=', stale.windowStartedBefore),
      eb('throttles.last_at', '<=', stale.lastBefore),
    ]);
  const batch = db.selectFrom('throttles').select('throttles.key').where(old).limit(limit);
  const result = await db.deleteFrom('throttles').where('throttles.key', 'in', batch).where(old).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Audit events created strictly before `before`. */
export async function deleteAuditEventsBefore(db: Db, before: string, limit: number): Promise<number> {
  const old = (eb: ExpressionBuilder<Database, 'audit_events'>) => eb('audit_events.created_at', '<', before);
  const batch = db.selectFrom('audit_events').select('audit_events.id').where(old).limit(limit);
  const result = await db.deleteFrom('audit_events').where('audit_events.id', 'in', batch).where(old).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The one job name in `maintenance_leases`, and the PostgreSQL advisory lock key of the same job. */
const LEASE_NAME = 'maintenance';
const ADVISORY_LOCK_KEY = 0x6d707032; // 'mpp2' in ASCII

/** Who asks for the lock, and for how long a SQLite lease holds without being renewed. */
export interface MaintenanceLease {
  holder: string;
  now: () => Date;
  seconds: number;
}

/**
 * What `withMaintenanceLock` gives its job: the handle to delete through (on PostgreSQL the
 * connection that holds the lock) and `keepAlive`, which renews a lease (false: it was lost, stop).
 */
export type LockedJob<T> = (db: Kysely<Database>, keepAlive: () => Promise<boolean>) => Promise<T>;

function leaseEnd(lease: MaintenanceLease): string {
  return new Date(lease.now().getTime() + lease.seconds * 1000).toISOString();
}

/** Takes the SQLite lease when it is free or its holder let it lapse; true when `lease.holder` now holds it. */
export async function claimMaintenanceLease(db: Db, lease: MaintenanceLease): Promise<boolean> {
  const expiresAt = leaseEnd(lease);
  const result = await db
    .insertInto('maintenance_leases')
    .values({ name: LEASE_NAME, holder: lease.holder, expires_at: expiresAt })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({ holder: lease.holder, expires_at: expiresAt }).where('maintenance_leases.expires_at', '<=', lease.now().toISOString()),
    )
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/** Moves the lease's end forward; false when `lease.holder` no longer holds it. */
export async function renewMaintenanceLease(db: Db, lease: MaintenanceLease): Promise<boolean> {
  const result = await db
    .updateTable('maintenance_leases')
    .set({ expires_at: leaseEnd(lease) })
    .where('name', '=', LEASE_NAME)
    .where('holder', '=', lease.holder)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives the lease up (only when `holder` still holds it). */
export async function releaseMaintenanceLease(db: Db, holder: string): Promise<void> {
  await db.deleteFrom('maintenance_leases').where('name', '=', LEASE_NAME).where('holder', '=', holder).execute();
}

/**
 * Runs `job` only when no other process runs it: `{ acquired: false }` at once otherwise.
 * PostgreSQL: a session-level `pg_try_advisory_lock` on one pooled connection, which the job
 * then deletes through, each statement committing on its own; it is unlocked at the end,
 * and a lost connection or process frees it too. (The `_xact_` variant would keep a
 * transaction open on a second connection for the whole run: idle in transaction, and a
 * deadlock with `DATABASE_POOL_MAX=1`.) SQLite: several processes may
 * share the file, so a lease row claimed by one atomic upsert and renewed by the job; a
 * crashed holder's lease lapses after `lease.seconds`. The only dialect branch outside
 * database.ts: the two engines have no common lock primitive.
 */
export async function withMaintenanceLock<T>(
  db: Kysely<Database>,
  dialect: DialectName,
  lease: MaintenanceLease,
  job: LockedJob<T>,
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  if (dialect === 'postgres') {
    return db.connection().execute(async (connection) => {
      const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${sql.lit(ADVISORY_LOCK_KEY)}) AS locked`.execute(connection);
      if (rows[0]?.locked !== true) return { acquired: false as const };
      try {
        return { acquired: true as const, value: await job(connection, async () => true) };
      } finally {
        await sql`SELECT pg_advisory_unlock(${sql.lit(ADVISORY_LOCK_KEY)})`.execute(connection);
      }
    });
  }
  if (!(await claimMaintenanceLease(db, lease))) return { acquired: false };
  try {
    return { acquired: true, value: await job(db, () => renewMaintenanceLease(db, lease)) };
  } finally {
    await releaseMaintenanceLease(db, lease.holder);
  }
}
