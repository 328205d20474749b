import { sql } from 'kysely';
import { reusableQuery, reusableQueryFamily } from './reusable-query.js';
import type { Db } from './schema.js';

export interface ThrottleState {
  count: number;
  lastAt: string;
}

/** The counter under `key` if its window started after `windowStart`; undefined otherwise. */
export async function findThrottle(db: Db, key: string, windowStart: string): Promise<ThrottleState | undefined> {
  const row = await db
    .selectFrom('throttles')
    .select(['count', 'last_at'])
    .where('key', '=', key)
    .where('window_started_at', '>', windowStart)
    .executeTakeFirst();
  return row ? { count: row.count, lastAt: row.last_at } : undefined;
}

/**
 * Adds one to the counter under `key`, starting a new window when the current one began
 * at or before `windowStart`; returns the new count. One atomic upsert, so concurrent
 * requests from several processes all count.
 */
export async function bumpThrottle(db: Db, key: string, now: string, windowStart: string): Promise<number> {
  const row = (await bumpThrottleQuery(db, key, now, windowStart, 1)).rows[0];
  if (!row) throw new Error('bumpThrottle: the upsert returned no row');
  return row.count;
}

const bumpThrottleQuery = reusableQuery((db: Db, key: string, now: string, windowStart: string, one: number) =>
  db
    .insertInto('throttles')
    .values({ key, count: one, window_started_at: now, last_at: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        count: eb
          .case()
          .when('throttles.window_started_at', '<=', windowStart)
          .then(1)
          .else(eb('throttles.count', '+', one))
          .end(),
        window_started_at: eb.case().when('throttles.window_started_at', '<=', windowStart).then(now).else(eb.ref('throttles.window_started_at')).end(),
        last_at: now,
      })),
    )
    .returning('count'),
);

/**
 * Reserves one attempt under `key` when the counter allows one now, in one atomic upsert:
 * the counter is new, its window began at or before `windowStart`, its count is below
 * `freeCount`, or its last attempt is no later than `lastAllowedAt(count)` (the wait that
 * count imposes; counts from `maxCount` on share the longest wait). Returns the new count,
 * or undefined when the counter holds the attempt back. Parallel reservations serialize
 * on the row (compare-and-set in the upsert's WHERE), so no more pass than one after
 * another would, on SQLite and PostgreSQL, across processes.
 */
export async function reserveThrottle(
  db: Db,
  key: string,
  now: string,
  windowStart: string,
  freeCount: number,
  lastAllowedAt: (count: number) => string,
  maxCount: number,
): Promise<number | undefined> {
  // The wait for each count past the free ones, as the latest last_at that lets an attempt through.
  const arms = Math.max(0, maxCount - freeCount);
  const waits: Array<number | string> = [];
  for (let i = 0; i < arms; i += 1) waits.push(freeCount + i, lastAllowedAt(freeCount + i));
  waits.push(lastAllowedAt(maxCount));
  const row = (await reserveThrottleQuery(db, arms, key, now, windowStart, freeCount, 1, ...waits)).rows[0];
  return row?.count;
}

/** One compiled upsert per number of CASE arms (a throttle's configured schedule). */
const reserveThrottleQuery = reusableQueryFamily(
  // `waits`: count₁, latest last_at₁, …, countₙ, latest last_atₙ, then the latest last_at from maxCount on.
  (db: Db, arms: number, key: string, now: string, windowStart: string, freeCount: number, one: number, ...waits: Array<number | string>) =>
    db
      .insertInto('throttles')
      .values({ key, count: one, window_started_at: now, last_at: now })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet((eb) => ({
            count: eb
              .case()
              .when('throttles.window_started_at', '<=', windowStart)
              .then(1)
              .else(eb('throttles.count', '+', one))
              .end(),
            window_started_at: eb.case().when('throttles.window_started_at', '<=', windowStart).then(now).else(eb.ref('throttles.window_started_at')).end(),
            last_at: now,
          }))
          .where((eb) => {
            const whens = sql.join(
              Array.from({ length: arms }, (_, i) => sql`WHEN ${waits[2 * i]} THEN ${waits[2 * i + 1]}`),
              sql` `,
            );
            const longest = waits[2 * arms];
            const threshold = arms === 0 ? sql<string>`${longest}` : sql<string>`CASE ${sql.ref('throttles.count')} ${whens} ELSE ${longest} END`;
            return eb.or([
              eb('throttles.window_started_at', '<=', windowStart),
              eb('throttles.count', '<', freeCount),
              eb('throttles.last_at', '<=', threshold),
            ]);
          }),
      )
      .returning('count'),
);

/** Gives back one reserved attempt under `key` (a correct password is no failure). */
export async function releaseThrottle(db: Db, key: string): Promise<void> {
  await releaseThrottleQuery(db, key, 1, 0);
}

const releaseThrottleQuery = reusableQuery((db: Db, key: string, one: number, zero: number) =>
  db
    .updateTable('throttles')
    .set((eb) => ({ count: eb('count', '-', one) }))
    .where('key', '=', key)
    .where('count', '>', zero),
);

export async function clearThrottle(db: Db, key: string): Promise<void> {
  await clearThrottleQuery(db, key);
}

const clearThrottleQuery = reusableQuery((db: Db, key: string) => db.deleteFrom('throttles').where('key', '=', key));
