import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness } from '../support/harness.js';

/**
 * Behind a proxy the client IP (per-IP throttles, the audit log) is the right-most
 * X-Forwarded-For address that a trusted proxy wrote: the entries to its left are the
 * client's own words. A client that rotates them gets no fresh allowance.
 */

const WRONG = 'not the password at all';
const PROXY = '127.0.0.1';

describeEachDialect('client IP behind a trusted proxy (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function login(forwardedFor: string | undefined, email: string): Promise<number> {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: WRONG },
      remoteAddress: PROXY,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
    return response.statusCode;
  }

  for (const trustProxy of [1, '127.0.0.1/32'] as const) {
    it(`TRUST_PROXY=${trustProxy}: rotating the left of X-Forwarded-For does not escape the per-IP limit; the right-most hop is the client`, async () => {
      h = await createHarness(dialect, { trustProxy });
      // 30 failures from one client (each email new, so only the IP's count grows), each
      // with another spoofed address in front.
      for (let i = 0; i < 30; i += 1) expect(await login(`198.51.100.${i + 1}, 203.0.113.7`, `guess-${i}@example.com`)).toBe(401);
      expect(await login('198.51.100.200, 203.0.113.7', 'guess-x@example.com')).toBe(429);
      // Another client behind the same proxy is not slowed down.
      expect(await login('203.0.113.8', 'guess-y@example.com')).toBe(401);
    });
  }

  it('without TRUST_PROXY, X-Forwarded-For is ignored: the socket address is the client', async () => {
    h = await createHarness(dialect);
    for (let i = 0; i < 30; i += 1) expect(await login(`203.0.113.${i + 1}`, `guess-${i}@example.com`)).toBe(401);
    expect(await login('203.0.113.99', 'guess-x@example.com')).toBe(429);
  });
});
