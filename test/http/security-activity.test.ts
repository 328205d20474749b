import { afterEach, expect, it } from 'vitest';
import { type AuditEventType, recordAudit } from '../../src/services/audit.js';
import { secondFactorSession } from '../support/authority.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness } from '../support/harness.js';

/**
 * Security activity (issue 17): the account's own events a page at a time (keyset cursor),
 * and for super app admins their tenant's events with filters and a CSV / JSON lines download.
 */

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const OSCAR = 'oscar@example.com';

describeEachDialect('security activity (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  /** Acme (alice administers it, bob is a member), Other (oscar); `count` events of bob's, a minute apart. */
  async function world(count: number) {
    h = await createHarness(dialect);
    const acme = await h.tenant('Acme');
    const other = await h.tenant('Other');
    const alice = await h.member(acme.workspaceId, ALICE, 'admin');
    await h.makeSuperAppAdmin(acme.superAppId, ALICE);
    const bob = await h.member(acme.workspaceId, BOB, 'developer');
    const oscar = await h.member(other.workspaceId, OSCAR, 'admin');
    const types: AuditEventType[] = ['second_factor.succeeded', 'second_factor.failed', 'recovery_code.used', 'password.changed'];
    for (let i = 0; i < count; i += 1) {
      h.clock.advanceSeconds(60);
      await recordAudit(h.deps, h.deps.db, { type: types[i % types.length]!, accountId: bob.id, workspaceId: acme.workspaceId, details: { n: i } });
    }
    // Someone else's, in another tenant: never in bob's or Acme's view.
    await recordAudit(h.deps, h.deps.db, { type: 'password.changed', accountId: oscar.id, workspaceId: other.workspaceId });
    return { acme, alice, bob, oscar };
  }

  it("pages through the account's own events newest first with a cursor; the last page has no next cursor", async () => {
    const { bob } = await world(5);
    const cookie = await h.loginSession(BOB);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: any } = await h.api('GET', `/api/v1/account/audit-events?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { cookie });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.events.length).toBeLessThanOrEqual(2);
      for (const event of page.body.events) {
        expect(event.accountId).toBe(bob.id);
        if (typeof event.details.n === 'number') seen.push(event.details.n);
      }
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    // The five recorded, newest first, each once (bob's own login added none: it is password only).
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    expect(pages).toBe(3);
    // Without a limit: everything up to 200, and no next page.
    const all = await h.api('GET', '/api/v1/account/audit-events', { cookie });
    expect(all.body.events.map((e: { details: { n?: number } }) => e.details.n)).toEqual([4, 3, 2, 1, 0]);
    expect(all.body.nextCursor).toBeNull();
  });

  it('refuses a forged cursor and an out-of-range limit with 400, changing nothing', async () => {
    await world(1);
    const cookie = await h.loginSession(BOB);
    const forged = Buffer.from(JSON.stringify(['not a time', 'x'])).toString('base64url');
    for (const query of [`cursor=${forged}`, 'cursor=bm90IGpzb24', 'limit=0', 'limit=201', 'limit=two', 'cursor=%2F%2F', 'extra=1']) {
      expectProblem(await h.api('GET', `/api/v1/account/audit-events?${query}`, { cookie }), 400, 'invalid_request');
    }
  });

  it("gives a super app's admin its events filtered by type, member and date range, paged; others get 403", async () => {
    const { acme, bob, oscar } = await world(8);
    const { cookie } = await secondFactorSession(h, ALICE);
    const url = `/api/v1/super-apps/${acme.superAppId}/audit-events`;
    const recovery = await h.api('GET', `${url}?type=recovery_code.used`, { cookie });
    expect(recovery.status, JSON.stringify(recovery.body)).toBe(200);
    expect(recovery.body.events.map((e: { details: { n: number } }) => e.details.n)).toEqual([6, 2]);

    const ofBob = await h.api('GET', `${url}?accountId=${bob.id}&limit=3`, { cookie });
    expect(ofBob.body.events).toHaveLength(3);
    expect(ofBob.body.events.every((e: { accountId: string }) => e.accountId === bob.id)).toBe(true);
    const next = await h.api('GET', `${url}?accountId=${bob.id}&limit=3&cursor=${ofBob.body.nextCursor}`, { cookie });
    expect(next.body.events[0].createdAt < ofBob.body.events[2].createdAt).toBe(true);

    // Events 2, 3 and 4 were recorded at minutes 3, 4 and 5 after the start.
    const events = await h.deps.db.selectFrom('audit_events').select(['created_at', 'details']).orderBy('created_at').execute();
    const at = (n: number) => events.find((e) => JSON.parse(e.details).n === n)!.created_at;
    const range = await h.api('GET', `${url}?since=${encodeURIComponent(at(2))}&until=${encodeURIComponent(at(5))}`, { cookie });
    expect(range.body.events.map((e: { details: { n: number } }) => e.details.n)).toEqual([4, 3, 2]);
    expectProblem(await h.api('GET', `${url}?since=${encodeURIComponent(at(5))}&until=${encodeURIComponent(at(2))}`, { cookie }), 400, 'invalid_request');
    expectProblem(await h.api('GET', `${url}?type=made.up`, { cookie }), 400, 'invalid_request');
    expectProblem(await h.api('GET', `${url}?since=yesterday`, { cookie }), 400, 'invalid_request');

    // Oscar's event in the other tenant is not Acme's.
    const everything = await h.api('GET', url, { cookie });
    expect(everything.body.events.length).toBeGreaterThan(8);
    expect(everything.body.events.filter((e: { accountId: string }) => e.accountId === oscar.id)).toEqual([]);
    // A member who does not administer Acme may not read it.
    expectProblem(await h.api('GET', url, { cookie: await h.loginSession(BOB) }), 403, 'forbidden');
  });

  it('downloads the filtered events oldest first as CSV (formula-safe) or JSON lines', async () => {
    const { acme, bob } = await world(4);
    h.clock.advanceSeconds(60);
    await recordAudit(h.deps, h.deps.db, {
      type: 'password.changed',
      accountId: bob.id,
      workspaceId: acme.workspaceId,
      context: { ip: null, userAgent: '=HYPERLINK("x")' },
    });
    const { cookie } = await secondFactorSession(h, ALICE);
    const url = `/api/v1/super-apps/${acme.superAppId}/audit-events/export`;
    const csv = await h.api('GET', `${url}?type=password.changed`, { cookie });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="audit-events-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (csv.body as string).trimEnd().split('\n');
    expect(lines[0]).toBe('id,type,createdAt,accountId,actorAccountId,superAppId,workspaceId,ip,userAgent,details');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((line) => line.includes(',password.changed,'))).toBe(true);
    expect(lines[2]).toContain(`"'=HYPERLINK(""x"")"`);

    const jsonl = await h.api('GET', `${url}?format=jsonl&accountId=${bob.id}`, { cookie });
    expect(jsonl.headers['content-type']).toContain('application/jsonl');
    const events = (jsonl.body as string)
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { createdAt: string; accountId: string });
    expect(events).toHaveLength(5);
    expect(events.map((e) => e.createdAt)).toEqual([...events.map((e) => e.createdAt)].sort());
    expect(events.every((e) => e.accountId === bob.id)).toBe(true);

    expectProblem(await h.api('GET', `${url}?format=xlsx`, { cookie }), 400, 'invalid_request');
    expectProblem(await h.api('GET', url, { cookie: await h.loginSession(BOB) }), 403, 'forbidden');
  });
});
