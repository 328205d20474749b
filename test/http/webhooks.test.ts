import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness } from '../support/harness.js';
import { secondFactorSession } from '../support/authority.js';

describeEachDialect('webhooks API (%s)', (dialect) => {
  let h: Harness;
  let acme: { superAppId: string; workspaceId: string };
  let other: { superAppId: string; workspaceId: string };
  /** Acme's super app admin (second factor passed), its admin with the password alone, an Acme developer, the other super app's admin. */
  let admin: string;
  let passwordOnlyAdmin: string;
  let developer: string;
  let otherAdmin: string;
  const hooksUrl = (superAppId = acme.superAppId) => `/api/v1/super-apps/${superAppId}/webhooks`;
  const create = (body: unknown, cookie = admin, superAppId = acme.superAppId) => h.api('POST', hooksUrl(superAppId), { cookie, body });

  beforeEach(async () => {
    h = await createHarness(dialect);
    h.deps.webhooks = { allowPrivate: false, allowLocalhost: true };
    acme = await h.tenant('Acme Super App');
    other = await h.tenant('Other Super App');
    await h.member(acme.workspaceId, 'alice@example.com', 'admin');
    await h.makeSuperAppAdmin(acme.superAppId, 'alice@example.com');
    await h.member(acme.workspaceId, 'erin@example.com', 'admin');
    await h.makeSuperAppAdmin(acme.superAppId, 'erin@example.com');
    await h.member(acme.workspaceId, 'bob@example.com', 'developer');
    await h.member(other.workspaceId, 'carol@example.com', 'admin');
    await h.makeSuperAppAdmin(other.superAppId, 'carol@example.com');
    admin = (await secondFactorSession(h, 'alice@example.com')).cookie;
    passwordOnlyAdmin = await h.loginSession('erin@example.com');
    developer = await h.loginSession('bob@example.com');
    otherAdmin = (await secondFactorSession(h, 'carol@example.com')).cookie;
  });
  afterEach(async () => h?.close());

  it('creates a webhook whose secret is shown once, lists it without the secret, and deletes it', async () => {
    const created = await create({ url: 'https://siem.example.com/hooks/mpp', events: ['policy.changed', 'two_factor.reset'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: 'https://siem.example.com/hooks/mpp', events: ['policy.changed', 'two_factor.reset'] });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.body.secret.slice(6), 'base64')).toHaveLength(32);

    const list = await h.api('GET', hooksUrl(), { cookie: admin });
    expect(list.status).toBe(200);
    expect(list.body.webhooks).toEqual([
      { id: created.body.id, url: 'https://siem.example.com/hooks/mpp', events: ['policy.changed', 'two_factor.reset'], createdAt: created.body.createdAt },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret.slice(6));
    const stored = await h.deps.db.selectFrom('webhooks').select('secret_sealed').executeTakeFirstOrThrow();
    expect(stored.secret_sealed).not.toContain(created.body.secret.slice(6));

    const removed = await h.api('DELETE', `${hooksUrl()}/${created.body.id}`, { cookie: admin });
    expect(removed.status).toBe(204);
    expect((await h.api('GET', hooksUrl(), { cookie: admin })).body.webhooks).toEqual([]);
    expectProblem(await h.api('DELETE', `${hooksUrl()}/${created.body.id}`, { cookie: admin }), 404, 'not_found');

    const audit = await h.api('GET', `/api/v1/super-apps/${acme.superAppId}/audit-events`, { cookie: admin });
    const types = audit.body.events.map((e: { type: string }) => e.type);
    expect(types).toContain('webhook.created');
    expect(types).toContain('webhook.deleted');
    const createdEvent = audit.body.events.find((e: { type: string }) => e.type === 'webhook.created');
    expect(createdEvent.details).toEqual({ webhookId: created.body.id, origin: 'https://siem.example.com', events: ['policy.changed', 'two_factor.reset'] });
    expect(JSON.stringify(audit.body)).not.toContain(created.body.secret.slice(6));
  });

  it('accepts "*" for every event', async () => {
    const created = await create({ url: 'https://siem.example.com/all', events: ['*'] });
    expect(created.status).toBe(201);
    expect(created.body.events).toEqual(['*']);
  });

  it.each([
    ['a developer of its workspace', () => developer],
    ['the admin of another super app', () => otherAdmin],
  ])('refuses %s with 403 forbidden', async (_who, session) => {
    const hook = await create({ url: 'https://siem.example.com/a', events: ['*'] });
    expectProblem(await h.api('GET', hooksUrl(), { cookie: session() }), 403, 'forbidden');
    expectProblem(await create({ url: 'https://siem.example.com/b', events: ['*'] }, session()), 403, 'forbidden');
    expectProblem(await h.api('DELETE', `${hooksUrl()}/${hook.body.id}`, { cookie: session() }), 403, 'forbidden');
    expectProblem(await h.api('POST', `${hooksUrl()}/${hook.body.id}/test`, { cookie: session() }), 403, 'forbidden');
    expectProblem(await h.api('GET', `${hooksUrl()}/${hook.body.id}/deliveries`, { cookie: session() }), 403, 'forbidden');
  });

  it("answers 404 for another super app's webhook, through a super app one administers", async () => {
    const theirs = await create({ url: 'https://siem.example.com/other', events: ['*'] }, otherAdmin, other.superAppId);
    expect(theirs.status).toBe(201);
    expectProblem(await h.api('DELETE', `${hooksUrl()}/${theirs.body.id}`, { cookie: admin }), 404, 'not_found');
    expectProblem(await h.api('POST', `${hooksUrl()}/${theirs.body.id}/test`, { cookie: admin }), 404, 'not_found');
    expectProblem(await h.api('GET', `${hooksUrl()}/${theirs.body.id}/deliveries`, { cookie: admin }), 404, 'not_found');
    expect((await h.api('GET', hooksUrl(other.superAppId), { cookie: otherAdmin })).body.webhooks).toHaveLength(1);
  });

  it('needs a second factor in the session to create or delete, as policy changes do', async () => {
    expectProblem(await create({ url: 'https://siem.example.com/a', events: ['*'] }, passwordOnlyAdmin), 403, 'admin_second_factor_required');
    const hook = await create({ url: 'https://siem.example.com/a', events: ['*'] });
    expectProblem(await h.api('DELETE', `${hooksUrl()}/${hook.body.id}`, { cookie: passwordOnlyAdmin }), 403, 'admin_second_factor_required');
    // Reading needs only the super app's rule.
    expect((await h.api('GET', hooksUrl(), { cookie: passwordOnlyAdmin })).status).toBe(200);
  });

  it('needs a recent password to create', async () => {
    h.clock.advanceSeconds(16 * 60);
    await h.api('GET', '/api/v1/session', { cookie: admin });
    expectProblem(await create({ url: 'https://siem.example.com/a', events: ['*'] }), 401, 'reauthentication_required');
  });

  it.each([
    ['plain http to a public host', 'http://siem.example.com/hooks'],
    ['another scheme', 'ftp://siem.example.com/hooks'],
    ['a user name in the URL', 'https://user:pw@siem.example.com/hooks'],
    ['a private address', 'https://10.1.2.3/hooks'],
    ['a loopback address over https', 'https://127.0.0.2/hooks'],
    ['a link-local address', 'https://169.254.169.254/latest/meta-data'],
    ['a CGNAT address', 'https://100.64.0.1/hooks'],
    ['an IPv6 unique-local address', 'https://[fd00::1]/hooks'],
    ['an IPv4-mapped IPv6 address', 'https://[::ffff:10.0.0.1]/hooks'],
    ['not a URL', 'siem.example.com/hooks'],
  ])('refuses %s with 400 webhook_url_not_allowed', async (_what, url) => {
    expectProblem(await create({ url, events: ['*'] }), 400, 'webhook_url_not_allowed');
    expect((await h.api('GET', hooksUrl(), { cookie: admin })).body.webhooks).toEqual([]);
  });

  it('takes http://localhost only while PUBLIC_URL is unset', async () => {
    expect((await create({ url: 'http://localhost:9000/hooks', events: ['*'] })).status).toBe(201);
    expect((await create({ url: 'http://127.0.0.1:9000/hooks', events: ['*'] })).status).toBe(201);
    h.deps.webhooks = { allowPrivate: false, allowLocalhost: false };
    expectProblem(await create({ url: 'http://localhost:9000/hooks', events: ['*'] }), 400, 'webhook_url_not_allowed');
  });

  it.each([
    ['no events', []],
    ['an unknown event type', ['account.deleted']],
  ])('refuses %s with 400 invalid_request', async (_what, events) => {
    expectProblem(await create({ url: 'https://siem.example.com/a', events }), 400, 'invalid_request');
  });

  it('queues a test event and shows it in the delivery log', async () => {
    const hook = await create({ url: 'https://siem.example.com/a', events: ['policy.changed'] });
    const test = await h.api('POST', `${hooksUrl()}/${hook.body.id}/test`, { cookie: admin });
    expect(test.status).toBe(202);
    const log = await h.api('GET', `${hooksUrl()}/${hook.body.id}/deliveries`, { cookie: admin });
    expect(log.status).toBe(200);
    expect(log.body.deliveries).toEqual([
      expect.objectContaining({ eventId: test.body.eventId, eventType: 'webhook.test', status: 'pending', attempts: 0, lastResponseStatus: null }),
    ]);
  });

  it('queues an audited change for the subscribed webhook of its super app only', async () => {
    const mine = await create({ url: 'https://siem.example.com/mine', events: ['policy.changed'] });
    const notSubscribed = await create({ url: 'https://siem.example.com/resets', events: ['two_factor.reset'] });
    const theirs = await create({ url: 'https://siem.example.com/theirs', events: ['*'] }, otherAdmin, other.superAppId);
    const put = await h.api('PUT', `/api/v1/super-apps/${acme.superAppId}/two-factor-policy`, {
      cookie: admin,
      body: { required: false, primaryMethod: 'totp', secondaryMethod: null, allowDeactivation: true },
    });
    expect(put.status).toBe(200);
    const log = (id: string, cookie = admin, superAppId = acme.superAppId) =>
      h.api('GET', `${hooksUrl(superAppId)}/${id}/deliveries`, { cookie }).then((r) => r.body.deliveries);
    expect(await log(mine.body.id)).toEqual([expect.objectContaining({ eventType: 'policy.changed', status: 'pending' })]);
    expect(await log(notSubscribed.body.id)).toEqual([]);
    expect((await log(theirs.body.id, otherAdmin, other.superAppId)).map((d: { eventType: string }) => d.eventType)).not.toContain('policy.changed');
  });
});
