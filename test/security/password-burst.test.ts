import { afterEach, expect, it } from 'vitest';
import { PASSWORD_FREE_FAILURES_PER_ACCOUNT, PASSWORD_FREE_FAILURES_PER_IP } from '../../src/domain/limits.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/**
 * Password attempts are reserved in the throttles before any hash runs (one conditional
 * upsert per counter): a burst of parallel attempts gets no more passwords checked than
 * the same attempts sent one after another, and a correct password without a reserved
 * attempt is refused like any other.
 */

const WRONG = 'not the password at all';

describeEachDialect('parallel password bursts (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function setUp(emails: string[]): Promise<void> {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    for (const email of emails) await h.member(workspaceId, email);
  }

  async function login(email: string, password: string, ip: string): Promise<number> {
    const response = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: ip });
    return response.statusCode;
  }

  function tally(statuses: number[]): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }

  for (const size of [30, 60]) {
    it(`${size} parallel wrong passwords for one account from one IP: as many checked as one after another (${PASSWORD_FREE_FAILURES_PER_ACCOUNT}), the rest 429`, async () => {
      await setUp(['burst@example.com', 'serial@example.com']);
      const parallel = await Promise.all(Array.from({ length: size }, () => login('burst@example.com', WRONG, '10.1.0.1')));
      const serial: number[] = [];
      for (let i = 0; i < size; i += 1) serial.push(await login('serial@example.com', WRONG, '10.1.0.2'));
      console.log(`burst (${dialect}) ${size} parallel from one IP: ${JSON.stringify(tally(parallel))}; one after another: ${JSON.stringify(tally(serial))}`);
      expect(tally(parallel)).toEqual(tally(serial));
      expect(tally(parallel)).toEqual({ 401: PASSWORD_FREE_FAILURES_PER_ACCOUNT, 429: size - PASSWORD_FREE_FAILURES_PER_ACCOUNT });
    });
  }

  it("60 parallel wrong passwords for one account spread over 10 IPs: still only the account's free attempts are checked", async () => {
    await setUp(['spread@example.com']);
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => login('spread@example.com', WRONG, `10.2.0.${(i % 10) + 1}`)));
    console.log(`burst (${dialect}) 60 parallel over 10 IPs: ${JSON.stringify(tally(statuses))}`);
    expect(tally(statuses)).toEqual({ 401: PASSWORD_FREE_FAILURES_PER_ACCOUNT, 429: 60 - PASSWORD_FREE_FAILURES_PER_ACCOUNT });
  });

  it("60 parallel wrong passwords for 60 emails from one IP: the IP's free attempts are checked, no more", async () => {
    await setUp([]);
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => login(`ghost-${i}@example.com`, WRONG, '10.3.0.1')));
    console.log(`burst (${dialect}) 60 parallel emails from one IP: ${JSON.stringify(tally(statuses))}`);
    expect(tally(statuses)).toEqual({ 401: PASSWORD_FREE_FAILURES_PER_IP, 429: 60 - PASSWORD_FREE_FAILURES_PER_IP });
  });

  it('the correct password inside a burst signs in only with a reserved attempt; without one it is refused like the rest', async () => {
    await setUp(['owner@example.com']);
    // While attempts are free, the correct one among them signs in.
    const first = await Promise.all([
      ...Array.from({ length: PASSWORD_FREE_FAILURES_PER_ACCOUNT - 1 }, () => login('owner@example.com', WRONG, '10.4.0.1')),
      login('owner@example.com', PASSWORD, '10.4.0.1'),
    ]);
    expect(tally(first)).toEqual({ 200: 1, 401: PASSWORD_FREE_FAILURES_PER_ACCOUNT - 1 });
    // A wrong attempt of that burst may be counted after the sign-in cleared the count: start
    // a new window, then use up the free attempts…
    h.clock.advanceSeconds(15 * 60 + 1);
    for (let i = 0; i < PASSWORD_FREE_FAILURES_PER_ACCOUNT; i += 1) expect(await login('owner@example.com', WRONG, '10.4.0.2')).toBe(401);
    // …then no attempt of the next burst is reserved: the correct password is refused with the others.
    const second = await Promise.all([
      login('owner@example.com', PASSWORD, '10.4.0.3'),
      ...Array.from({ length: 20 }, () => login('owner@example.com', WRONG, '10.4.0.3')),
    ]);
    expect(tally(second)).toEqual({ 429: 21 });
    // Once the wait is over the owner gets in.
    h.clock.advanceSeconds(1);
    expect(await login('owner@example.com', PASSWORD, '10.4.0.4')).toBe(200);
  });

  it('correct passwords give their reservation back: an office behind one address is not slowed down by its own sign-ins', async () => {
    const emails = Array.from({ length: PASSWORD_FREE_FAILURES_PER_IP + 5 }, (_, i) => `staff-${i}@example.com`);
    await setUp(emails);
    // One after another (attempts still being checked do count against the address).
    const statuses: number[] = [];
    for (const email of emails) statuses.push(await login(email, PASSWORD, '10.5.0.1'));
    expect(tally(statuses)).toEqual({ 200: emails.length });
    expect(await login('staff-0@example.com', WRONG, '10.5.0.1')).toBe(401);
  });
});
