import { type Kysely, sql } from 'kysely';

/**
 * "Don't ask again on this browser" (issue 17). A super app's policy says for how many days
 * (`remember_device_days`, 0–30, 0: never) a login may skip the second factor on a browser
 * that passed it: existing super apps that require 2FA start at 0 (they keep asking every
 * time), the others at 30 (2FA is their members' own choice). A known device (migration
 * 0004) keeps until when it is remembered and the number of days it was granted under;
 * the cookie alone never skips anything.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('super_apps')
    .addColumn('remember_device_days', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update super_apps set remember_device_days = 30 where two_factor_required = 0`.execute(db);
  await db.schema.alterTable('devices').addColumn('remembered_until', 'text').execute();
  await db.schema.alterTable('devices').addColumn('remember_days', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('devices').dropColumn('remember_days').execute();
  await db.schema.alterTable('devices').dropColumn('remembered_until').execute();
  await db.schema.alterTable('super_apps').dropColumn('remember_device_days').execute();
}
