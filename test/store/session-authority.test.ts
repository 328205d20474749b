import { afterEach, beforeEach, expect, it } from 'vitest';
import { insertChallenge, markChallengeEmailPassed, findChallengeById } from '../../src/store/challenges.js';
import { deleteSession, findSessionById, insertSession } from '../../src/store/sessions.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../support/database.js';
import { insertAccount } from '../../src/store/accounts.js';
import { insertSuperApp, insertWorkspace, upsertMembership } from '../../src/store/tenants.js';

/** Migration 0003: sessions remember their second factors; challenges their purpose, owner and email step. */

const NOW = '2026-11-27T10:00:00.000Z';
const LATER = '2026-11-27T22:00:00.000Z';

describeEachDialect('session authority columns (%s)', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    const { db } = database.handle;
    await insertSuperApp(db, { id: 'sa', name: 'SA', now: NOW });
    await insertWorkspace(db, { id: 'ws', superAppId: 'sa', name: 'WS', now: NOW });
    await insertAccount(db, { id: 'acc', email: 'a@example.com', name: 'A', passwordHash: 'x', now: NOW });
    await upsertMembership(db, { workspaceId: 'ws', accountId: 'acc', role: 'admin', now: NOW });
  });
  afterEach(async () => database?.drop());

  it('stores the methods a session passed, deduplicated, with its own password time', async () => {
    const { db } = database.handle;
    await insertSession(db, {
      id: 's1',
      accountId: 'acc',
      workspaceId: 'ws',
      secondFactorMethods: ['email', 'totp', 'email'],
      expiresAt: LATER,
      now: NOW,
      authenticatedAt: '2026-11-27T09:50:00.000Z',
    });
    await insertSession(db, { id: 's2', accountId: 'acc', workspaceId: 'ws', secondFactorMethods: [], expiresAt: LATER, now: NOW });
    const first = (await findSessionById(db, 's1'))!;
    expect(first.secondFactorMethods).toEqual(['email', 'totp']);
    expect(first.secondFactorVerified).toBe(true);
    expect(first.authenticatedAt).toBe('2026-11-27T09:50:00.000Z');
    const second = (await findSessionById(db, 's2'))!;
    expect(second.secondFactorMethods).toEqual([]);
    expect(second.secondFactorVerified).toBe(false);
    expect(second.authenticatedAt).toBe(NOW);
  });

  it('deleting a session is a claim: true once, then false', async () => {
    const { db } = database.handle;
    await insertSession(db, { id: 's1', accountId: 'acc', workspaceId: 'ws', secondFactorMethods: [], expiresAt: LATER, now: NOW });
    expect(await Promise.all([deleteSession(db, 's1'), deleteSession(db, 's1')])).toEqual(expect.arrayContaining([true, false]));
    expect(await findSessionById(db, 's1')).toBeUndefined();
  });

  it('a challenge keeps its purpose, owner session and target; its email step is marked once it is open', async () => {
    const { db } = database.handle;
    const base = {
      accountId: 'acc',
      workspaceId: 'ws',
      kind: 'second_factor_required' as const,
      methods: ['email' as const],
      primaryMethod: 'email' as const,
      reason: 'super_app_policy' as const,
      expiresAt: LATER,
      now: NOW,
    };
    await insertChallenge(db, { ...base, id: 'login' });
    await insertChallenge(db, { ...base, id: 'step', purpose: 'step_up', sessionId: 's1', superAppId: 'sa' });
    expect(await findChallengeById(db, 'login')).toMatchObject({ purpose: 'login', sessionId: null, superAppId: null, emailPassedAt: null });
    expect(await findChallengeById(db, 'step')).toMatchObject({ purpose: 'step_up', sessionId: 's1', superAppId: 'sa' });
    expect(await markChallengeEmailPassed(db, 'step', NOW)).toBe(true);
    expect((await findChallengeById(db, 'step'))!.emailPassedAt).toBe(NOW);
    await db.updateTable('challenges').set({ status: 'done' }).where('id', '=', 'login').execute();
    expect(await markChallengeEmailPassed(db, 'login', NOW)).toBe(false);
  });
});
