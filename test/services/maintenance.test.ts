import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { runMaintenance } from '../../src/services/maintenance.js';
import { reservePasswordAttempt, THROTTLE_FAMILIES } from '../../src/services/throttle.js';
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
  remaining,
  seedTenant,
} from '../support/retention-rows.js';
import { ROOT } from '../support/cli.js';

/** Retention (issue 18): what the maintenance job deletes, and what it must keep, table by table. */

const RETENTION = { auditRetentionDays: 400 };

describeEachDialect('maintenance deletes only what expired (%s)', (dialect) => {
  let database: TestDatabase;
  let clock: FakeClock;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    clock = new FakeClock();
    await seedTenant(database.handle.db, at(clock, -10 * DAY), 7);
  });
  afterEach(async () => database?.drop());

  const run = () => runMaintenance(depsFor(database.handle, clock), RETENTION);

  it('deletes challenges a day past their expiry, whatever their status; keeps live ones and those that ended within the day', async () => {
    await insertChallenges(database.handle.db, [
      { id: 'open-live', status: 'open', expiresAt: at(clock, 4 * 60) },
      { id: 'done-an-hour-ago', status: 'done', expiresAt: at(clock, -HOUR) },
      { id: 'dead-23h-ago', status: 'dead', expiresAt: at(clock, -23 * HOUR) },
      { id: 'open-expired-25h-ago', status: 'open', expiresAt: at(clock, -25 * HOUR) },
      { id: 'done-25h-ago', status: 'done', expiresAt: at(clock, -25 * HOUR) },
      { id: 'dead-2d-ago', status: 'dead', expiresAt: at(clock, -2 * DAY) },
    ]);
    const report = await run();
    expect(report).toMatchObject({ ran: true, deleted: { challenges: 3 } });
    expect((await remaining(database.handle.db)).challenges).toEqual(['dead-23h-ago', 'done-an-hour-ago', 'open-live']);
  });

  it('deletes email codes a day past their expiry, used or not; keeps live ones and those that expired within the day', async () => {
    await insertEmailCodes(database.handle.db, [
      { id: 'live', status: 'live', expiresAt: at(clock, 5 * 60) },
      { id: 'used-2h-ago', status: 'used', expiresAt: at(clock, -2 * HOUR) },
      { id: 'replaced-25h-ago', status: 'replaced', expiresAt: at(clock, -25 * HOUR) },
      { id: 'used-3d-ago', status: 'used', expiresAt: at(clock, -3 * DAY) },
      { id: 'live-but-expired-2d-ago', status: 'live', expiresAt: at(clock, -2 * DAY) },
    ]);
    const report = await run();
    expect(report).toMatchObject({ ran: true, deleted: { emailCodes: 3 } });
    expect((await remaining(database.handle.db)).emailCodes).toEqual(['live', 'used-2h-ago']);
  });

  it('deletes password-reset links a day past their expiry, used or not; keeps live ones and those that expired within the day', async () => {
    await insertPasswordResets(database.handle.db, [
      { id: 'live', status: 'live', expiresAt: at(clock, 20 * 60) },
      { id: 'used-2h-ago', status: 'used', expiresAt: at(clock, -2 * HOUR) },
      { id: 'replaced-25h-ago', status: 'replaced', expiresAt: at(clock, -25 * HOUR) },
      { id: 'live-but-expired-2d-ago', status: 'live', expiresAt: at(clock, -2 * DAY) },
    ]);
    const report = await run();
    expect(report).toMatchObject({ ran: true, deleted: { passwordResets: 2 } });
    expect((await remaining(database.handle.db)).passwordResets).toEqual(['live', 'used-2h-ago']);
  });

  it('deletes sessions past their absolute deadline; keeps live ones, idle ones included', async () => {
    await insertSessions(database.handle.db, [
      { id: 'live', expiresAt: at(clock, HOUR) },
      { id: 'idle-but-not-expired', expiresAt: at(clock, 10 * HOUR), lastSeenAt: at(clock, -2 * HOUR) },
      { id: 'expired-now', expiresAt: at(clock, 0) },
      { id: 'expired-a-minute-ago', expiresAt: at(clock, -60) },
    ]);
    const report = await run();
    expect(report).toMatchObject({ ran: true, deleted: { sessions: 2 } });
    expect((await remaining(database.handle.db)).sessions).toEqual(['idle-but-not-expired', 'live']);
  });

  it('deletes lapsed pending activations, but never an active factor, a pending one still valid, or one of a live enrolment challenge', async () => {
    const { db } = database.handle;
    const now = at(clock, 0);
    await insertChallenges(db, [
      { id: 'live-enrolment', status: 'open', expiresAt: at(clock, 4 * 60), accountId: 'acc-2' },
      { id: 'killed-enrolment', status: 'dead', expiresAt: at(clock, 4 * 60), accountId: 'acc-3' },
      { id: 'expired-enrolment', status: 'open', expiresAt: at(clock, -10 * 60), accountId: 'acc-4' },
    ]);
    await insertTotpFactor(db, { accountId: 'acc', status: 'pending', pendingExpiresAt: at(clock, 5 * 60), now });
    await insertTotpFactor(db, { accountId: 'acc-2', status: 'pending', pendingExpiresAt: at(clock, -2 * DAY), challengeId: 'live-enrolment', now });
    await insertTotpFactor(db, { accountId: 'acc-3', status: 'pending', pendingExpiresAt: at(clock, -2 * DAY), challengeId: 'killed-enrolment', now });
    await insertTotpFactor(db, { accountId: 'acc-4', status: 'pending', pendingExpiresAt: at(clock, -2 * DAY), challengeId: 'expired-enrolment', now });
    await insertTotpFactor(db, { accountId: 'acc-5', status: 'pending', pendingExpiresAt: at(clock, -2 * DAY), now });
    await insertTotpFactor(db, { accountId: 'acc-6', status: 'pending', pendingExpiresAt: at(clock, -2 * HOUR), now });
    await insertTotpFactor(db, { accountId: 'acc-7', status: 'active', pendingExpiresAt: null, now: at(clock, -300 * DAY) });
    const report = await run();
    expect(report).toMatchObject({ ran: true, deleted: { pendingActivations: 3 } });
    expect((await remaining(db)).totpFactors).toEqual(['acc', 'acc-2', 'acc-6', 'acc-7']);
  });

  it('deletes throttle counters whose window and longest wait have both passed; keeps live ones and unknown key families', async () => {
    await insertThrottles(database.handle.db, [
      { key: 'password:account:live@example.com', count: 9, windowStartedAt: at(clock, -10 * 60), lastAt: at(clock, 0) },
      // Window (15 min) closed, but the longest password wait (5 min) after its last failure still runs.
      { key: 'password:ip:203.0.113.9', count: 40, windowStartedAt: at(clock, -16 * 60), lastAt: at(clock, -2 * 60) },
      { key: 'password:ip:203.0.113.10', count: 40, windowStartedAt: at(clock, -20 * 60), lastAt: at(clock, -6 * 60) },
      { key: 'password:device:d1', count: 3, windowStartedAt: at(clock, -16 * 60), lastAt: at(clock, -16 * 60) },
      { key: 'email:ip:198.51.100.1', count: 30, windowStartedAt: at(clock, -50 * 60), lastAt: at(clock, -50 * 60) },
      { key: 'email:ip:198.51.100.2', count: 30, windowStartedAt: at(clock, -61 * 60), lastAt: at(clock, -61 * 60) },
      { key: 'notice:replayed:acc', count: 1, windowStartedAt: at(clock, -30 * 60), lastAt: at(clock, -30 * 60) },
      { key: 'notice:replayed:acc-2', count: 1, windowStartedAt: at(clock, -2 * HOUR), lastAt: at(clock, -2 * HOUR) },
      { key: 'future:family:x', count: 1, windowStartedAt: at(clock, -30 * DAY), lastAt: at(clock, -30 * DAY) },
    ]);
    const report = await run();
    expect(report).toMatchObject({ ran: true, deleted: { throttles: 4 } });
    expect((await remaining(database.handle.db)).throttles).toEqual([
      'email:ip:198.51.100.1',
      'future:family:x',
      'notice:replayed:acc',
      'password:account:live@example.com',
      'password:ip:203.0.113.9',
    ]);
  });

  it('a password throttle that imposes a wait still refuses after maintenance (guessing is not reopened)', async () => {
    const deps = depsFor(database.handle, clock);
    const context = { ip: '203.0.113.7', userAgent: null };
    for (let i = 0; i < 5; i += 1) await reservePasswordAttempt(deps, 'victim@example.com', context);
    await expect(reservePasswordAttempt(deps, 'victim@example.com', context)).rejects.toMatchObject({ code: 'too_many_attempts' });
    clock.advanceSeconds(0.5);
    await run();
    const refused = await reservePasswordAttempt(deps, 'victim@example.com', context).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'too_many_attempts' });
  });

  it('keeps audit events within AUDIT_RETENTION_DAYS and deletes older ones', async () => {
    await insertAuditEvents(database.handle.db, [
      { id: 'today', createdAt: at(clock, -60) },
      { id: '399-days', createdAt: at(clock, -399 * DAY) },
      { id: 'just-inside-400-days', createdAt: at(clock, -400 * DAY + 1) },
      { id: '401-days', createdAt: at(clock, -401 * DAY) },
      { id: '3-years', createdAt: at(clock, -3 * 365 * DAY) },
    ]);
    const report = await run();
    expect(report).toMatchObject({ ran: true, deleted: { auditEvents: 2 } });
    expect((await remaining(database.handle.db)).auditEvents).toEqual(['399-days', 'just-inside-400-days', 'today']);
    const shorter = await runMaintenance(depsFor(database.handle, clock), { auditRetentionDays: 30 });
    expect(shorter).toMatchObject({ ran: true, deleted: { auditEvents: 2 } });
    expect((await remaining(database.handle.db)).auditEvents).toEqual(['today']);
  });

  it('deletes outbox rows sent or given up over 30 days ago, never a pending one however old', async () => {
    await insertOutboxRows(database.handle.db, [
      { id: 'sent-today', status: 'sent', createdAt: at(clock, -60) },
      { id: 'sent-29-days', status: 'sent', createdAt: at(clock, -29 * DAY) },
      { id: 'sent-31-days', status: 'sent', createdAt: at(clock, -31 * DAY) },
      { id: 'failed-31-days', status: 'failed', createdAt: at(clock, -31 * DAY) },
      { id: 'pending-40-days', status: 'pending', createdAt: at(clock, -40 * DAY) },
    ]);
    expect(await run()).toMatchObject({ ran: true, deleted: { outbox: 2 } });
    expect((await remaining(database.handle.db)).outbox).toEqual(['pending-40-days', 'sent-29-days', 'sent-today']);
  });

  it('reports zero everywhere on a database with nothing to delete, and deletes nothing live', async () => {
    await insertSessions(database.handle.db, [{ id: 'live', expiresAt: at(clock, HOUR) }]);
    const report = await run();
    expect(report).toEqual({
      ran: true,
      deleted: { challenges: 0, emailCodes: 0, sessions: 0, pendingActivations: 0, passwordResets: 0, throttles: 0, outbox: 0, auditEvents: 0 },
      batches: {
        challenges: 1,
        emailCodes: 1,
        sessions: 1,
        pendingActivations: 1,
        passwordResets: 1,
        throttles: THROTTLE_FAMILIES.length,
        outbox: 1,
        auditEvents: 1,
      },
    });
    expect((await remaining(database.handle.db)).sessions).toEqual(['live']);
  });
});

describe('throttle key families', () => {
  it('every throttle key the services write belongs to a family retention knows (a new family would otherwise be kept forever)', () => {
    const dir = join(ROOT, 'src', 'services');
    const written = new Set<string>();
    for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      if (!source.includes('store/throttles.js')) continue;
      for (const match of source.matchAll(/`([a-z]+(?::[a-z]+)+:)\$\{/g)) written.add(match[1]!);
    }
    expect([...written].sort()).toEqual([
      'email:ip:',
      'email:reset:hour:',
      'email:reset:wait:',
      'notice:replayed:',
      'password:account:',
      'password:device:',
      'password:ip:',
    ]);
    for (const prefix of written) expect(THROTTLE_FAMILIES.some((family) => prefix.startsWith(family.prefix))).toBe(true);
  });
});
