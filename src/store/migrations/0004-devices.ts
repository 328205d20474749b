import type { Kysely } from 'kysely';

/**
 * Known devices (OWASP "device cookies"): a browser that completed a sign-in holds a
 * long-lived `mpp_device` cookie; the row keeps only the SHA-256 of its token, whose
 * account it is bound to, and when and from where it was first and last seen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('devices_account_idx').on('devices').columns(['account_id', 'last_seen_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('devices').ifExists().execute();
}
