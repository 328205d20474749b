import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe } from 'vitest';
import { type DatabaseHandle, type DialectName, openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

/** PostgreSQL joins the dialect loop when TEST_DATABASE_URL is set; under CI=true it must be. */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL;
if (process.env.CI === 'true' && !POSTGRES_URL) {
  throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostgreSQL tests cannot be skipped in CI');
}

/** The dialects this run can reach: PostgreSQL only when TEST_DATABASE_URL is set. */
export const DIALECTS: DialectName[] = POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];
if (!POSTGRES_URL) {
  console.warn('[mpp-2fa tests] TEST_DATABASE_URL is not set: PostgreSQL variants are skipped (SQLite only).');
}

/** Appended to the titles of suites that need PostgreSQL, so the closing summary says why they skipped. */
export const POSTGRES_SKIP_SUFFIX = POSTGRES_URL ? '' : ' [skipped: TEST_DATABASE_URL is not set; these tests need PostgreSQL]';

const ALL_DIALECTS: DialectName[] = ['sqlite', 'postgres'];

/**
 * `describe.each` over every dialect ('%s' in the title names it). A variant whose store
 * this run cannot reach is still declared, as skipped with the reason in its title, so the
 * closing line counts it instead of never generating it.
 */
export function describeEachDialect(title: string, body: (dialect: DialectName) => void): void {
  for (const dialect of ALL_DIALECTS) {
    const available = DIALECTS.includes(dialect);
    const name = title.replaceAll('%s', dialect) + (available ? '' : POSTGRES_SKIP_SUFFIX);
    describe.skipIf(!available)(name, () => body(dialect));
  }
}

export interface TestDatabase {
  url: string;
  handle: DatabaseHandle;
  /** Closes the handle and removes the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database of `dialect`: a temporary SQLite file, or a new PostgreSQL database. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mpp-2fa-test-'));
    const url = join(dir, 'test.sqlite');
    const handle = openDatabase({ url });
    await migrateToLatest(handle.db);
    return {
      url,
      handle,
      drop: async () => {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `mpp_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const template = await ensurePostgresTemplate();
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const url = new URL(POSTGRES_URL!);
  url.pathname = `/${name}`;
  const handle = openDatabase({ url: url.toString(), poolMax: 10 });
  return {
    url: url.toString(),
    handle,
    drop: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

let templateName: Promise<string> | undefined;

/**
 * A migrated PostgreSQL database to copy test databases from (CREATE DATABASE … TEMPLATE
 * is far faster than migrating each one). Named by a hash of the migration sources, built
 * under an advisory lock and renamed into place when complete, so parallel test processes
 * share one and never copy a half-built one.
 */
function ensurePostgresTemplate(): Promise<string> {
  templateName ??= (async () => {
    const dir = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));
    const hash = createHash('sha256');
    for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
    const name = `mpp_template_${hash.digest('hex').slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query('SELECT pg_advisory_lock(4242)');
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        const building = `${name}_building`;
        await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${building}`);
        const url = new URL(POSTGRES_URL!);
        url.pathname = `/${building}`;
        const handle = openDatabase({ url: url.toString(), poolMax: 1 });
        await migrateToLatest(handle.db);
        await handle.close();
        await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock(4242)');
      await admin.end();
    }
    return name;
  })();
  return templateName;
}
