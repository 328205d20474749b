import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.js';
import { findAccountById, insertAccount } from '../../src/store/accounts.js';
import { createTestDatabase, POSTGRES_SKIP_SUFFIX, POSTGRES_URL, type TestDatabase } from '../support/database.js';

/**
 * On PostgreSQL every data statement is a named prepared statement (store/database.ts
 * `withNamedStatements`): parsed and planned once per connection. A migration by another
 * instance that changes a table under a prepared `select *` must not break the queries.
 */
describe.skipIf(!POSTGRES_URL)(`named prepared statements on PostgreSQL${POSTGRES_SKIP_SUFFIX}`, () => {
  let database: TestDatabase;
  let single: DatabaseHandle | undefined;
  afterEach(async () => {
    await single?.close();
    single = undefined;
    await database?.drop();
  });

  /** The SQL texts prepared on the one connection of `handle`. */
  async function prepared(handle: DatabaseHandle): Promise<string[]> {
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(handle.db);
    return rows.map((r) => r.statement);
  }

  it('prepares each statement once per connection and reuses it', async () => {
    database = await createTestDatabase('postgres');
    single = openDatabase({ url: database.url, poolMax: 1 });
    await insertAccount(single.db, { id: 'acc', email: 'a@example.com', name: 'A', passwordHash: 'x', now: new Date().toISOString() });
    for (let i = 0; i < 3; i += 1) expect((await findAccountById(single.db, 'acc'))?.email).toBe('a@example.com');
    const statements = await prepared(single);
    const lookups = statements.filter((s) => s.startsWith('select * from "accounts" where "id" = $1'));
    expect(lookups).toHaveLength(1);
    expect(statements.some((s) => s.startsWith('insert into "accounts"'))).toBe(true);
    // Transactions still work around prepared statements.
    await single.db.transaction().execute(async (tx) => {
      expect((await findAccountById(tx, 'acc'))?.id).toBe('acc');
    });
  });

  it('a column added by another connection under a prepared select * is picked up, not an error', async () => {
    database = await createTestDatabase('postgres');
    single = openDatabase({ url: database.url, poolMax: 1 });
    await insertAccount(single.db, { id: 'acc', email: 'a@example.com', name: 'A', passwordHash: 'x', now: new Date().toISOString() });
    expect(await findAccountById(single.db, 'acc')).toBeDefined();
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    await other.query('ALTER TABLE accounts ADD COLUMN nickname text');
    await other.end();
    const again = await single.db.selectFrom('accounts').selectAll().where('id', '=', 'acc').executeTakeFirst();
    expect(again).toMatchObject({ id: 'acc', nickname: null });
    expect((await findAccountById(single.db, 'acc'))?.email).toBe('a@example.com');
  });
});
