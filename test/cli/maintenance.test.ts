import { afterEach, beforeEach, expect, it } from 'vitest';
import { withMaintenanceLock } from '../../src/store/retention.js';
import { makeDataDir, removeDataDir, runCli } from '../support/cli.js';
import { FakeClock } from '../support/clock.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../support/database.js';
import { at, DAY, HOUR, insertAuditEvents, insertChallenges, insertSessions, insertThrottles, remaining, seedTenant } from '../support/retention-rows.js';

/** `mpp-2fa maintenance run` (issue 18), the real binary against a database seeded relative to the real clock. */

const STEP_TIMEOUT_MS = 150_000;

describeEachDialect('mpp-2fa maintenance run (%s)', (dialect) => {
  let database: TestDatabase;
  let dataDir: string;
  let clock: FakeClock;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    dataDir = makeDataDir();
    clock = new FakeClock(new Date().toISOString());
    const { db } = database.handle;
    await seedTenant(db, at(clock, -10 * DAY));
    await insertChallenges(db, [
      { id: 'old', status: 'done', expiresAt: at(clock, -2 * DAY) },
      { id: 'live', status: 'open', expiresAt: at(clock, HOUR) },
    ]);
    await insertSessions(db, [
      { id: 'expired-1', expiresAt: at(clock, -HOUR) },
      { id: 'expired-2', expiresAt: at(clock, -2 * HOUR) },
      { id: 'live', expiresAt: at(clock, HOUR) },
    ]);
    await insertThrottles(db, [{ key: 'password:ip:192.0.2.1', count: 7, windowStartedAt: at(clock, -DAY), lastAt: at(clock, -DAY) }]);
    await insertAuditEvents(db, [
      { id: 'ancient', createdAt: at(clock, -500 * DAY) },
      { id: 'recent', createdAt: at(clock, -DAY) },
    ]);
  });
  afterEach(async () => {
    removeDataDir(dataDir);
    await database?.drop();
  });

  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { dataDir, env: { DATABASE_URL: database.url, ...env } });

  it(
    'prints what it deleted per table and exits 0',
    async () => {
      const result = await cli(['maintenance', 'run']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(
        [
          'ran: true',
          'challenges: 1',
          'emailCodes: 0',
          'sessions: 2',
          'pendingActivations: 0',
          'passwordResets: 0',
          'throttles: 1',
          'outbox: 0',
          'auditEvents: 1',
          '',
        ].join('\n'),
      );
      expect(await remaining(database.handle.db)).toMatchObject({ challenges: ['live'], sessions: ['live'], throttles: [], auditEvents: ['recent'] });
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'with --json prints one object of counts; AUDIT_RETENTION_DAYS decides which audit events go',
    async () => {
      const result = await cli(['maintenance', 'run', '--json'], { AUDIT_RETENTION_DAYS: '1' });
      expect(result.code, result.stderr).toBe(0);
      expect(result.json()).toEqual({
        ran: true,
        challenges: 1,
        emailCodes: 0,
        sessions: 2,
        pendingActivations: 0,
        passwordResets: 0,
        throttles: 1,
        outbox: 0,
        auditEvents: 2,
      });
      const again = await cli(['maintenance', 'run', '--json']);
      expect(again.json()).toEqual({
        ran: true,
        challenges: 0,
        emailCodes: 0,
        sessions: 0,
        pendingActivations: 0,
        passwordResets: 0,
        throttles: 0,
        outbox: 0,
        auditEvents: 0,
      });
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'while another process runs maintenance it deletes nothing, says so and exits 0',
    async () => {
      const lease = { holder: 'serve-elsewhere', now: () => new Date(), seconds: 600 };
      const locked = await withMaintenanceLock(database.handle.db, dialect, lease, () => cli(['maintenance', 'run', '--json']));
      expect(locked.acquired).toBe(true);
      const result = locked.acquired ? locked.value : undefined;
      expect(result?.code, result?.stderr).toBe(0);
      expect(result?.json()).toEqual({ ran: false, reason: expect.stringMatching(/another process/) });
      expect((await remaining(database.handle.db)).sessions).toHaveLength(3);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'refuses an AUDIT_RETENTION_DAYS that is not a whole number of days from 1 with exit 2',
    async () => {
      for (const value of ['0', 'forever', '1.5']) {
        const result = await cli(['maintenance', 'run'], { AUDIT_RETENTION_DAYS: value });
        expect(result.code, value).toBe(2);
        expect(result.stderr).toMatch(/AUDIT_RETENTION_DAYS/);
      }
    },
    STEP_TIMEOUT_MS,
  );
});

it(
  'mpp-2fa --help lists maintenance run and AUDIT_RETENTION_DAYS',
  async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/maintenance run\s+Delete expired/);
    expect(result.stdout).toContain('AUDIT_RETENTION_DAYS');
  },
  STEP_TIMEOUT_MS,
);
