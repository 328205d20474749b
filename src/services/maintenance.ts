import { addSeconds } from '../domain/ports.js';
import type { DialectName } from '../store/database.js';
import type { Db } from '../store/schema.js';
import {
  deleteAuditEventsBefore,
  deleteExpiredChallenges,
  deleteExpiredEmailCodes,
  deleteExpiredPasswordResets,
  deleteExpiredSessions,
  deleteLapsedPendingTotpFactors,
  deleteStaleThrottles,
  withMaintenanceLock,
} from '../store/retention.js';
import { type Deps, newId } from './deps.js';
import { THROTTLE_FAMILIES } from './throttle.js';
import { deleteFinishedOutboxBefore } from '../store/outbox.js';

/**
 * Challenges, email codes and pending activations stay this long past their expiry, so a
 * request still in flight gets "expired" (410 `challenge_expired`, `activation_expired`)
 * from the row itself rather than from its absence.
 */
export const RETENTION_GRACE_SECONDS = 24 * 60 * 60;

/** Sent and failed outbox rows (mail, webhook deliveries) are kept 30 days: the webhook delivery log and what a support request asks about. */
export const OUTBOX_RETENTION_SECONDS = 30 * 24 * 60 * 60;
/** Rows one DELETE removes at most; each batch is its own short transaction. */
export const MAINTENANCE_BATCH_SIZE = 1000;
/** The job runs this often in `serve`, plus up to `MAINTENANCE_JITTER_SECONDS` so instances drift apart. */
export const MAINTENANCE_INTERVAL_SECONDS = 10 * 60;
export const MAINTENANCE_JITTER_SECONDS = 60;
/** A SQLite lease lapses this long after its last renewal (a crashed holder blocks no longer). */
const LEASE_SECONDS = 10 * 60;
/** The hourly cap on email codes (services/email-codes.ts) counts the codes created in the last hour. */
const EMAIL_CODE_CAP_WINDOW_SECONDS = 3600;

/** The services' dependencies plus the engine, which decides how the job is locked. */
export interface MaintenanceDeps extends Pick<Deps, 'db' | 'clock' | 'random' | 'logger'> {
  dialect: DialectName;
}

export interface MaintenanceOptions {
  /** Audit events older than this many days are deleted (`AUDIT_RETENTION_DAYS`). */
  auditRetentionDays: number;
  /** Rows per DELETE (default `MAINTENANCE_BATCH_SIZE`). */
  batchSize?: number;
  /** Aborted: the run stops after the batch in progress (shutdown). */
  signal?: AbortSignal;
}

/** What the job deletes, by what it is (camelCase of the table, `pendingActivations` for `totp_factors`). */
export const MAINTENANCE_TABLES = [
  'challenges',
  'emailCodes',
  'sessions',
  'pendingActivations',
  'passwordResets',
  'throttles',
  'outbox',
  'auditEvents',
] as const;
export type MaintenanceTable = (typeof MAINTENANCE_TABLES)[number];
export type MaintenanceCounts = Record<MaintenanceTable, number>;

/** A run: what it deleted and in how many DELETE statements, or `ran: false` when another process holds the lock. */
export type MaintenanceReport = { ran: true; deleted: MaintenanceCounts; batches: MaintenanceCounts } | { ran: false };

function zeroCounts(): MaintenanceCounts {
  return { challenges: 0, emailCodes: 0, sessions: 0, pendingActivations: 0, passwordResets: 0, throttles: 0, outbox: 0, auditEvents: 0 };
}

/** One bounded delete, by what it removes; each returns how many rows went. */
type Batch = { table: MaintenanceTable; run: (limit: number) => Promise<number> };

