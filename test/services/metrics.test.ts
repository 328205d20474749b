import { afterEach, expect, it } from 'vitest';
import { createPrometheusMetrics, type PrometheusMetrics } from '../../src/adapters/metrics.js';
import { SECOND_FACTOR_FAILURES_PER_LOCK } from '../../src/domain/limits.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/** Services count second-factor checks by method and outcome, and lockouts (`GET /metrics`). */

const ALICE = 'alice@example.com';

describeEachDialect('second-factor metrics (%s)', (dialect) => {
  let h: Harness;
  let metrics: PrometheusMetrics;
  afterEach(async () => h?.close());

  async function value(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
    const found = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return found?.value ?? 0;
  }

  it('counts accepted, wrong and replayed codes per method, refusals while locked, and each lockout once', async () => {
    metrics = createPrometheusMetrics();
    h = await createHarness(dialect, { metrics });
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, ALICE);
    const cookie = await h.loginSession(ALICE);
    const { key } = await h.activateTotp(cookie);
    expect(await value('mpp2fa_second_factor_verifications_total', { method: 'totp_enrollment', outcome: 'accepted' })).toBe(1);

    const login = async () => (await h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password: PASSWORD } })).body.challenge.id;
    const verify = (id: string, code: string) => h.api('POST', `/api/v1/auth/challenges/${id}/verify`, { body: { method: 'totp', code } });
    const code = h.totp(key);
    expect((await verify(await login(), code)).status).toBe(200);
    expect((await verify(await login(), code)).body.codeAlreadyUsed).toBe(true);
    expect(await value('mpp2fa_second_factor_verifications_total', { method: 'totp', outcome: 'accepted' })).toBe(1);
    expect(await value('mpp2fa_second_factor_verifications_total', { method: 'totp', outcome: 'replayed' })).toBe(1);
    expect(await value('mpp2fa_logins_total', { outcome: 'second_factor_required' })).toBe(2);

    const near = new Set(Array.from({ length: 41 }, (_, i) => h.totp(key, (i - 20) * 30)));
    const wrong = Array.from({ length: 100 }, (_, n) => String(n).padStart(6, '0')).filter((c) => !near.has(c));
    let id = await login();
    // The replay was the first failure in a row; the tenth locks.
    for (let i = 0; i < SECOND_FACTOR_FAILURES_PER_LOCK - 2; i += 1) {
      if (i % 4 === 0) id = await login();
      expect((await verify(id, wrong[i]!)).status).toBe(401);
    }
    expect((await verify(await login(), wrong[20]!)).status).toBe(429);
    expect((await verify(await login(), h.totp(key))).status).toBe(429);
    // The locking code was checked (and wrong) too; the one after the lock was not checked.
    expect(await value('mpp2fa_second_factor_verifications_total', { method: 'totp', outcome: 'wrong' })).toBe(SECOND_FACTOR_FAILURES_PER_LOCK - 1);
    expect(await value('mpp2fa_second_factor_lockouts_total')).toBe(1);
    expect(await value('mpp2fa_second_factor_verifications_total', { method: 'totp', outcome: 'refused_locked' })).toBe(1);
  });
});
