import { afterEach, beforeEach, expect, it } from 'vitest';
import type { MailMessage } from '../../src/adapters/mailer.js';
import { decodeTotpKey } from '../../src/domain/totp.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, expectProblem, type Harness, PASSWORD } from '../support/harness.js';
import { secondFactorSession } from '../support/authority.js';

const AGENT = 'mpp-audit-test/1.0';
const WITH_AGENT = { 'user-agent': AGENT };
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const OSCAR = 'oscar@example.com';

interface AuditEvent {
  type: string;
  accountId: string | null;
  actorAccountId: string | null;
  superAppId: string | null;
  workspaceId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

/** Two tenants: Acme (alice administers it, bob develops in it) and Other (oscar administers it). */
async function world(h: Harness) {
  const acme = await h.tenant('Acme Super App');
  const other = await h.tenant('Other Super App');
  const alice = await h.member(acme.workspaceId, ALICE, 'admin');
  await h.makeSuperAppAdmin(acme.superAppId, ALICE);
  const bob = await h.member(acme.workspaceId, BOB, 'developer');
  await h.member(other.workspaceId, OSCAR, 'admin');
  await h.makeSuperAppAdmin(other.superAppId, OSCAR);
  return { acme, other, alice, bob };
}

/** A six-digit code that no step in the accepted window (now ± 30 s) produces for `key`. */
function wrongCode(h: Harness, key: Uint8Array): string {
  const window = new Set([h.totp(key, -30), h.totp(key), h.totp(key, 30)]);
  return ['000000', '111111', '222222', '333333'].find((c) => !window.has(c))!;
}

async function challengeFor(h: Harness, email: string, workspaceId?: string): Promise<string> {
  const login = await h.api('POST', '/api/v1/auth/login', {
    body: { email, password: PASSWORD, ...(workspaceId ? { workspaceId } : {}) },
    headers: WITH_AGENT,
  });
  expect(login.body.status).toBe('second_factor_required');
  return login.body.challenge.id;
}

const verify = (h: Harness, id: string, method: string, code: string) =>
  h.api('POST', `/api/v1/auth/challenges/${id}/verify`, { body: { method, code }, headers: WITH_AGENT });

describeEachDialect('2FA audit log (%s)', (dialect) => {
  let h: Harness;
  let w: Awaited<ReturnType<typeof world>>;
  let bob: string;
  let alice: string;

  beforeEach(async () => {
    h = await createHarness(dialect);
    w = await world(h);
    bob = await h.loginSession(BOB);
    alice = await h.loginSession(ALICE);
  });
  afterEach(async () => h?.close());

  /** Activation from Settings with the test user agent; returns everything secret it produced. */
  async function activate(cookie: string) {
    const started = await h.api('POST', '/api/v1/account/two-factor/activation', { cookie, headers: WITH_AGENT });
    const key = decodeTotpKey(started.body.secret);
    const code = h.totp(key);
    const verified = await h.api('POST', '/api/v1/account/two-factor/activation/verify', { cookie, body: { code }, headers: WITH_AGENT });
    expect(verified.status).toBe(200);
    h.clock.advanceSeconds(30);
    return { key, secret: started.body.secret as string, codes: [code], recoveryCodes: verified.body.recoveryCodes as string[] };
  }
  const accountEvents = async (cookie: string): Promise<AuditEvent[]> =>
    (await h.api('GET', '/api/v1/account/audit-events', { cookie, headers: WITH_AGENT })).body.events;
  const superAppEvents = async (superAppId: string, cookie: string): Promise<AuditEvent[]> =>
    (await h.api('GET', `/api/v1/super-apps/${superAppId}/audit-events`, { cookie })).body.events;

  it("lists the account's own events, newest first, with IP and user agent", async () => {
    const { key } = await activate(bob);
    const id = await challengeFor(h, BOB);
    expectProblem(await verify(h, id, 'totp', wrongCode(h, key)), 401, 'invalid_code');
    h.clock.advanceSeconds(30);
    expect((await verify(h, id, 'totp', h.totp(key))).status).toBe(200);

    const response = await h.api('GET', '/api/v1/account/audit-events', { cookie: bob });
    expect(response.status).toBe(200);
    const events: AuditEvent[] = response.body.events;
    expect(events.map((e) => e.type)).toEqual(['second_factor.succeeded', 'second_factor.failed', 'two_factor.activated']);
    for (const event of events) {
      expect(event).toMatchObject({ accountId: w.bob.id, userAgent: AGENT });
      expect(event.ip).toEqual(expect.any(String));
      expect(event.ip).not.toBe('');
    }
    expect(events[0]).toMatchObject({ workspaceId: w.acme.workspaceId, details: { method: 'totp' } });
  });

  it("shows an account none of another account's events", async () => {
    await activate(bob);
    expect(await accountEvents(alice)).toEqual([]);
  });

  it('answers 401 unauthenticated for the account log without a session', async () => {
    expectProblem(await h.api('GET', '/api/v1/account/audit-events'), 401, 'unauthenticated');
  });

  it("shows a super app admin its members' events and its policy changes", async () => {
    // Policy changes need the admin's own second factor in the session (issue 11).
    alice = (await secondFactorSession(h, ALICE)).cookie;
    const put = await h.api('PUT', `/api/v1/super-apps/${w.acme.superAppId}/two-factor-policy`, {
      cookie: alice,
      body: { required: false, primaryMethod: 'email', secondaryMethod: 'totp', allowDeactivation: false },
      headers: WITH_AGENT,
    });
    expect(put.status).toBe(200);
    await activate(bob);

    const response = await h.api('GET', `/api/v1/super-apps/${w.acme.superAppId}/audit-events`, { cookie: alice });
    expect(response.status).toBe(200);
    const events: AuditEvent[] = response.body.events;
    expect(events).toContainEqual(expect.objectContaining({ type: 'two_factor.activated', accountId: w.bob.id, userAgent: AGENT }));
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'policy.changed', superAppId: w.acme.superAppId, actorAccountId: w.alice.id, userAgent: AGENT }),
    );
  });

  it("keeps another super app's policy changes out of a super app's log", async () => {
    // Switching a requirement on needs the admin's own authenticator and a session that passed it (issue 11).
    const { cookie: oscar } = await secondFactorSession(h, OSCAR);
    const put = await h.api('PUT', `/api/v1/super-apps/${w.other.superAppId}/two-factor-policy`, {
      cookie: oscar,
      body: { required: true, primaryMethod: 'email', secondaryMethod: null, allowDeactivation: true },
    });
    expect(put.status).toBe(200);
    expect(await superAppEvents(w.acme.superAppId, alice)).toEqual([]);
    expect((await superAppEvents(w.other.superAppId, oscar)).filter((e) => e.superAppId !== null).map((e) => e.type)).toEqual(['policy.changed']);
  });

  it("keeps a member's sign-ins to another super app's workspaces out of a super app's log", async () => {
    await h.member(w.other.workspaceId, BOB, 'developer');
    const { key } = await activate(bob);
    const id = await challengeFor(h, BOB, w.other.workspaceId);
    await verify(h, id, 'totp', wrongCode(h, key));
    h.clock.advanceSeconds(30);
    expect((await verify(h, id, 'totp', h.totp(key))).status).toBe(200);

    const events = await superAppEvents(w.acme.superAppId, alice);
    expect(events).toContainEqual(expect.objectContaining({ type: 'two_factor.activated', accountId: w.bob.id }));
    const aboutOther = events.filter((e) => e.workspaceId === w.other.workspaceId || e.details.workspaceId === w.other.workspaceId);
    expect(aboutOther).toEqual([]);
  });

  it("refuses the super app log to a member who is not its admin and to another super app's admin", async () => {
    expectProblem(await h.api('GET', `/api/v1/super-apps/${w.acme.superAppId}/audit-events`, { cookie: bob }), 403, 'forbidden');
    const oscar = await h.loginSession(OSCAR);
    expectProblem(await h.api('GET', `/api/v1/super-apps/${w.acme.superAppId}/audit-events`, { cookie: oscar }), 403, 'forbidden');
    expectProblem(await h.api('GET', `/api/v1/super-apps/${w.acme.superAppId}/audit-events`), 401, 'unauthenticated');
  });

  it('never writes a code, secret or password into an event', async () => {
    const { key, secret, codes, recoveryCodes } = await activate(bob);
    const id = await challengeFor(h, BOB);
    const wrong = wrongCode(h, key);
    await verify(h, id, 'totp', wrong);
    await verify(h, id, 'recovery_code', recoveryCodes[0]!);
    codes.push(h.totp(key));
    const regenerated = await h.api('POST', '/api/v1/account/two-factor/recovery-codes', { cookie: bob, body: { password: PASSWORD, code: h.totp(key) } });
    expect(regenerated.status).toBe(200);
    h.clock.advanceSeconds(60);
    await h.api('POST', '/api/v1/account/two-factor/deactivation/email-code', { cookie: bob });
    const emailCode = h.mailer.lastCode(BOB);
    const off = await h.api('POST', '/api/v1/account/two-factor/deactivation', { cookie: bob, body: { password: PASSWORD, method: 'email', code: emailCode } });
    expect(off.status).toBe(200);

    const everything = JSON.stringify([...(await accountEvents(bob)), ...(await superAppEvents(w.acme.superAppId, alice))]);
    expect(everything).toContain('two_factor.deactivated');
    for (const needle of [secret, wrong, emailCode, PASSWORD, ...codes, ...recoveryCodes, ...regenerated.body.recoveryCodes]) {
      expect(everything).not.toContain(needle);
    }
  });
});

