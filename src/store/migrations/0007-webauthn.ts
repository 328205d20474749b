import type { Kysely } from 'kysely';

/**
 * Passkeys and security keys (WebAuthn, issue 13). A credential keeps its public key (COSE,
 * base64url), its credential id (base64url, unique: one authenticator key belongs to one
 * account), the sign counter it last reported (uint32, hence bigint), its transports
 * (comma-separated), the name its owner gave it, and when it was created and last used.
 * A WebAuthn challenge (registration, or an assertion for a login challenge or an identity
 * check) is stored only as the SHA-256 of the value sent to the browser, lives 5 minutes
 * and is claimed once (`used_at`). A super app may accept passkeys only
 * (`phishing_resistant_only`); existing ones do not.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('super_apps')
    .addColumn('phishing_resistant_only', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('webauthn_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('sign_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('webauthn_credentials_account_idx').on('webauthn_credentials').columns(['account_id', 'created_at']).execute();
  await db.schema
    .createTable('webauthn_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('challenge_id', 'text')
    .addColumn('challenge_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webauthn_challenges_account_idx').on('webauthn_challenges').columns(['account_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webauthn_challenges').ifExists().execute();
  await db.schema.dropTable('webauthn_credentials').ifExists().execute();
  await db.schema.alterTable('super_apps').dropColumn('phishing_resistant_only').execute();
}
