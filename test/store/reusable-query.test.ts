import { afterEach, expect, it } from 'vitest';
import { reusableQuery, reusableQueryFamily } from '../../src/store/reusable-query.js';
import type { Db } from '../../src/store/schema.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../support/database.js';

const superAppNamed = reusableQuery((db: Db, id: string, name: string) =>
  db.selectFrom('super_apps').select('id').where('name', '=', name).where('id', '=', id),
);
const sameValueTwice = reusableQuery((db: Db, value: string) =>
  db
    .selectFrom('super_apps')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', value), eb('name', '=', value)])),
);
const superAppsAmong = reusableQueryFamily((db: Db, _count: number, ...ids: string[]) =>
  db.selectFrom('super_apps').select('id').where('id', 'in', ids).orderBy('id'),
);
const literalInside = reusableQuery((db: Db, id: string) => db.selectFrom('super_apps').select('id').where('id', '=', id).where('name', '=', 'fixed'));

describeEachDialect('reusable queries (%s)', (dialect) => {
  let database: TestDatabase;
  afterEach(async () => database?.drop());

  it('compiles once and binds each call’s own values, in the right places, also inside transactions', async () => {
    database = await createTestDatabase(dialect);
    const { db } = database.handle;
    for (const [id, name] of [
      ['a', 'Alpha'],
      ['b', 'Beta'],
    ]) {
      await db
        .insertInto('super_apps')
        .values({ id: id!, name: name!, two_factor_required: 0, primary_method: 'totp', secondary_method: null, allow_deactivation: 1, created_at: 'now' })
        .execute();
    }
    expect((await superAppNamed(db, 'a', 'Alpha')).rows).toEqual([{ id: 'a' }]);
    expect((await superAppNamed(db, 'b', 'Beta')).rows).toEqual([{ id: 'b' }]);
    expect((await superAppNamed(db, 'a', 'Beta')).rows).toEqual([]);
    expect((await sameValueTwice(db, 'Beta')).rows).toEqual([{ id: 'b' }]);
    await db.transaction().execute(async (tx) => {
      expect((await superAppNamed(tx, 'b', 'Beta')).rows).toEqual([{ id: 'b' }]);
    });
  });

  it('a family compiles one query per shape, each binding its own values', async () => {
    database = await createTestDatabase(dialect);
    const { db } = database.handle;
    for (const id of ['a', 'b', 'c']) {
      await db
        .insertInto('super_apps')
        .values({ id, name: id, two_factor_required: 0, primary_method: 'totp', secondary_method: null, allow_deactivation: 1, created_at: 'now' })
        .execute();
    }
    expect((await superAppsAmong(db, 1, 'b')).rows).toEqual([{ id: 'b' }]);
    expect((await superAppsAmong(db, 2, 'c', 'a')).rows).toEqual([{ id: 'a' }, { id: 'c' }]);
    expect((await superAppsAmong(db, 1, 'c')).rows).toEqual([{ id: 'c' }]);
    expect((await superAppsAmong(db, 3, 'x', 'b', 'a')).rows).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('refuses a query with a bound value that is not a placeholder', async () => {
    database = await createTestDatabase(dialect);
    await expect(literalInside(database.handle.db, 'a')).rejects.toThrow(/not a placeholder/);
  });
});
