import type { Kysely } from 'kysely';

/**
 * The language an account's emails are written in (issue 14): `en` or `zh-CN`, null until
 * the owner picks one or a first sign-in takes it from the browser's `Accept-Language`
 * (null is English). Accounts made by the CLI stay null.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('locale', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('locale').execute();
}
