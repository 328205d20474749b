import pg from 'pg';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { MAINTENANCE_INTERVAL_SECONDS, MAINTENANCE_JITTER_SECONDS, runMaintenance, scheduleMaintenance } from '../../src/services/maintenance.js';
import { THROTTLE_FAMILIES } from '../../src/services/throttle.js';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.js';
import { withMaintenanceLock } from '../../src/store/retention.js';
import { FakeClock } from '../support/clock.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../support/database.js';
import {
  at,
  DAY,
  depsFor,
  HOUR,
  insertAuditEvents,
  insertOutboxRows,
  insertChallenges,
  insertEmailCodes,
  insertPasswordResets,
  insertSessions,
  insertThrottles,
  insertTotpFactor,
  RecordingLogger,
  remaining,
  seedTenant,
} from '../support/retention-rows.js';

/** Retention (issue 18): bounded batches, one run at a time across processes, and the timer inside serve. */

const RETENTION = { auditRetentionDays: 400 };
const range = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);

/** Timers that only record: the test fires the planned callback itself. */
function manualTimers() {
  const planned: { callback: () => void; ms: number; cleared: boolean }[] = [];
  return {
    planned,
    setTimeout: (callback: () => void, ms: number) => {
      const timer = { callback, ms, cleared: false };
      planned.push(timer);
      return timer;
    },
    clearTimeout: (handle: unknown) => {
      if (handle) (handle as { cleared: boolean }).cleared = true;
    },
  };
}

