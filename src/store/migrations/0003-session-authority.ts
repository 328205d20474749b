import type { Kysely } from 'kysely';

/**
 * Tenant-bounded authority (issue 11). Sessions remember which second-factor methods they
 * passed (comma-separated; '' for a password-only session), so each request can check the
 * rule of the super app it touches. Challenges learn what they are for (`login`,
 * `switch`, `step_up`), the session they belong to (switch and step-up), the super app a
 * step-up targets, and when their emailed code was passed before enrolment.
 * Sessions that existed before keep `''`: they step up once to act on a strict super app.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('second_factor_methods', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('challenges')
    .addColumn('purpose', 'text', (c) => c.notNull().defaultTo('login'))
    .execute();
  await db.schema.alterTable('challenges').addColumn('session_id', 'text').execute();
  await db.schema.alterTable('challenges').addColumn('super_app_id', 'text').execute();
  await db.schema.alterTable('challenges').addColumn('email_passed_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['email_passed_at', 'super_app_id', 'session_id', 'purpose']) {
    await db.schema.alterTable('challenges').dropColumn(column).execute();
  }
  await db.schema.alterTable('sessions').dropColumn('second_factor_methods').execute();
}