function batchesAt(db: Db, now: Date, auditRetentionDays: number): Batch[] {
  const iso = (seconds: number) => addSeconds(now, -seconds).toISOString();
  const nowIso = now.toISOString();
  const grace = iso(RETENTION_GRACE_SECONDS);
  return [
    { table: 'challenges', run: (limit) => deleteExpiredChallenges(db, grace, limit) },
    // Never inside the hourly cap: a code still counted there must stay, or the cap would reopen.
    { table: 'emailCodes', run: (limit) => deleteExpiredEmailCodes(db, iso(Math.max(RETENTION_GRACE_SECONDS, EMAIL_CODE_CAP_WINDOW_SECONDS)), limit) },
    // An expired session is refused either way (401 `unauthenticated`); idle ones wait for their absolute deadline.
    { table: 'sessions', run: (limit) => deleteExpiredSessions(db, nowIso, limit) },
    { table: 'pendingActivations', run: (limit) => deleteLapsedPendingTotpFactors(db, grace, nowIso, limit) },
    // A lapsed link is refused either way (410 `password_reset_expired`).
    { table: 'passwordResets', run: (limit) => deleteExpiredPasswordResets(db, grace, limit) },
    ...THROTTLE_FAMILIES.map((family): Batch => ({
      table: 'throttles',
      run: (limit) =>
        deleteStaleThrottles(db, { prefix: family.prefix, windowStartedBefore: iso(family.windowSeconds), lastBefore: iso(family.maxDelaySeconds) }, limit),
    })),
    // Delivered or given-up mail (its body already erased) and webhook calls, kept a while as the delivery log.
    { table: 'outbox', run: (limit) => deleteFinishedOutboxBefore(db, iso(OUTBOX_RETENTION_SECONDS), limit) },
    { table: 'auditEvents', run: (limit) => deleteAuditEventsBefore(db, iso(auditRetentionDays * 24 * 60 * 60), limit) },
  ];
}

/**
 * Deletes what no rule needs any more: challenges, email codes and pending activations a
 * day past their expiry (a pending one bound to a live enrolment challenge stays),
 * expired sessions, throttle counters whose window and longest wait have passed, outbox
 * rows delivered or given up over 30 days ago, and audit events older than `auditRetentionDays`. Each DELETE removes at most `batchSize`
 * rows; a table is done when a batch comes back short. Only one process runs it at a
 * time (`ran: false` for the others). The cut-offs are fixed at the start of the run.
 */
export async function runMaintenance(deps: MaintenanceDeps, options: MaintenanceOptions): Promise<MaintenanceReport> {
  const batchSize = options.batchSize ?? MAINTENANCE_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const lease = { holder: newId(deps), now: () => deps.clock.now(), seconds: LEASE_SECONDS };
  const locked = await withMaintenanceLock(deps.db, deps.dialect, lease, async (db, keepAlive) => {
    const deleted = zeroCounts();
    const batches = zeroCounts();
    for (const batch of batchesAt(db, deps.clock.now(), options.auditRetentionDays)) {
      for (;;) {
        if (options.signal?.aborted) return { deleted, batches };
        const count = await batch.run(batchSize);
        deleted[batch.table] += count;
        batches[batch.table] += 1;
        if (!(await keepAlive())) return { deleted, batches };
        if (count < batchSize) break;
      }
    }
    return { deleted, batches };
  });
  return locked.acquired ? { ran: true, ...locked.value } : { ran: false };
}

/** Timer functions (Node's by default), so a test fires the job itself instead of waiting. */
export interface MaintenanceTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const nodeTimers: MaintenanceTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A scheduled job; `stop` cancels the next run and waits for one in progress to stop after its batch. */
export interface MaintenanceSchedule {
  stop(): Promise<void>;
}

/** A whole number of milliseconds in [0, seconds × 1000), from `deps.random`. */
function jitterMs(deps: Pick<Deps, 'random'>, seconds: number): number {
  const bytes = deps.random.bytes(4);
  return Math.floor((new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) / 2 ** 32) * seconds * 1000);
}

/**
 * Runs `runMaintenance` inside a server: first after a random delay within
 * `MAINTENANCE_JITTER_SECONDS`, then every `MAINTENANCE_INTERVAL_SECONDS` plus a jitter.
 * A failed run is logged (its message only) and the next one is still scheduled; nothing
 * is thrown. A run that deleted something logs its counts.
 */
export function scheduleMaintenance(deps: MaintenanceDeps, options: MaintenanceOptions, timers: MaintenanceTimers = nodeTimers): MaintenanceSchedule {
  const abort = new AbortController();
  let handle: unknown;
  let running: Promise<void> | undefined;
  const plan = (ms: number) => {
    handle = timers.setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined;
        if (!abort.signal.aborted) plan(MAINTENANCE_INTERVAL_SECONDS * 1000 + jitterMs(deps, MAINTENANCE_JITTER_SECONDS));
      });
    }, ms);
  };
  const runOnce = async () => {
    try {
      const report = await runMaintenance(deps, { ...options, signal: abort.signal });
      if (report.ran && Object.values(report.deleted).some((n) => n > 0)) deps.logger.info({ deleted: report.deleted }, 'maintenance deleted expired rows');
    } catch (error) {
      deps.logger.error({ err: (error as Error).message }, 'maintenance failed; it runs again at the next interval');
    }
  };
  plan(jitterMs(deps, MAINTENANCE_JITTER_SECONDS));
  return {
    async stop() {
      abort.abort();
      timers.clearTimeout(handle);
      await running;
    },
  };
}
