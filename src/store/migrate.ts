import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as throttles from './migrations/0002-throttles.js';
import * as sessionAuthority from './migrations/0003-session-authority.js';
import * as devices from './migrations/0004-devices.js';
import * as retention from './migrations/0005-retention.js';
import * as accountSecurity from './migrations/0006-account-security.js';
import * as webauthn from './migrations/0007-webauthn.js';
import * as rememberDevice from './migrations/0010-remember-device.js';
import * as mailOutbox from './migrations/0011-mail-outbox.js';
import * as webhooks from './migrations/0012-webhooks.js';
import * as accountLocale from './migrations/0013-account-locale.js';
import type { Database } from './schema.js';

/** Migrations as code, in order; names are stable once released. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-throttles': throttles,
  '0003-session-authority': sessionAuthority,
  '0004-devices': devices,
  '0005-retention': retention,
  '0006-account-security': accountSecurity,
  '0007-webauthn': webauthn,
  '0010-remember-device': rememberDevice,
  '0011-mail-outbox': mailOutbox,
  '0012-webhooks': webhooks,
  '0013-account-locale': accountLocale,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the schema up to date. Kysely's migrator takes a lock table first, so several
 * instances starting together apply each migration exactly once. Returns the names applied.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations this build knows that the database has not applied. */
export async function listPendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const migrations = await new Migrator({ db, provider }).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
