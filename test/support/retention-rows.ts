import { createSecretBox } from '../../src/adapters/secret-box.js';
import { systemRandom } from '../../src/adapters/system.js';
import { addSeconds } from '../../src/domain/ports.js';
import { withOutbox } from '../../src/services/deliveries.js';
import type { Deps } from '../../src/services/deps.js';
import type { MaintenanceDeps } from '../../src/services/maintenance.js';
import { insertAccount } from '../../src/store/accounts.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import type { ChallengeStatus, Db, EmailCodeStatus } from '../../src/store/schema.js';
import { insertSuperApp, insertWorkspace, upsertMembership } from '../../src/store/tenants.js';
import type { FakeClock } from './clock.js';
import { fastHasher } from './hasher.js';
import { MemoryMailer } from './mailer.js';
import { relyingPartyFor } from '../../src/domain/webauthn.js';

/** Rows for the retention tests, written straight into the tables with explicit instants. */

export const HOUR = 3600;
export const DAY = 24 * HOUR;

/** Records what was logged, for the scheduler tests. */
export class RecordingLogger {
  readonly lines: { level: 'info' | 'warn' | 'error'; obj: object | string; msg?: string }[] = [];
  info(obj: object | string, msg?: string) {
    this.lines.push({ level: 'info', obj, ...(msg !== undefined && { msg }) });
  }
  warn(obj: object | string, msg?: string) {
    this.lines.push({ level: 'warn', obj, ...(msg !== undefined && { msg }) });
  }
  error(obj: object | string, msg?: string) {
    this.lines.push({ level: 'error', obj, ...(msg !== undefined && { msg }) });
  }
}

/** Full service deps on `handle` with the fake clock (the throttle services take `Deps`). */
export function depsFor(handle: DatabaseHandle, clock: FakeClock, logger = new RecordingLogger()): Deps & MaintenanceDeps {
  return withOutbox({
    db: handle.db,
    dialect: handle.dialect,
    clock,
    random: systemRandom,
    mailer: new MemoryMailer(),
    hasher: fastHasher,
    secretBox: createSecretBox([Buffer.alloc(32, 7)]),
    logger,
    sessionIdleSeconds: 30 * 60,
    sessionAbsoluteSeconds: 12 * 3600,
    relyingParty: relyingPartyFor(undefined, 3000),
  });
}

/** `seconds` from the clock's now as ISO text (negative: in the past). */
export function at(clock: FakeClock, seconds: number): string {
  return addSeconds(clock.now(), seconds).toISOString();
}

/** A super app `sa`, workspace `ws` and accounts `acc`, `acc-2`… (`count` of them), all members. */
export async function seedTenant(db: Db, now: string, count = 1): Promise<string[]> {
  await insertSuperApp(db, { id: 'sa', name: 'SA', now });
  await insertWorkspace(db, { id: 'ws', superAppId: 'sa', name: 'WS', now });
  const ids = Array.from({ length: count }, (_, i) => (i === 0 ? 'acc' : `acc-${i + 1}`));
  for (const id of ids) {
    await insertAccount(db, { id, email: `${id}@example.com`, name: id, passwordHash: 'x', now });
    await upsertMembership(db, { workspaceId: 'ws', accountId: id, role: 'developer', now });
  }
  return ids;
}

