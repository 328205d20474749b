import { afterEach, expect, it } from 'vitest';
import { createAccount } from '../../src/services/operator.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD, setCookieLines } from '../support/harness.js';

const LOGIN = '/api/v1/auth/login';

describeEachDialect('login (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('a password-only login sets an HttpOnly SameSite=Lax mpp_session cookie (and the device cookie)', async () => {
    h = await createHarness(dialect);
    const { workspaceId, superAppId } = await h.tenant('Acme');
    const alice = await h.member(workspaceId, 'alice@example.com');

    const response = await h.api('POST', LOGIN, { body: { email: 'alice@example.com', password: PASSWORD } });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.body).toEqual({
      status: 'authenticated',
      account: { id: alice.id, email: 'alice@example.com', name: 'alice' },
      workspace: { id: workspaceId, name: expect.any(String), role: 'admin', superApp: { id: superAppId, name: 'Acme' } },
    });
    const lines = setCookieLines(response);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^mpp_device=/);
    const attributes = lines[0]!.split(';').map((part) => part.trim());
    expect(attributes[0]).toMatch(/^mpp_session=[A-Za-z0-9_-]{32,}$/);
    expect(attributes).toContain('HttpOnly');
    expect(attributes).toContain('SameSite=Lax');
    expect(attributes).toContain('Path=/');
    // Plain http (no PUBLIC_URL): the cookie must still reach the server, so no Secure flag.
    expect(attributes).not.toContain('Secure');

    const session = await h.api('GET', '/api/v1/session', { cookie: response.sessionCookie });
    expect(session.status).toBe(200);
    expect(session.body.account.id).toBe(alice.id);
    expect(session.body.secondFactorVerified).toBe(false);
  });

  it('unknown email and wrong password give byte-identical 401 invalid_credentials answers', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant();
    await h.member(workspaceId, 'alice@example.com');

    const raw = (body: object) => h.app.inject({ method: 'POST', url: LOGIN, payload: body });
    const unknown = await raw({ email: 'nobody@example.com', password: PASSWORD });
    const wrong = await raw({ email: 'alice@example.com', password: 'not the password' });

    for (const response of [unknown, wrong]) {
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('invalid_credentials');
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.headers['content-type']).toBe(unknown.headers['content-type']);
    expect(wrong.headers['content-length']).toBe(unknown.headers['content-length']);
  });

  it('the email is compared case-insensitively', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant();
    const alice = await h.member(workspaceId, 'Alice@Example.com');

    for (const email of ['alice@example.com', 'ALICE@EXAMPLE.COM', 'aLiCe@eXaMpLe.CoM']) {
      const response = await h.api('POST', LOGIN, { body: { email, password: PASSWORD } });
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('authenticated');
      expect(response.body.account.id).toBe(alice.id);
      expect(response.sessionCookie).toBeDefined();
    }
  });

  it('the password is compared exactly (case matters)', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant();
    await h.member(workspaceId, 'alice@example.com');

    const response = await h.api('POST', LOGIN, { body: { email: 'alice@example.com', password: PASSWORD.toUpperCase() } });
    expectProblem(response, 401, 'invalid_credentials');
  });

  it('workspaceId picks the workspace; without it the first membership is used', async () => {
    h = await createHarness(dialect);
    const first = await h.tenant('First SA');
    const second = await h.tenant('Second SA');
    await h.member(first.workspaceId, 'alice@example.com', 'admin');
    h.clock.advanceSeconds(1);
    await h.member(second.workspaceId, 'alice@example.com', 'developer');

    const chosen = await h.api('POST', LOGIN, { body: { email: 'alice@example.com', password: PASSWORD, workspaceId: second.workspaceId } });
    expect(chosen.status).toBe(200);
    expect(chosen.body.workspace).toMatchObject({ id: second.workspaceId, role: 'developer', superApp: { id: second.superAppId, name: 'Second SA' } });
    const session = await h.api('GET', '/api/v1/session', { cookie: chosen.sessionCookie });
    expect(session.body.workspace.id).toBe(second.workspaceId);
    expect(session.body.workspace.role).toBe('developer');

    const fallback = await h.api('POST', LOGIN, { body: { email: 'alice@example.com', password: PASSWORD } });
    expect(fallback.status).toBe(200);
    expect(fallback.body.workspace.id).toBe(first.workspaceId);
  });

  it('a workspace the account is not a member of answers 403 not_a_member, without a cookie', async () => {
    h = await createHarness(dialect);
    const mine = await h.tenant();
    const theirs = await h.tenant();
    await h.member(mine.workspaceId, 'alice@example.com');
    await h.member(theirs.workspaceId, 'bob@example.com');

    for (const workspaceId of [theirs.workspaceId, 'no-such-workspace']) {
      const response = await h.api('POST', LOGIN, { body: { email: 'alice@example.com', password: PASSWORD, workspaceId } });
      expectProblem(response, 403, 'not_a_member');
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it('a wrong password with a foreign workspaceId still says invalid_credentials (membership is not revealed)', async () => {
    h = await createHarness(dialect);
    const mine = await h.tenant();
    const theirs = await h.tenant();
    await h.member(mine.workspaceId, 'alice@example.com');

    const response = await h.api('POST', LOGIN, { body: { email: 'alice@example.com', password: 'wrong password', workspaceId: theirs.workspaceId } });
    expectProblem(response, 401, 'invalid_credentials');
  });

  it('an account with no workspace cannot log in (403 not_a_member)', async () => {
    h = await createHarness(dialect);
    await h.tenant();
    await createAccount(h.deps, { email: 'loner@example.com', name: 'Loner', password: PASSWORD });

    const response = await h.api('POST', LOGIN, { body: { email: 'loner@example.com', password: PASSWORD } });
    expectProblem(response, 403, 'not_a_member');
    expect(response.headers['set-cookie']).toBeUndefined();
    const sessions = await h.deps.db.selectFrom('sessions').select('id').execute();
    expect(sessions).toHaveLength(0);
  });

  it('with its own TOTP active, login asks for the second factor and sets no cookie at all', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, 'alice@example.com');
    await h.activateTotp(await h.loginSession('alice@example.com'));
    const sessionsBefore = await h.deps.db.selectFrom('sessions').select('id').execute();

    const response = await h.api('POST', LOGIN, { body: { email: 'alice@example.com', password: PASSWORD } });

    expect(response.status).toBe(200);
    expect(response.body.status).toBe('second_factor_required');
    expect(response.body.challenge).toMatchObject({
      id: expect.any(String),
      methods: ['totp', 'recovery_code'],
      primaryMethod: 'totp',
    });
    expect(response.body.challenge.id.length).toBeGreaterThanOrEqual(32);
    expect(response.body).not.toHaveProperty('account');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.sessionCookie).toBeUndefined();
    const sessionsAfter = await h.deps.db.selectFrom('sessions').select('id').execute();
    expect(sessionsAfter).toEqual(sessionsBefore);
  });

  it("the challenge's expiresAt is exactly 5 minutes ahead", async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant();
    await h.member(workspaceId, 'alice@example.com');
    await h.activateTotp(await h.loginSession('alice@example.com'));

    const response = await h.api('POST', LOGIN, { body: { email: 'alice@example.com', password: PASSWORD } });
    const expiresAt = Date.parse(response.body.challenge.expiresAt);
    expect(expiresAt - h.clock.now().getTime()).toBe(5 * 60 * 1000);
    expect(response.body.challenge.expiresAt).toBe(new Date(expiresAt).toISOString());
  });

  it('the challenge id is not stored in plaintext', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant();
    await h.member(workspaceId, 'alice@example.com');
    await h.activateTotp(await h.loginSession('alice@example.com'));

    const response = await h.api('POST', LOGIN, { body: { email: 'alice@example.com', password: PASSWORD } });
    const rows = await h.deps.db.selectFrom('challenges').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(response.body.challenge.id);
  });

  it('a wrong password for an account with TOTP gives invalid_credentials and no challenge', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant();
    await h.member(workspaceId, 'alice@example.com');
    await h.activateTotp(await h.loginSession('alice@example.com'));

    const response = await h.api('POST', LOGIN, { body: { email: 'alice@example.com', password: 'wrong password' } });
    expectProblem(response, 401, 'invalid_credentials');
    expect(response.body).not.toHaveProperty('challenge');
    const challenges = await h.deps.db.selectFrom('challenges').select('id').execute();
    expect(challenges).toHaveLength(0);
  });
});
