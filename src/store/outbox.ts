import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { reusableQuery } from './reusable-query.js';
import type { Db, OutboxKind, OutboxRow, OutboxStatus } from './schema.js';

export type { OutboxKind, OutboxStatus };

/** One outbox row as the sender sees it; `payload` is still sealed. */
export interface OutboxEntry {
  id: string;
  kind: OutboxKind;
  ref: string | null;
  payload: string | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  sentAt: string | null;
  lastError: string | null;
}

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    kind: row.kind,
    ref: row.ref,
    payload: row.payload,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    lastError: row.last_error,
  };
}

function isPostgres(db: Db): boolean {
  return (db as Kysely<unknown>).getExecutor().adapter instanceof PostgresAdapter;
}

// A new device's mail is queued and sent on the login and verify paths: these statements are compiled once (reusable-query.ts).
const insertOutboxQuery = reusableQuery((db: Db, id: string, kind: OutboxKind, ref: string | null, payload: string, status: OutboxStatus, now: string) =>
  db.insertInto('outbox').values({ id, kind, ref, payload, status, next_attempt_at: now, created_at: now }),
);

/** Adds a pending row, due at once. */
export async function insertOutbox(db: Db, item: { id: string; kind: OutboxKind; ref: string | null; payload: string; now: string }): Promise<void> {
  await insertOutboxQuery(db, item.id, item.kind, item.ref, item.payload, 'pending', item.now);
}

export async function findOutbox(db: Db, id: string): Promise<OutboxEntry | undefined> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toEntry(row) : undefined;
}

/**
 * Claims up to `limit` due rows (pending, due, not leased by another sender) in one
 * statement, leasing them until `claimedUntil` and counting the attempt. PostgreSQL skips
 * rows another instance is claiming (`FOR UPDATE SKIP LOCKED`); SQLite has one writer.
 * With `id`, only that row is claimed (delivery right after commit).
 */
export async function claimOutbox(db: Db, claim: { now: string; claimedUntil: string; limit: number; id?: string }): Promise<OutboxEntry[]> {
  const result =
    claim.id === undefined
      ? await claimOutboxQuery(db, claim.claimedUntil, claim.now, claim.limit, 'pending')
      : await claimOneOutboxQuery(db, claim.claimedUntil, claim.now, claim.id, 1, 'pending');
  return result.rows.map(toEntry);
}

const claimOutboxQuery = reusableQuery((db: Db, claimedUntil: string, now: string, limit: number, status: OutboxStatus) =>
  claimQuery(db, claimedUntil, now, limit, status),
);
const claimOneOutboxQuery = reusableQuery((db: Db, claimedUntil: string, now: string, id: string, limit: number, status: OutboxStatus) =>
  claimQuery(db, claimedUntil, now, limit, status, id),
);

function claimQuery(db: Db, claimedUntil: string, now: string, limit: number, status: OutboxStatus, id?: string) {
  return db
    .updateTable('outbox')
    .set({ claimed_until: claimedUntil, attempts: sql<number>`attempts + 1` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', status)
        .where('next_attempt_at', '<=', now)
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', now)]))
        .$if(id !== undefined, (q) => q.where('id', '=', id!))
        .orderBy('next_attempt_at')
        .limit(limit)
        .$if(isPostgres(db), (q) => q.forUpdate().skipLocked()),
    )
    .returningAll();
}

/** Delivered: a mail row drops its payload (the body is erased), a webhook row keeps it. */
export async function markOutboxSent(db: Db, id: string, now: string): Promise<void> {
  await markOutboxSentQuery(db, id, now, 'sent');
}

const markOutboxSentQuery = reusableQuery((db: Db, id: string, now: string, status: OutboxStatus) =>
  db
    .updateTable('outbox')
    .set({
      status,
      sent_at: now,
      claimed_until: sql<null>`null`,
      last_error: sql<null>`null`,
      payload: sql<string | null>`case when kind = 'mail' then null else payload end`,
    })
    .where('id', '=', id),
);

/** A failed attempt: due again at `nextAttemptAt`, lease released. */
export async function scheduleOutboxRetry(db: Db, id: string, nextAttemptAt: string, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ next_attempt_at: nextAttemptAt, claimed_until: null, last_error: error.slice(0, 200) })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Given up: never tried again; a mail row drops its payload too. */
export async function markOutboxFailed(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: 'failed',
      claimed_until: null,
      last_error: error.slice(0, 200),
      payload: sql<string | null>`case when kind = 'mail' then null else payload end`,
    })
    .where('id', '=', id)
    .execute();
}

/** Deletes up to `limit` sent or failed rows created before `before`. */
export async function deleteFinishedOutboxBefore(db: Db, before: string, limit: number): Promise<number> {
  const ids = db.selectFrom('outbox').select('id').where('status', 'in', ['sent', 'failed']).where('created_at', '<', before).limit(limit);
  const result = await db.deleteFrom('outbox').where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Pending rows and the creation time of the oldest (metrics). */
export async function outboxBacklog(db: Db): Promise<{ pending: number; oldestCreatedAt: string | null }> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => [eb.fn.countAll<number>().as('pending'), eb.fn.min('created_at').as('oldest')])
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return { pending: Number(row?.pending ?? 0), oldestCreatedAt: (row?.oldest as string | null | undefined) ?? null };
}

/** Outbox ids and sealed payloads after `afterId` that still hold one, in id order (secrets rotate). */
export async function listSealedOutboxPayloads(db: Db, afterId: string, limit: number): Promise<{ id: string; sealed: string }[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'payload'])
    .where('id', '>', afterId)
    .where('payload', 'is not', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ id: row.id, sealed: row.payload! }));
}

/** Replaces a row's sealed payload if it is still `previous` (compare-and-set: a row sent meanwhile keeps none). */
export async function resealOutboxPayload(db: Db, id: string, previous: string, next: string): Promise<boolean> {
  const result = await db.updateTable('outbox').set({ payload: next }).where('id', '=', id).where('payload', '=', previous).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
