import { addSeconds } from '../domain/ports.js';
import { claimOutboxItem, finishOutboxItem, insertOutboxItem, listDueOutboxIds, rescheduleOutboxItem } from '../store/outbox.js';
import type { Db } from '../store/schema.js';
import { type Deps, newId, nowIso } from './deps.js';

/** What the outbox sends: each kind has its handler. */
export type OutboxKind = 'mail' | 'webhook';

export interface OutboxItem {
  id: string;
  kind: OutboxKind;
  ref: string | null;
  payload: unknown;
  /** 1 on the first attempt. */
  attempt: number;
}

/** Sends one kind of item; `deliver` throws to be retried later; `giveUp` runs once, in a transaction, when retries end. */
export interface OutboxHandler {
  deliver(deps: Deps, item: OutboxItem): Promise<void>;
  giveUp?(deps: Deps, tx: Db, item: OutboxItem): Promise<void>;
}

export interface OutboxSenderOptions {
  /** How often `start()` looks for due items (ms); 5 s by default. */
  intervalMs?: number;
  /** Items per run; 20 by default. */
  batchSize?: number;
  /** After this long since it was queued, an item that still fails is given up; 24 h by default. */
  giveUpAfterSeconds?: number;
}

export interface OutboxSender {
  /** Sends what is due now; resolves with how many items were tried. */
  runOnce(): Promise<number>;
  /** Tries one item now (if it is still pending and not being sent). */
  deliverNow(id: string): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/** How long an attempt holds its item before another sender may take it. */
const LEASE_SECONDS = 60;

/** Seconds before attempt `attempt + 1`: 30 s, 1 min, 2 min… at most 1 h. */
export function outboxBackoffSeconds(attempt: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempt - 1));
}

/** Queues an item inside `tx`, so it is sent only if the change it reports commits. */
export async function enqueueOutbox(
  deps: Pick<Deps, 'clock' | 'random'>,
  tx: Db,
  item: { kind: OutboxKind; ref?: string | null; payload: unknown },
): Promise<string> {
  const id = newId(deps);
  const now = nowIso(deps);
  await insertOutboxItem(tx, {
    id,
    kind: item.kind,
    ref: item.ref ?? null,
    payload: JSON.stringify(item.payload),
    status: 'pending',
    next_attempt_at: now,
    created_at: now,
  });
  return id;
}

/** A sender that tries due items with their kind's handler, retrying with backoff. */
export function createOutboxSender(deps: Deps, handlers: Partial<Record<OutboxKind, OutboxHandler>>, options: OutboxSenderOptions = {}): OutboxSender {
  const batchSize = options.batchSize ?? 20;
  const giveUpAfter = options.giveUpAfterSeconds ?? 24 * 3600;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function attempt(id: string): Promise<boolean> {
    const now = deps.clock.now();
    const row = await claimOutboxItem(deps.db, id, now.toISOString(), addSeconds(now, LEASE_SECONDS).toISOString());
    if (!row) return false;
    const item: OutboxItem = { id: row.id, kind: row.kind as OutboxKind, ref: row.ref, payload: JSON.parse(row.payload), attempt: row.attempts };
    const handler = handlers[item.kind];
    try {
      if (!handler) throw new Error(`no outbox handler for ${item.kind}`);
      await handler.deliver(deps, item);
      await finishOutboxItem(deps.db, id, 'done');
    } catch (error) {
      const later = deps.clock.now();
      const expired = later.getTime() - Date.parse(row.created_at) >= giveUpAfter * 1000;
      if (expired) {
        await deps.db.transaction().execute(async (tx) => {
          await finishOutboxItem(tx, id, 'dead');
          await handler?.giveUp?.(deps, tx, item);
        });
      } else {
        const next = addSeconds(later, outboxBackoffSeconds(item.attempt)).toISOString();
        await rescheduleOutboxItem(deps.db, id, next);
      }
      deps.logger.warn(
        { outboxId: id, kind: item.kind, attempt: item.attempt, gaveUp: expired, err: error instanceof Error ? error.message : String(error) },
        'outbox delivery failed',
      );
    }
    return true;
  }

  async function runOnce(): Promise<number> {
    const due = await listDueOutboxIds(deps.db, nowIso(deps), batchSize);
    let tried = 0;
    for (const id of due) if (await attempt(id)) tried += 1;
    return tried;
  }

  return {
    runOnce,
    async deliverNow(id) {
      await attempt(id);
    },
    start() {
      if (timer) return;
      timer = setInterval(() => {
        running = running
          .then(runOnce)
          .catch((error: unknown) => deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'outbox run failed'));
      }, options.intervalMs ?? 5000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
