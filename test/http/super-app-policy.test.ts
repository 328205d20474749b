import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { secondFactorSession } from '../support/authority.js';

const DEFAULT_POLICY = {
  required: false,
  primaryMethod: 'totp',
  secondaryMethod: null,
  allowDeactivation: true,
  phishingResistantOnly: false,
  rememberDeviceDays: 30,
};
const EMAIL_POLICY = {
  required: true,
  primaryMethod: 'email',
  secondaryMethod: 'totp',
  allowDeactivation: false,
  phishingResistantOnly: false,
  rememberDeviceDays: 0,
};

describeEachDialect('super app 2FA policy API (%s)', (dialect) => {
  let h: Harness;
  let acme: { superAppId: string; workspaceId: string };
  let other: { superAppId: string; workspaceId: string };
  /** Sessions: Acme's super app admin, an Acme developer, an Acme workspace admin, the other super app's admin. */
  let admin: string;
  let developer: string;
  let workspaceAdmin: string;
  let otherAdmin: string;
  const policyUrl = () => `/api/v1/super-apps/${acme.superAppId}/two-factor-policy`;

  beforeEach(async () => {
    h = await createHarness(dialect);
    acme = await h.tenant('Acme Super App');
    other = await h.tenant('Other Super App');
    await h.member(acme.workspaceId, 'alice@example.com', 'admin');
    await h.makeSuperAppAdmin(acme.superAppId, 'alice@example.com');
    await h.member(acme.workspaceId, 'bob@example.com', 'developer');
    await h.member(acme.workspaceId, 'dave@example.com', 'admin');
    await h.member(other.workspaceId, 'carol@example.com', 'admin');
    await h.makeSuperAppAdmin(other.superAppId, 'carol@example.com');
    // Policy changes need the admin's own second factor in the session (issue 11).
    admin = (await secondFactorSession(h, 'alice@example.com')).cookie;
    developer = await h.loginSession('bob@example.com');
    workspaceAdmin = await h.loginSession('dave@example.com');
    otherAdmin = await h.loginSession('carol@example.com');
  });
  afterEach(async () => h?.close());

  it('shows a never-configured super app its default policy', async () => {
    const response = await h.api('GET', policyUrl(), { cookie: admin });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.body).toEqual(DEFAULT_POLICY);
  });

  it('lets the super app admin replace the policy and read it back', async () => {
    const put = await h.api('PUT', policyUrl(), { cookie: admin, body: EMAIL_POLICY });
    expect(put.status).toBe(200);
    expect(put.body).toEqual(EMAIL_POLICY);
    const get = await h.api('GET', policyUrl(), { cookie: admin });
    expect(get.body).toEqual(EMAIL_POLICY);
    const untouched = await h.api('GET', `/api/v1/super-apps/${other.superAppId}/two-factor-policy`, { cookie: otherAdmin });
    expect(untouched.body).toEqual(DEFAULT_POLICY);
  });

  it('writes a policy.changed audit event naming the admin, before and after', async () => {
    await h.api('PUT', policyUrl(), { cookie: admin, body: EMAIL_POLICY, headers: { 'user-agent': 'policy-test/1.0' } });
    const audit = await h.api('GET', `/api/v1/super-apps/${acme.superAppId}/audit-events`, { cookie: admin });
    expect(audit.status).toBe(200);
    const changes = audit.body.events.filter((e: { type: string }) => e.type === 'policy.changed');
    expect(changes).toHaveLength(1);
    const alice = (await h.api('GET', '/api/v1/session', { cookie: admin })).body.account;
    expect(changes[0]).toMatchObject({
      superAppId: acme.superAppId,
      actorAccountId: alice.id,
      userAgent: 'policy-test/1.0',
      details: { before: DEFAULT_POLICY, after: EMAIL_POLICY },
    });
  });

  it.each([
    ['a developer of its workspace', () => developer],
    ['a workspace admin who does not administer the super app', () => workspaceAdmin],
    ['the admin of another super app', () => otherAdmin],
  ])('refuses %s with 403 forbidden, reading or writing', async (_who, session) => {
    const get = await h.api('GET', policyUrl(), { cookie: session() });
    expectProblem(get, 403, 'forbidden');
    const put = await h.api('PUT', policyUrl(), { cookie: session(), body: EMAIL_POLICY });
    expectProblem(put, 403, 'forbidden');
    expect((await h.api('GET', policyUrl(), { cookie: admin })).body).toEqual(DEFAULT_POLICY);
  });

  it('answers 403 for a super app that does not exist, so ids cannot be probed', async () => {
    const response = await h.api('GET', '/api/v1/super-apps/no-such-super-app/two-factor-policy', { cookie: admin });
    expectProblem(response, 403, 'forbidden');
  });

  it('answers 401 unauthenticated without a session', async () => {
    expectProblem(await h.api('GET', policyUrl()), 401, 'unauthenticated');
    expectProblem(await h.api('PUT', policyUrl(), { body: EMAIL_POLICY }), 401, 'unauthenticated');
    await h.api('POST', '/api/v1/auth/logout', { cookie: admin });
    expectProblem(await h.api('PUT', policyUrl(), { cookie: admin, body: EMAIL_POLICY }), 401, 'unauthenticated');
  });

  it('applies a new policy to the next login of a member', async () => {
    const before = await h.api('POST', '/api/v1/auth/login', { body: { email: 'bob@example.com', password: PASSWORD } });
    expect(before.body.status).toBe('authenticated');
    await h.api('PUT', policyUrl(), { cookie: admin, body: { required: true, primaryMethod: 'email', secondaryMethod: null, allowDeactivation: true } });
    const after = await h.api('POST', '/api/v1/auth/login', { body: { email: 'bob@example.com', password: PASSWORD } });
    expect(after.status).toBe(200);
    expect(after.sessionCookie).toBeUndefined();
    expect(after.body.status).toBe('second_factor_required');
    expect(after.body.challenge).toMatchObject({ methods: ['email'], primaryMethod: 'email', reason: 'super_app_policy' });
  });

  it('leaves members of other super apps untouched', async () => {
    await h.api('PUT', policyUrl(), { cookie: admin, body: EMAIL_POLICY });
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: 'carol@example.com', password: PASSWORD } });
    expect(login.body.status).toBe('authenticated');
  });

  it('asks an account with its own authenticator for it, whatever the super app requires', async () => {
    const { key } = await h.activateTotp(developer);
    await h.api('PUT', policyUrl(), { cookie: admin, body: EMAIL_POLICY });
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: 'bob@example.com', password: PASSWORD } });
    expect(login.body.status).toBe('second_factor_required');
    expect(login.body.challenge).toMatchObject({ methods: ['totp', 'recovery_code'], primaryMethod: 'totp', reason: 'account_two_factor' });
    const verified = await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, { body: { method: 'totp', code: h.totp(key) } });
    expect(verified.status).toBe(200);
  });
});