describeEachDialect('security emails (%s)', (dialect) => {
  let h: Harness;
  let w: Awaited<ReturnType<typeof world>>;
  let bob: string;
  let key: Uint8Array;
  /** Everything secret Bob was shown, which no notice may repeat. */
  let secrets: string[];

  beforeEach(async () => {
    h = await createHarness(dialect);
    w = await world(h);
    bob = await h.loginSession(BOB);
    const activation = await h.activateTotp(bob);
    key = activation.key;
    secrets = [activation.secret, ...activation.recoveryCodes];
  });
  afterEach(async () => h?.close());

  function notices(subject: RegExp): MailMessage[] {
    return h.mailer.to(BOB).filter((m) => subject.test(m.subject));
  }
  /** The one notice matching `subject`, checked to carry no code, secret or recovery code. */
  function expectOneCleanNotice(subject: RegExp): void {
    const found = notices(subject);
    expect(found).toHaveLength(1);
    const text = `${found[0]!.subject}\n${found[0]!.text}`;
    expect(text).not.toMatch(/\b\d{6}\b/);
    for (const secret of secrets) expect(text).not.toContain(secret);
  }

  it('tells the account that 2FA was turned on', async () => {
    expectOneCleanNotice(/turned on/i);
  });

  it('tells the account that 2FA was turned off', async () => {
    const off = await h.api('POST', '/api/v1/account/two-factor/deactivation', {
      cookie: bob,
      body: { password: PASSWORD, method: 'totp', code: h.totp(key) },
    });
    expect(off.status).toBe(200);
    expectOneCleanNotice(/turned off/i);
  });

  it('tells the account that new recovery codes were created', async () => {
    const response = await h.api('POST', '/api/v1/account/two-factor/recovery-codes', { cookie: bob, body: { password: PASSWORD, code: h.totp(key) } });
    expect(response.status).toBe(200);
    secrets.push(...response.body.recoveryCodes);
    expectOneCleanNotice(/recovery codes/i);
  });

  it('tells the account that a recovery code signed in', async () => {
    const id = await challengeFor(h, BOB);
    expect((await verify(h, id, 'recovery_code', secrets[1]!)).status).toBe(200);
    expectOneCleanNotice(/recovery code was used/i);
  });

  it('tells the account that its 2FA was reset by an admin', async () => {
    const alice = (await secondFactorSession(h, ALICE)).cookie;
    const reset = await h.api('POST', `/api/v1/workspaces/${w.acme.workspaceId}/members/${w.bob.id}/two-factor/reset`, { cookie: alice });
    expect(reset.status).toBe(200);
    expectOneCleanNotice(/reset/i);
  });

  it('locks verification after 10 wrong codes across challenges, emails once and unlocks later', async () => {
    const [first, second, later] = [await challengeFor(h, BOB), await challengeFor(h, BOB), await challengeFor(h, BOB)];
    const wrong = wrongCode(h, key);
    for (let i = 0; i < 5; i += 1) expectProblem(await verify(h, first!, 'totp', wrong), 401, 'invalid_code');
    for (let i = 0; i < 4; i += 1) expectProblem(await verify(h, second!, 'totp', wrong), 401, 'invalid_code');
    const tenth = await verify(h, second!, 'totp', wrong);
    expectProblem(tenth, 429, 'too_many_attempts');
    expect(tenth.headers['retry-after']).toBe('60');
    expect(tenth.body.retryAfterSeconds).toBe(60);

    // A correct code is refused while locked, and does not send another email.
    const refused = await verify(h, later!, 'totp', h.totp(key));
    expectProblem(refused, 429, 'too_many_attempts');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expectOneCleanNotice(/locked/i);

    h.clock.advanceSeconds(60);
    expect((await verify(h, later!, 'totp', h.totp(key))).status).toBe(200);
    expect(notices(/locked/i)).toHaveLength(1);
    const events = (await h.api('GET', '/api/v1/account/audit-events', { cookie: bob })).body.events as AuditEvent[];
    expect(events.filter((e) => e.type === 'second_factor.locked')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'second_factor.failed')).toHaveLength(10);
  });
});