describeEachDialect('maintenance runs (%s)', (dialect) => {
  let database: TestDatabase;
  let clock: FakeClock;
  const others: DatabaseHandle[] = [];
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    clock = new FakeClock();
    await seedTenant(database.handle.db, at(clock, -10 * DAY), 25);
  });
  afterEach(async () => {
    for (const other of others.splice(0)) await other.close().catch(() => {});
    await database?.drop();
  });

  /** A second process's handle on the same database. */
  const anotherProcess = () => {
    const handle = openDatabase({ url: database.url, poolMax: 2 });
    others.push(handle);
    return handle;
  };

  it('deletes 2,500 expired sessions in batches of 1,000: three DELETEs, and the live one stays', async () => {
    await insertSessions(database.handle.db, [
      ...range(2500, 'expired').map((id) => ({ id, expiresAt: at(clock, -HOUR) })),
      { id: 'live', expiresAt: at(clock, HOUR) },
    ]);
    const report = await runMaintenance(depsFor(database.handle, clock), { ...RETENTION, batchSize: 1000 });
    expect(report).toMatchObject({ ran: true, deleted: { sessions: 2500 }, batches: { sessions: 3 } });
    expect((await remaining(database.handle.db)).sessions).toEqual(['live']);
  });

  it('every table is deleted from in bounded batches: 25 expired rows with a batch size of 10 take three DELETEs each', async () => {
    const { db } = database.handle;
    await insertChallenges(
      db,
      range(25, 'c').map((id) => ({ id, status: 'dead' as const, expiresAt: at(clock, -2 * DAY) })),
    );
    await insertEmailCodes(
      db,
      range(25, 'e').map((id) => ({ id, status: 'used' as const, expiresAt: at(clock, -2 * DAY) })),
    );
    await insertSessions(
      db,
      range(25, 's').map((id) => ({ id, expiresAt: at(clock, -60) })),
    );
    for (const accountId of ['acc', ...range(24, 'x').map((_, i) => `acc-${i + 2}`)]) {
      await insertTotpFactor(db, { accountId, status: 'pending', pendingExpiresAt: at(clock, -2 * DAY), now: at(clock, -2 * DAY) });
    }
    await insertPasswordResets(
      db,
      range(25, 'r').map((id) => ({ id, status: 'live' as const, expiresAt: at(clock, -2 * DAY) })),
    );
    await insertThrottles(
      db,
      range(25, 'password:ip:t').map((key) => ({ key, count: 3, windowStartedAt: at(clock, -DAY), lastAt: at(clock, -DAY) })),
    );
    await insertOutboxRows(
      db,
      range(25, 'o').map((id, i) => ({ id, status: i % 2 === 0 ? ('sent' as const) : ('failed' as const), createdAt: at(clock, -31 * DAY) })),
    );
    await insertAuditEvents(
      db,
      range(25, 'a').map((id) => ({ id, createdAt: at(clock, -500 * DAY) })),
    );
    const report = await runMaintenance(depsFor(database.handle, clock), { ...RETENTION, batchSize: 10 });
    const otherFamilies = THROTTLE_FAMILIES.length - 1; // one short batch each: nothing of theirs to delete
    expect(report).toEqual({
      ran: true,
      deleted: { challenges: 25, emailCodes: 25, sessions: 25, pendingActivations: 25, passwordResets: 25, throttles: 25, outbox: 25, auditEvents: 25 },
      batches: { challenges: 3, emailCodes: 3, sessions: 3, pendingActivations: 3, passwordResets: 3, throttles: 3 + otherFamilies, outbox: 3, auditEvents: 3 },
    });
    expect(await remaining(db)).toEqual({
      challenges: [],
      emailCodes: [],
      sessions: [],
      totpFactors: [],
      passwordResets: [],
      throttles: [],
      outbox: [],
      auditEvents: [],
    });
  });

  it('a run while another process holds the lock deletes nothing and says so; the next run goes ahead', async () => {
    await insertSessions(database.handle.db, [{ id: 'expired', expiresAt: at(clock, -60) }]);
    const lease = { holder: 'first-process', now: () => clock.now(), seconds: 600 };
    const second = depsFor(anotherProcess(), clock);
    const during = await withMaintenanceLock(database.handle.db, dialect, lease, () => runMaintenance(second, RETENTION));
    expect(during).toEqual({ acquired: true, value: { ran: false } });
    expect((await remaining(database.handle.db)).sessions).toEqual(['expired']);
    expect(await runMaintenance(second, RETENTION)).toMatchObject({ ran: true, deleted: { sessions: 1 } });
  });

  it('runs on a pool of one connection (the lock and the deletes share it)', async () => {
    await insertSessions(database.handle.db, [{ id: 'expired', expiresAt: at(clock, -60) }]);
    const single = openDatabase({ url: database.url, poolMax: 1 });
    others.push(single);
    expect(await runMaintenance(depsFor(single, clock), RETENTION)).toMatchObject({ ran: true, deleted: { sessions: 1 } });
  }, 10_000);

  it('the lock is given back when a run fails', async () => {
    const lease = { holder: 'failing-process', now: () => clock.now(), seconds: 600 };
    await expect(
      withMaintenanceLock(database.handle.db, dialect, lease, async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await runMaintenance(depsFor(anotherProcess(), clock), RETENTION)).toMatchObject({ ran: true });
  });

  it('a lock left by a process that died is free again: its connection drops (PostgreSQL) or its lease lapses (SQLite)', async () => {
    const deps = depsFor(database.handle, clock);
    if (dialect === 'postgres') {
      const crashed = new pg.Client({ connectionString: database.url });
      await crashed.connect();
      await crashed.query('BEGIN');
      await crashed.query(`SELECT pg_advisory_xact_lock(${0x6d707032})`);
      expect(await runMaintenance(deps, RETENTION)).toEqual({ ran: false });
      await crashed.end();
    } else {
      await database.handle.db
        .insertInto('maintenance_leases')
        .values({ name: 'maintenance', holder: 'crashed', expires_at: at(clock, 600) })
        .execute();
      expect(await runMaintenance(deps, RETENTION)).toEqual({ ran: false });
      clock.advanceSeconds(599);
      expect(await runMaintenance(deps, RETENTION)).toEqual({ ran: false });
      clock.advanceSeconds(1);
    }
    expect(await runMaintenance(deps, RETENTION)).toMatchObject({ ran: true });
  });

  it('the lock holds past the first lease end while the job keeps it alive, and no lease row is left afterwards', async () => {
    const { db } = database.handle;
    const lease = { holder: 'me', now: () => clock.now(), seconds: 600 };
    await withMaintenanceLock(db, dialect, lease, async (_db, keepAlive) => {
      clock.advanceSeconds(500);
      expect(await keepAlive()).toBe(true);
      clock.advanceSeconds(500); // past the first lease's end, within the renewed one
      expect(await runMaintenance(depsFor(anotherProcess(), clock), RETENTION)).toEqual({ ran: false });
    });
    expect(await db.selectFrom('maintenance_leases').selectAll().execute()).toEqual([]);
  });

  it('serve runs the job within the jitter, then every 10 minutes plus jitter, logging counts only', async () => {
    await insertSessions(database.handle.db, [{ id: 'expired', expiresAt: at(clock, -60) }]);
    const logger = new RecordingLogger();
    const timers = manualTimers();
    const schedule = scheduleMaintenance(depsFor(database.handle, clock, logger), RETENTION, timers);
    expect(timers.planned).toHaveLength(1);
    expect(timers.planned[0]!.ms).toBeGreaterThanOrEqual(0);
    expect(timers.planned[0]!.ms).toBeLessThan(MAINTENANCE_JITTER_SECONDS * 1000);
    timers.planned[0]!.callback();
    await vi.waitFor(() => expect(timers.planned).toHaveLength(2));
    expect(timers.planned[1]!.ms).toBeGreaterThanOrEqual(MAINTENANCE_INTERVAL_SECONDS * 1000);
    expect(timers.planned[1]!.ms).toBeLessThan((MAINTENANCE_INTERVAL_SECONDS + MAINTENANCE_JITTER_SECONDS) * 1000);
    expect((await remaining(database.handle.db)).sessions).toEqual([]);
    expect(logger.lines).toEqual([
      {
        level: 'info',
        obj: { deleted: { challenges: 0, emailCodes: 0, sessions: 1, pendingActivations: 0, passwordResets: 0, throttles: 0, outbox: 0, auditEvents: 0 } },
        msg: expect.any(String),
      },
    ]);
    await schedule.stop();
    expect(timers.planned[1]!.cleared).toBe(true);
  });

  it('a failed run is logged, not thrown, and the next one is still planned', async () => {
    const broken = anotherProcess();
    await broken.db.selectFrom('sessions').select('id').execute(); // a driver closed before its first query would reopen
    await broken.close();
    const logger = new RecordingLogger();
    const timers = manualTimers();
    const schedule = scheduleMaintenance(depsFor(broken, clock, logger), RETENTION, timers);
    timers.planned[0]!.callback();
    await vi.waitFor(() => expect(timers.planned).toHaveLength(2));
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'error', obj: { err: expect.any(String) } });
    await schedule.stop();
  });

  it('stopping waits for the run in progress, which stops before its next batch, and plans no other run', async () => {
    await insertSessions(database.handle.db, [{ id: 'expired', expiresAt: at(clock, -60) }]);
    const timers = manualTimers();
    const schedule = scheduleMaintenance(depsFor(database.handle, clock), RETENTION, timers);
    timers.planned[0]!.callback();
    await schedule.stop();
    expect(timers.planned).toHaveLength(1);
    expect((await remaining(database.handle.db)).sessions).toEqual(['expired']);
    expect(await runMaintenance(depsFor(database.handle, clock), RETENTION)).toMatchObject({ ran: true, deleted: { sessions: 1 } });
  });
});