// Refused bodies change nothing, so one harness serves the whole table.
describeEachDialect('super app 2FA policy validation (%s)', (dialect) => {
  let h: Harness;
  let superAppId: string;
  let admin: string;

  beforeAll(async () => {
    h = await createHarness(dialect);
    const tenant = await h.tenant('Acme Super App');
    superAppId = tenant.superAppId;
    await h.member(tenant.workspaceId, 'alice@example.com', 'admin');
    await h.makeSuperAppAdmin(superAppId, 'alice@example.com');
    admin = (await secondFactorSession(h, 'alice@example.com')).cookie;
  });
  afterAll(async () => h?.close());
  const policyUrl = () => `/api/v1/super-apps/${superAppId}/two-factor-policy`;

  it.each<[string, unknown]>([
    ['secondary equal to primary (totp)', { required: true, primaryMethod: 'totp', secondaryMethod: 'totp', allowDeactivation: true }],
    ['secondary equal to primary (email)', { required: true, primaryMethod: 'email', secondaryMethod: 'email', allowDeactivation: true }],
    ['an unknown primary method', { required: true, primaryMethod: 'sms', secondaryMethod: null, allowDeactivation: true }],
    ['an unknown secondary method', { required: true, primaryMethod: 'totp', secondaryMethod: 'sms', allowDeactivation: true }],
    ['"none" instead of null', { required: true, primaryMethod: 'totp', secondaryMethod: 'none', allowDeactivation: true }],
    ['a missing allowDeactivation', { required: true, primaryMethod: 'totp', secondaryMethod: null }],
    ['a missing secondaryMethod', { required: true, primaryMethod: 'email', allowDeactivation: true }],
    ['a missing required', { primaryMethod: 'email', secondaryMethod: null, allowDeactivation: true }],
    ['an extra field', { ...EMAIL_POLICY, backupMethod: 'sms' }],
    ['required as a string', { ...EMAIL_POLICY, required: 'true' }],
    ['allowDeactivation as a number', { ...EMAIL_POLICY, allowDeactivation: 1 }],
    ['primaryMethod as a number', { ...EMAIL_POLICY, primaryMethod: 1 }],
    ['an array', [EMAIL_POLICY]],
    ['an empty object', {}],
  ])('refuses %s with 400 invalid_request and keeps the policy', async (_case, body) => {
    const response = await h.api('PUT', policyUrl(), { cookie: admin, body });
    expectProblem(response, 400, 'invalid_request');
    expect((await h.api('GET', policyUrl(), { cookie: admin })).body).toEqual(DEFAULT_POLICY);
    const audit = await h.api('GET', `/api/v1/super-apps/${superAppId}/audit-events`, { cookie: admin });
    expect(audit.body.events.filter((e: { type: string }) => e.type === 'policy.changed')).toEqual([]);
  });

  it('refuses a body that is not JSON with 400 invalid_request', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: policyUrl(),
      headers: { cookie: `mpp_session=${admin}`, 'content-type': 'application/json' },
      payload: '{"required": tru',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().code).toBe('invalid_request');
  });

  it('refuses a PUT without a body with 400 invalid_request', async () => {
    expectProblem(await h.api('PUT', policyUrl(), { cookie: admin }), 400, 'invalid_request');
    expect((await h.api('GET', policyUrl(), { cookie: admin })).body).toEqual(DEFAULT_POLICY);
  });
});
