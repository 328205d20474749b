import { afterEach, expect, it } from 'vitest';
import { REPLAY_NOTICE_INTERVAL_SECONDS } from '../../src/domain/limits.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';

/**
 * An authenticator code refused because its time step was already used is a replay, not
 * a typo: it is audited as `second_factor.replayed` and the owner is emailed, at most once
 * an hour, that someone used a code from their authenticator again.
 */

const EMAIL = 'alice@example.com';

describeEachDialect('replayed authenticator codes (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function aliceWithTotp() {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    const session = await h.loginSession(EMAIL);
    const { key } = await h.activateTotp(session);
    return { key, session };
  }

  async function verifyAtLogin(code: string) {
    const started = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(started.body.status).toBe('second_factor_required');
    return h.api('POST', `/api/v1/auth/challenges/${encodeURIComponent(started.body.challenge.id)}/verify`, { body: { method: 'totp', code } });
  }

  async function events(type: string) {
    return h.deps.db.selectFrom('audit_events').selectAll().where('type', '=', type).orderBy('created_at').execute();
  }

  const replayMails = () => h.mailer.to(EMAIL).filter((m) => /used again/.test(m.subject));

  it('a code used at login and sent again is audited as replayed, and the owner is emailed once an hour at most', async () => {
    const { key } = await aliceWithTotp();
    const code = h.totp(key);
    expect((await verifyAtLogin(code)).status).toBe(200);

    expectProblem(await verifyAtLogin(code), 401, 'invalid_code');
    const replayed = await events('second_factor.replayed');
    expect(replayed).toHaveLength(1);
    expect(JSON.parse(replayed[0]!.details)).toMatchObject({ method: 'totp', purpose: 'login', consecutiveFailures: 1 });
    expect(JSON.stringify(replayed)).not.toContain(code);
    expect(await events('second_factor.failed')).toEqual([]);
    expect(replayMails()).toHaveLength(1);
    expect(replayMails()[0]!.text).not.toContain(code);

    // More replays within the hour are audited, not mailed again.
    h.clock.advanceSeconds(10);
    expectProblem(await verifyAtLogin(code), 401, 'invalid_code');
    expect(await events('second_factor.replayed')).toHaveLength(2);
    expect(replayMails()).toHaveLength(1);

    // A wrong code is a plain failure, not a replay.
    const wrong = code === '000000' ? '000001' : '000000';
    expectProblem(await verifyAtLogin(wrong), 401, 'invalid_code');
    expect(await events('second_factor.failed')).toHaveLength(1);
    expect(await events('second_factor.replayed')).toHaveLength(2);

    // After the hour, the next replay is mailed again.
    h.clock.advanceSeconds(REPLAY_NOTICE_INTERVAL_SECONDS);
    const later = h.totp(key);
    expect((await verifyAtLogin(later)).status).toBe(200);
    expectProblem(await verifyAtLogin(later), 401, 'invalid_code');
    expect(replayMails()).toHaveLength(2);
  });

  it('a code spent at login and sent again at deactivation is a replay too', async () => {
    const { key, session } = await aliceWithTotp();
    const code = h.totp(key);
    expect((await verifyAtLogin(code)).status).toBe(200);
    const response = await h.api('POST', '/api/v1/account/two-factor/deactivation', { cookie: session, body: { password: PASSWORD, method: 'totp', code } });
    expect(response.status, JSON.stringify(response.body)).toBe(401);
    const replayed = await events('second_factor.replayed');
    expect(replayed).toHaveLength(1);
    expect(JSON.parse(replayed[0]!.details)).toMatchObject({ method: 'totp', purpose: 'identity' });
    expect(replayMails()).toHaveLength(1);
  });

  it('each account hears of its own replays: the hourly notice is counted per account', async () => {
    const { key } = await aliceWithTotp();
    const { workspaceId } = await h.tenant('Beta');
    await h.member(workspaceId, 'bob@example.com');
    const bob = await h.activateTotp(await h.loginSession('bob@example.com'));
    const aliceCode = h.totp(key);
    expect((await verifyAtLogin(aliceCode)).status).toBe(200);
    expectProblem(await verifyAtLogin(aliceCode), 401, 'invalid_code');

    const bobCode = h.totp(bob.key);
    const bobLogin = async () => {
      const started = await h.api('POST', '/api/v1/auth/login', { body: { email: 'bob@example.com', password: PASSWORD } });
      return h.api('POST', `/api/v1/auth/challenges/${encodeURIComponent(started.body.challenge.id)}/verify`, { body: { method: 'totp', code: bobCode } });
    };
    expect((await bobLogin()).status).toBe(200);
    expectProblem(await bobLogin(), 401, 'invalid_code');
    expect(replayMails()).toHaveLength(1);
    expect(h.mailer.to('bob@example.com').filter((m) => /used again/.test(m.subject))).toHaveLength(1);
  });

  it('an unused code of the step before the last one used is too old, not a replay', async () => {
    const { key } = await aliceWithTotp();
    expect((await verifyAtLogin(h.totp(key, 30))).status).toBe(200); // an authenticator running 30 s ahead
    expectProblem(await verifyAtLogin(h.totp(key)), 401, 'invalid_code');
    expect(await events('second_factor.replayed')).toEqual([]);
    expect(await events('second_factor.failed')).toHaveLength(1);
    expect(replayMails()).toEqual([]);
  });
});
