import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type DatabaseHandle, type DialectName, openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

/** PostgreSQL joins the dialect loop when TEST_DATABASE_URL is set; under CI=true it must be. */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL;
if (process.env.CI === 'true' && !POSTGRES_URL) {
  throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostgreSQL tests cannot be skipped in CI');
}

/** The dialects every store and HTTP test runs against. */
export const DIALECTS: DialectName[] = POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];
if (!POSTGRES_URL) {
  console.warn('[mpp-2fa tests] TEST_DATABASE_URL is not set: PostgreSQL variants are skipped (SQLite only).');
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
    return { url, handle, drop: async () => { await handle.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const name = `mpp_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL!);
  url.pathname = `/${name}`;
  const handle = openDatabase({ url: url.toString(), poolMax: 10 });
  await migrateToLatest(handle.db);
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
