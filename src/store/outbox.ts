import type { Db, OutboxTable } from './schema.js';

export type OutboxRow = Omit<OutboxTable, 'attempts'> & { attempts: number };

export async function insertOutboxItem(db: Db, row: Omit<OutboxTable, 'attempts' | 'locked_until'>): Promise<void> {
  await db.insertInto('outbox').values(row).execute();
}

/** Ids of pending items due at `now`, oldest due first. */
export async function listDueOutboxIds(db: Db, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Claims a due, unleased item for one attempt (one statement: one sender wins); the item after the claim, or undefined. */
export async function claimOutboxItem(db: Db, id: string, now: string, leaseUntil: string): Promise<OutboxRow | undefined> {
  const claimed = await db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), locked_until: leaseUntil }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  if (claimed.numUpdatedRows !== 1n) return undefined;
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { ...row, attempts: Number(row.attempts) };
}

export async function finishOutboxItem(db: Db, id: string, status: 'done' | 'dead'): Promise<void> {
  await db.updateTable('outbox').set({ status, locked_until: null }).where('id', '=', id).execute();
}

export async function rescheduleOutboxItem(db: Db, id: string, nextAttemptAt: string): Promise<void> {
  await db.updateTable('outbox').set({ next_attempt_at: nextAttemptAt, locked_until: null }).where('id', '=', id).execute();
}
