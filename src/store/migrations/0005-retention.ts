import type { Kysely } from 'kysely';

/**
 * Retention (issue 18): indexes on the instants the maintenance job deletes by, so each
 * bounded batch finds its rows without scanning the table, and the lease row that lets
 * one of several processes sharing a SQLite file run the job (PostgreSQL uses an advisory
 * lock instead; the table is created there too, and stays empty).
 * `challenges(expires_at)` exists since 0001.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('email_codes_expires_idx').on('email_codes').columns(['expires_at']).execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').columns(['expires_at']).execute();
  await db.schema.createIndex('totp_factors_pending_expires_idx').on('totp_factors').columns(['pending_expires_at']).execute();
  await db.schema.createIndex('throttles_window_idx').on('throttles').columns(['window_started_at']).execute();
  await db.schema.createIndex('audit_events_created_idx').on('audit_events').columns(['created_at']).execute();
  await db.schema
    .createTable('maintenance_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('maintenance_leases').ifExists().execute();
  for (const index of [
    'audit_events_created_idx',
    'throttles_window_idx',
    'totp_factors_pending_expires_idx',
    'sessions_expires_idx',
    'email_codes_expires_idx',
  ]) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
}
