import { addSeconds } from '../domain/ports.js';
import { claimOutbox, insertOutbox, markOutboxFailed, markOutboxSent, type OutboxEntry, type OutboxKind, scheduleOutboxRetry } from '../store/outbox.js';
import type { Db } from '../store/schema.js';
import { type Deps, newId } from './deps.js';

export type { OutboxKind };

/** What a handler is given: the payload opened, and which attempt this is (1, 2, …). */
export interface OutboxItem {
  id: string;
  kind: OutboxKind;
  ref: string | null;
  payload: unknown;
  attempt: number;
}

/** Thrown by a handler when a row can never be delivered (e.g. the code in a mail has expired): it is given up at once. */
export class OutboxGiveUp extends Error {}

/** Delivers one kind of row. `deliver` throws to have the row retried later, or `OutboxGiveUp` to give it up now. */
export interface OutboxHandler {
  deliver(deps: Deps, item: OutboxItem): Promise<void>;
  /** Called once, in the transaction that marks the row failed, when the sender gives up. */
  giveUp?(deps: Deps, tx: Db, item: OutboxItem): Promise<void>;
}

export interface OutboxSenderOptions {
  /** Seconds between polls (default 5). */
  pollSeconds?: number;
  /** Rows claimed per poll (default 20). */
  batchSize?: number;
  /** How long a claim holds before another sender may take the row (default 120 s). */
  leaseSeconds?: number;
  /** Seconds after creation when a failing row is given up (default one day). */
  giveUpAfterSeconds?: number;
}

export interface OutboxSender {
  /** Delivers what is due now; resolves with how many rows were attempted. */
  runOnce(): Promise<number>;
  /**
   * Delivers one row at once (right after its commit); rejects when that attempt failed. The row
   * is then retried later, or with `retry: false` marked failed at once (the caller tells the user).
   */
  deliverNow(id: string, options?: { retry?: boolean }): Promise<void>;
  /** Resolves once every delivery `deliverNow` started has finished (tests; shutdown). */
  settle(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/** Seconds to wait after the n-th failed attempt: 10 s, 30 s, 1 min, 5 min, 15 min, 30 min, then hourly. */
const BACKOFF_SECONDS = [10, 30, 60, 300, 900, 1800, 3600];

export function outboxBackoffSeconds(attempt: number): number {
  return BACKOFF_SECONDS[Math.min(Math.max(attempt, 1), BACKOFF_SECONDS.length) - 1]!;
}

/** The secret box binds a row's sealed payload to its id. */
export function outboxSealContext(id: string): string {
  return `outbox:${id}`;
}

/** Writes a row in `tx` (the transaction of the change that causes it); the payload is JSON sealed with the secret box. */
export async function enqueueOutbox(
  deps: Pick<Deps, 'clock' | 'random' | 'secretBox'>,
  tx: Db,
  item: { kind: OutboxKind; ref?: string | null; payload: unknown },
): Promise<string> {
  const id = newId(deps);
  const payload = deps.secretBox.seal(new TextEncoder().encode(JSON.stringify(item.payload)), outboxSealContext(id));
  await insertOutbox(tx, { id, kind: item.kind, ref: item.ref ?? null, payload, now: deps.clock.now().toISOString() });
  return id;
}

function shortError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

/** Delivers outbox rows: at once after commit (`deliverNow`), and every few seconds whatever is due (crash, server down). */
export function createOutboxSender(deps: Deps, handlers: Partial<Record<OutboxKind, OutboxHandler>>, options: OutboxSenderOptions = {}): OutboxSender {
  const pollMs = (options.pollSeconds ?? 5) * 1000;
  const batchSize = options.batchSize ?? 20;
  const leaseSeconds = options.leaseSeconds ?? 120;
  const giveUpAfter = options.giveUpAfterSeconds ?? 24 * 3600;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;
  /** Deliveries started by `deliverNow` and not finished: `stop` waits for them (a CLI command exits after its mail went). */
  const inFlight = new Set<Promise<unknown>>();

  const claim = (id?: string) => {
    const now = deps.clock.now();
    return claimOutbox(deps.db, { now: now.toISOString(), claimedUntil: addSeconds(now, leaseSeconds).toISOString(), limit: batchSize, id });
  };

  /** Attempts one claimed row; resolves with the error when it failed. */
  async function attempt(entry: OutboxEntry, retry = true): Promise<unknown> {
    const handler = handlers[entry.kind];
    let item: OutboxItem | undefined;
    try {
      if (!handler) throw new Error(`no handler for outbox kind ${entry.kind}`);
      if (entry.payload === null) throw new Error('outbox row has no payload');
      const payload: unknown = JSON.parse(new TextDecoder().decode(deps.secretBox.open(entry.payload, outboxSealContext(entry.id))));
      item = { id: entry.id, kind: entry.kind, ref: entry.ref, payload, attempt: entry.attempts };
      await handler.deliver(deps, item);
    } catch (error) {
      const now = deps.clock.now();
      const message = shortError(error);
      if (!retry) {
        // The caller answers for it (an email code: 503, the code withdrawn), so no give-up event.
        await markOutboxFailed(deps.db, entry.id, message);
        deps.logger.warn({ outboxId: entry.id, kind: entry.kind, err: message }, 'outbox item not delivered at once; not retried');
      } else if (error instanceof OutboxGiveUp || now.getTime() - new Date(entry.createdAt).getTime() >= giveUpAfter * 1000) {
        await deps.db.transaction().execute(async (tx) => {
          await markOutboxFailed(tx, entry.id, message);
          if (item && handler?.giveUp) await handler.giveUp(deps, tx, item);
        });
        deps.logger.error({ outboxId: entry.id, kind: entry.kind, attempts: entry.attempts, err: message }, 'outbox item given up');
      } else {
        await scheduleOutboxRetry(deps.db, entry.id, addSeconds(now, outboxBackoffSeconds(entry.attempts)).toISOString(), message);
        deps.logger.warn({ outboxId: entry.id, kind: entry.kind, attempts: entry.attempts, err: message }, 'outbox item not delivered; will retry');
      }
      return error ?? new Error('delivery failed');
    }
    await markOutboxSent(deps.db, entry.id, deps.clock.now().toISOString());
    return undefined;
  }

  async function runOnce(): Promise<number> {
    const entries = await claim();
    for (const entry of entries) await attempt(entry);
    return entries.length;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) => deps.logger.warn({ err: shortError(error) }, 'outbox run failed'))
        .finally(schedule);
    }, pollMs);
    timer.unref?.();
  }

  return {
    runOnce,
    async deliverNow(id, { retry = true } = {}) {
      const delivery = claim(id).then(([entry]) => (entry ? attempt(entry, retry) : undefined));
      inFlight.add(delivery);
      // Not claimable (already delivered, or another sender holds it): resolves with nothing to report.
      const error = await delivery.finally(() => inFlight.delete(delivery));
      if (error !== undefined) throw error;
    },
    async settle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([running, this.settle()]);
    },
  };
}
