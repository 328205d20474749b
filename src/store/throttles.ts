import { sql } from 'kysely';
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
  const row = await db
    .insertInto('throttles')
    .values({ key, count: 1, window_started_at: now, last_at: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        count: eb
          .case()
          .when('throttles.window_started_at', '<=', windowStart)
          .then(1)
          .else(eb('throttles.count', '+', 1))
          .end(),
        window_started_at: eb.case().when('throttles.window_started_at', '<=', windowStart).then(now).else(eb.ref('throttles.window_started_at')).end(),
        last_at: now,
      })),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  return row.count;
}

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
  const row = await db
    .insertInto('throttles')
    .values({ key, count: 1, window_started_at: now, last_at: now })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({
          count: eb
            .case()
            .when('throttles.window_started_at', '<=', windowStart)
            .then(1)
            .else(eb('throttles.count', '+', 1))
            .end(),
          window_started_at: eb.case().when('throttles.window_started_at', '<=', windowStart).then(now).else(eb.ref('throttles.window_started_at')).end(),
          last_at: now,
        }))
        .where((eb) => {
          // The wait for each count past the free ones, as the latest last_at that lets an attempt through.
          const counts = Array.from({ length: Math.max(0, maxCount - freeCount) }, (_, i) => freeCount + i);
          const whens = sql.join(
            counts.map((count) => sql`WHEN ${count} THEN ${lastAllowedAt(count)}`),
            sql` `,
          );
          const threshold =
            counts.length === 0
              ? sql<string>`${lastAllowedAt(maxCount)}`
              : sql<string>`CASE ${sql.ref('throttles.count')} ${whens} ELSE ${lastAllowedAt(maxCount)} END`;
          return eb.or([eb('throttles.window_started_at', '<=', windowStart), eb('throttles.count', '<', freeCount), eb('throttles.last_at', '<=', threshold)]);
        }),
    )
    .returning('count')
    .executeTakeFirst();
  return row?.count;
}

/** Gives back one reserved attempt under `key` (a correct password is no failure). */
export async function releaseThrottle(db: Db, key: string): Promise<void> {
  await db
    .updateTable('throttles')
    .set((eb) => ({ count: eb('count', '-', 1) }))
    .where('key', '=', key)
    .where('count', '>', 0)
    .execute();
}

export async function clearThrottle(db: Db, key: string): Promise<void> {
  await db.deleteFrom('throttles').where('key', '=', key).execute();
}
