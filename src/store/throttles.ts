import type { Db } from './schema.js';

export interface ThrottleState {
  count: number;
  lastAt: string;
}

/** The counter under `key` if its window started after `windowStart`; undefined otherwise. */
export async function findThrottle(db: Db, key: string, windowStart: string): Promise<ThrottleState | undefined> {
  const row = await db.selectFrom('throttles').select(['count', 'last_at']).where('key', '=', key).where('window_started_at', '>', windowStart).executeTakeFirst();
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
        count: eb.case().when('throttles.window_started_at', '<=', windowStart).then(1).else(eb('throttles.count', '+', 1)).end(),
        window_started_at: eb.case().when('throttles.window_started_at', '<=', windowStart).then(now).else(eb.ref('throttles.window_started_at')).end(),
        last_at: now,
      })),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  return row.count;
}

export async function clearThrottle(db: Db, key: string): Promise<void> {
  await db.deleteFrom('throttles').where('key', '=', key).execute();
}