/** Inserts `rows` in slices, under every dialect's limit on bound parameters. */
async function insertInSlices<T>(rows: T[], insert: (slice: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await insert(rows.slice(i, i + 200));
}

export async function insertChallenges(db: Db, rows: { id: string; status: ChallengeStatus; expiresAt: string; accountId?: string }[]): Promise<void> {
  await insertInSlices(rows, (slice) =>
    db
      .insertInto('challenges')
      .values(
        slice.map((r) => ({
          id: r.id,
          account_id: r.accountId ?? 'acc',
          workspace_id: 'ws',
          kind: 'enrollment_required' as const,
          methods: 'totp_enrollment',
          primary_method: 'totp_enrollment' as const,
          reason: 'super_app_policy' as const,
          status: r.status,
          expires_at: r.expiresAt,
          created_at: addSeconds(new Date(r.expiresAt), -300).toISOString(),
        })),
      )
      .execute(),
  );
}

export async function insertEmailCodes(db: Db, rows: { id: string; status: EmailCodeStatus; expiresAt: string }[]): Promise<void> {
  await insertInSlices(rows, (slice) =>
    db
      .insertInto('email_codes')
      .values(
        slice.map((r) => ({
          id: r.id,
          account_id: 'acc',
          purpose: 'deactivation' as const,
          challenge_id: null,
          code_hash: `hash-${r.id}`,
          failures: 0,
          status: r.status,
          expires_at: r.expiresAt,
          created_at: addSeconds(new Date(r.expiresAt), -600).toISOString(),
        })),
      )
      .execute(),
  );
}

export async function insertPasswordResets(db: Db, rows: { id: string; status: 'live' | 'used' | 'replaced'; expiresAt: string }[]): Promise<void> {
  await insertInSlices(rows, (slice) =>
    db
      .insertInto('password_resets')
      .values(
        slice.map((r) => ({
          id: r.id,
          account_id: 'acc',
          status: r.status,
          expires_at: r.expiresAt,
          created_at: addSeconds(new Date(r.expiresAt), -1800).toISOString(),
        })),
      )
      .execute(),
  );
}

export async function insertSessions(db: Db, rows: { id: string; expiresAt: string; lastSeenAt?: string }[]): Promise<void> {
  await insertInSlices(rows, (slice) =>
    db
      .insertInto('sessions')
      .values(
        slice.map((r) => ({
          id: r.id,
          account_id: 'acc',
          workspace_id: 'ws',
          second_factor_verified: 0,
          authenticated_at: r.lastSeenAt ?? r.expiresAt,
          last_seen_at: r.lastSeenAt ?? r.expiresAt,
          expires_at: r.expiresAt,
          created_at: addSeconds(new Date(r.expiresAt), -12 * HOUR).toISOString(),
        })),
      )
      .execute(),
  );
}

export async function insertTotpFactor(
  db: Db,
  row: { accountId: string; status: 'pending' | 'active'; pendingExpiresAt: string | null; challengeId?: string | null; now: string },
): Promise<void> {
  await db
    .insertInto('totp_factors')
    .values({
      account_id: row.accountId,
      secret_sealed: `sealed-${row.accountId}`,
      status: row.status,
      pending_expires_at: row.pendingExpiresAt,
      challenge_id: row.challengeId ?? null,
      activated_at: row.status === 'active' ? row.now : null,
      created_at: row.now,
    })
    .execute();
}

export async function insertThrottles(db: Db, rows: { key: string; count: number; windowStartedAt: string; lastAt: string }[]): Promise<void> {
  await insertInSlices(rows, (slice) =>
    db
      .insertInto('throttles')
      .values(slice.map((r) => ({ key: r.key, count: r.count, window_started_at: r.windowStartedAt, last_at: r.lastAt })))
      .execute(),
  );
}

export async function insertAuditEvents(db: Db, rows: { id: string; createdAt: string }[]): Promise<void> {
  await insertInSlices(rows, (slice) =>
    db
      .insertInto('audit_events')
      .values(slice.map((r) => ({ id: r.id, type: 'second_factor.failed', account_id: 'acc', details: '{}', created_at: r.createdAt })))
      .execute(),
  );
}

export async function insertOutboxRows(db: Db, rows: { id: string; status: 'pending' | 'sent' | 'failed'; createdAt: string }[]): Promise<void> {
  await insertInSlices(rows, (slice) =>
    db
      .insertInto('outbox')
      .values(
        slice.map((r) => ({
          id: r.id,
          kind: 'mail' as const,
          ref: 'acc',
          payload: r.status === 'pending' ? 'sealed' : null,
          status: r.status,
          next_attempt_at: r.createdAt,
          created_at: r.createdAt,
          sent_at: r.status === 'sent' ? r.createdAt : null,
        })),
      )
      .execute(),
  );
}

/** The ids (primary keys) left in each table, sorted. */
export async function remaining(db: Db) {
  const ids = async (query: Promise<{ id: string }[]>) => (await query).map((r) => r.id).sort();
  return {
    challenges: await ids(db.selectFrom('challenges').select('id').execute()),
    emailCodes: await ids(db.selectFrom('email_codes').select('id').execute()),
    sessions: await ids(db.selectFrom('sessions').select('id').execute()),
    totpFactors: await ids(db.selectFrom('totp_factors').select('account_id as id').execute()),
    passwordResets: await ids(db.selectFrom('password_resets').select('id').execute()),
    throttles: await ids(db.selectFrom('throttles').select('key as id').execute()),
    outbox: await ids(db.selectFrom('outbox').select('id').execute()),
    auditEvents: await ids(db.selectFrom('audit_events').select('id').execute()),
  };
}
