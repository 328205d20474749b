import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { createTestDatabase, DIALECTS, POSTGRES_SKIP_SUFFIX, POSTGRES_URL, type TestDatabase } from '../support/database.js';

describe.skipIf(!DIALECTS.includes('postgres'))('PostgreSQL connection loss' + POSTGRES_SKIP_SUFFIX, () => {
  let database: TestDatabase;
  afterEach(async () => database?.drop());

  it('an idle pooled connection killed by the server is reported and replaced, not a crash', async () => {
    database = await createTestDatabase('postgres');
    const errors: Error[] = [];
    const handle = openDatabase({ url: database.url, poolMax: 1, onConnectionError: (error) => errors.push(error) });
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await admin.end();
      await expect.poll(() => errors.length).toBe(1);
      const again = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      expect(again.rows).toEqual([{ one: 1 }]);
    } finally {
      await handle.close();
    }
  });
});
