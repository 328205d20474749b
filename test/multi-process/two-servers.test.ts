/**
 * Issue "PostgreSQL store and many stateless instances": two real `mpp-2fa serve`
 * processes share one PostgreSQL database and one SECRET_KEY; every guarantee that rests on
 * shared state (TOTP replay, challenge attempts, account lockout, sessions, email resend
 * cooldown) must hold when a client alternates between them.
 *
 * Needs PostgreSQL (TEST_DATABASE_URL); skipped locally without it, an error under CI=true
 * (test/support/database.ts). Servers run on real time: a code for now+30 s is the next
 * step, fresh after the code for now was used.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchTotpStep } from '../../src/domain/totp.js';
import {
  activateTotp,
  createDeployment,
  type Deployment,
  describeResult,
  ensureBuilt,
  freePort,
  http,
  type HttpResult,
  login,
  loginSession,
  mapLimit,
  PASSWORD,
  POSTGRES_URL,
  ServerProcess,
  SKIP_REASON,
  startChallenge,
  totpCode,
  verifyChallenge,
  wrongCode,
} from './servers.js';

const EMAILS = {
  replay: 'replay@example.com',
  burst: 'burst@example.com',
  attempts: 'attempts@example.com',
  lockout: 'lockout@example.com',
  parallelLockout: 'parallel-lockout@example.com',
  logout: 'logout@example.com',
  email: 'email-code@example.com',
} as const;

function expectProblem(response: HttpResult, status: number, code: string): void {
  expect(response.status, describeResult(response)).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.code).toBe(code);
}

function expectRetryAfter(response: HttpResult, maxSeconds: number): void {
  const header = response.headers.get('retry-after');
  expect(header, `Retry-After on ${describeResult(response)}`).toMatch(/^\d+$/);
  expect(Number(header)).toBeGreaterThan(0);
  expect(Number(header)).toBeLessThanOrEqual(maxSeconds);
}

describe.skipIf(!POSTGRES_URL)(`two mpp-2fa serve processes on one PostgreSQL database${SKIP_REASON}`, () => {
  let deployment: Deployment | undefined;
  let A: ServerProcess | undefined;
  let B: ServerProcess | undefined;
  let db: pg.Client;
  /** Workspace of a super app with the default policy (2FA optional). */
  let openWorkspaceId: string;
  /** Workspace of a super app that requires an email code. */
  let emailWorkspaceId: string;

  const a = () => A!.url;
  const b = () => B!.url;

  beforeAll(async () => {
    await ensureBuilt();
    deployment = await createDeployment();
    const d = deployment;
    const portA = await freePort();
    let portB = await freePort();
    for (let i = 0; i < 10 && portB === portA; i += 1) portB = await freePort();
    A = new ServerProcess('server A', portA, d.env);
    B = new ServerProcess('server B', portB, d.env);

    // The first CLI command migrates the fresh database; everything after runs alongside.
    const openApp = await d.cli(['super-app', 'create', '--name', 'Open Tenant']);
    const [, , openWorkspace, emailWorkspace] = await Promise.all([
      A.start(),
      B.start(),
      d.cli(['workspace', 'create', '--super-app', openApp.id, '--name', 'Open Workspace']),
      (async () => {
        const emailApp = await d.cli(['super-app', 'create', '--name', 'Email Tenant']);
        const policy = await d.cli(['super-app', 'policy', '--super-app', emailApp.id, '--required', 'true', '--primary', 'email']);
        expect(policy).toMatchObject({ required: true, primaryMethod: 'email' });
        return d.cli(['workspace', 'create', '--super-app', emailApp.id, '--name', 'Email Workspace']);
      })(),
      mapLimit(Object.values(EMAILS), 2, (email) =>
        d.cli(['account', 'create', '--email', email, '--name', email.split('@')[0]!, '--password-stdin'], `${PASSWORD}\n`),
      ),
    ]);
    openWorkspaceId = openWorkspace.id;
    emailWorkspaceId = emailWorkspace.id;
    await mapLimit(Object.values(EMAILS), 2, (email) =>
      d.cli(['member', 'add', '--workspace', email === EMAILS.email ? emailWorkspaceId : openWorkspaceId, '--email', email, '--role', 'developer']),
    );
    db = await d.database.client();
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled([A?.kill(), B?.kill()]);
    await deployment?.dispose();
  });

  async function accountId(email: string): Promise<string> {
    const { rows } = await db.query('SELECT id FROM accounts WHERE email_key = $1', [email]);
    return rows[0].id;
  }

  /** Password session on A, activation started on `start` and confirmed on `confirm`. */
  async function withAuthenticator(email: string, start: string, confirm: string) {
    return activateTotp(start, confirm, await loginSession(a(), email));
  }

  it('a TOTP code accepted by server A is refused by server B on a new challenge', async () => {
    const { key } = await withAuthenticator(EMAILS.replay, a(), b());
    const code = totpCode(key, 30);

    const accepted = await verifyChallenge(a(), await startChallenge(a(), EMAILS.replay), code);
    expect(accepted.status, describeResult(accepted)).toBe(200);
    expect(accepted.body.status).toBe('authenticated');
    expect(accepted.sessionCookie).toBeDefined();

    const replayed = await verifyChallenge(b(), await startChallenge(b(), EMAILS.replay), code);
    expectProblem(replayed, 401, 'invalid_code');
    expect(replayed.body.attemptsRemaining).toBe(4);
    expect(replayed.sessionCookie).toBeUndefined();
    // The code was still inside the TOTP window after the replay (so also during it): B
    // refused it because A had spent it, not because it had expired.
    expect(matchTotpStep(key, code, new Date()), 'the replayed code is still inside the window').not.toBeNull();
  });

  it('parallel verifies of one valid code over 20 challenges on both servers: exactly one 200', async () => {
    const { key } = await withAuthenticator(EMAILS.burst, b(), a());
    const id = await accountId(EMAILS.burst);
    const servers = [a(), b()];
    // Logged in one after another: password attempts still being checked count against the
    // account, so more than 5 logins at the same instant are refused (password-burst.test.ts).
    const challenges: string[] = [];
    for (let i = 0; i < 20; i += 1) challenges.push(await startChallenge(servers[i % 2]!, EMAILS.burst));
    const code = totpCode(key, 30);

    // Each challenge is verified on the server that did not create it; half go to each.
    const results = await Promise.all(challenges.map((challenge, i) => verifyChallenge(servers[(i + 1) % 2]!, challenge, code)));

    const summary = results.map(describeResult).join('\n');
    expect(
      results.filter((r) => r.status === 200),
      summary,
    ).toHaveLength(1);
    for (const refused of results.filter((r) => r.status !== 200)) {
      // Losers are wrong codes (401); once they add up to the lockout threshold, 429.
      expect([401, 429], describeResult(refused)).toContain(refused.status);
      expect(['invalid_code', 'too_many_attempts']).toContain(refused.body.code);
      expect(refused.sessionCookie).toBeUndefined();
    }
    const done = await db.query("SELECT count(*)::int AS n FROM challenges WHERE account_id = $1 AND status = 'done'", [id]);
    expect(done.rows[0].n).toBe(1);
    const sessions = await db.query('SELECT count(*)::int AS n FROM sessions WHERE account_id = $1 AND second_factor_verified = 1', [id]);
    expect(sessions.rows[0].n).toBe(1);
  });

  it('the attempt limit of one challenge counts wrong codes from both servers', async () => {
    const { key } = await withAuthenticator(EMAILS.attempts, a(), a());
    const challenge = await startChallenge(a(), EMAILS.attempts);
    const bad = wrongCode(key);

    for (let i = 0; i < 5; i += 1) {
      const response = await verifyChallenge(i % 2 === 0 ? a() : b(), challenge, bad);
      expectProblem(response, 401, 'invalid_code');
      expect(response.body.attemptsRemaining).toBe(4 - i);
    }
    expectProblem(await verifyChallenge(b(), challenge, bad), 410, 'challenge_expired');
    // Dead for the right code too, on either server.
    expectProblem(await verifyChallenge(a(), challenge, totpCode(key, 30)), 410, 'challenge_expired');

    const { rows } = await db.query('SELECT status, failures FROM challenges WHERE account_id = $1', [await accountId(EMAILS.attempts)]);
    expect(rows).toEqual([{ status: 'dead', failures: 5 }]);
  });

  it('the account lockout counts wrong codes from both servers and holds on both', async () => {
    const { key } = await withAuthenticator(EMAILS.lockout, b(), b());
    const id = await accountId(EMAILS.lockout);
    const bad = wrongCode(key);
    const answers: HttpResult[] = [];
    for (const [creator, first] of [
      [a(), 0],
      [b(), 1],
    ] as const) {
      const challenge = await startChallenge(creator, EMAILS.lockout);
      for (let i = 0; i < 5; i += 1) answers.push(await verifyChallenge((first + i) % 2 === 0 ? a() : b(), challenge, bad));
    }
    for (const response of answers.slice(0, 9)) expectProblem(response, 401, 'invalid_code');
    // The tenth wrong code starts the lock (it may already answer 429).
    expect([401, 429], describeResult(answers[9]!)).toContain(answers[9]!.status);

    const before = await db.query('SELECT totp_last_step, second_factor_failures, second_factor_locked_until FROM accounts WHERE id = $1', [id]);
    expect(before.rows[0].second_factor_failures).toBe(10);
    expect(Date.parse(before.rows[0].second_factor_locked_until)).toBeGreaterThan(Date.now());

    // Now even the right code is refused, whichever server gets it.
    const fresh = totpCode(key, 30);
    for (const server of [a(), b()]) {
      const started = await login(server, EMAILS.lockout);
      let refused = started;
      if (started.status === 200) {
        expect(started.body.status, describeResult(started)).toBe('second_factor_required');
        refused = await verifyChallenge(server, started.body.challenge.id, fresh);
      }
      expectProblem(refused, 429, 'too_many_attempts');
      expectRetryAfter(refused, 60);
      expect(refused.sessionCookie).toBeUndefined();
    }
    // The refused right code was not used up, and no second-factor session exists.
    const after = await db.query('SELECT totp_last_step FROM accounts WHERE id = $1', [id]);
    expect(after.rows[0].totp_last_step).toBe(before.rows[0].totp_last_step);
    const sessions = await db.query('SELECT count(*)::int AS n FROM sessions WHERE account_id = $1 AND second_factor_verified = 1', [id]);
    expect(sessions.rows[0].n).toBe(0);
  });

  it('wrong codes fired in parallel at both servers cannot outrun the lockout', async () => {
    const { key } = await withAuthenticator(EMAILS.parallelLockout, a(), b());
    const id = await accountId(EMAILS.parallelLockout);
    const servers = [a(), b()];
    // Logged in one after another: password attempts still being checked count against the
    // account, so more than 5 logins at the same instant are refused (password-burst.test.ts).
    const challenges: string[] = [];
    for (let i = 0; i < 20; i += 1) challenges.push(await startChallenge(servers[i % 2]!, EMAILS.parallelLockout));
    const bad = wrongCode(key);

    const results = await Promise.all(challenges.map((challenge, i) => verifyChallenge(servers[(i + 1) % 2]!, challenge, bad)));

    const summary = results.map(describeResult).join('\n');
    for (const r of results) expect([401, 429], describeResult(r)).toContain(r.status);
    // Ten wrong codes lock verification: at most nine can be answered "wrong code, try
    // again"; every later one must meet the lock, however the requests interleave.
    expect(results.filter((r) => r.status === 401).length, summary).toBeLessThanOrEqual(9);
    const { rows } = await db.query('SELECT second_factor_failures FROM accounts WHERE id = $1', [id]);
    expect(rows[0].second_factor_failures, 'wrong codes actually checked against the secret').toBeLessThanOrEqual(10);
  });

  it('logout on server A ends the session on server B', async () => {
    const cookie = await loginSession(a(), EMAILS.logout);
    const seen = await http(b(), 'GET', '/api/v1/session', { cookie });
    expect(seen.status, describeResult(seen)).toBe(200);
    expect(seen.body.account.email).toBe(EMAILS.logout);

    const out = await http(a(), 'POST', '/api/v1/auth/logout', { cookie });
    expect(out.status, describeResult(out)).toBe(204);

    expectProblem(await http(b(), 'GET', '/api/v1/session', { cookie }), 401, 'unauthenticated');
    expectProblem(await http(a(), 'GET', '/api/v1/session', { cookie }), 401, 'unauthenticated');
  });

  it('the email-code resend cooldown holds across servers (one email sent)', async () => {
    const first = await login(a(), EMAILS.email, emailWorkspaceId);
    expect(first.body.status, describeResult(first)).toBe('second_factor_required');
    expect(first.body.challenge.methods).toContain('email');
    const sent = await http(a(), 'POST', `/api/v1/auth/challenges/${encodeURIComponent(first.body.challenge.id)}/email-code`);
    expect(sent.status, describeResult(sent)).toBe(202);
    expect(sent.body.resendAfterSeconds).toBe(60);

    const second = await login(b(), EMAILS.email, emailWorkspaceId);
    expect(second.body.status, describeResult(second)).toBe('second_factor_required');
    const again = await http(b(), 'POST', `/api/v1/auth/challenges/${encodeURIComponent(second.body.challenge.id)}/email-code`);
    expectProblem(again, 429, 'resend_too_soon');
    expectRetryAfter(again, 60);

    const mails = deployment!.outboxFor(EMAILS.email);
    expect(mails, mails.join(', ')).toHaveLength(1);

    // The code server A mailed passes the first challenge on server B.
    const text = readFileSync(join(deployment!.dataDir, 'outbox', mails[0]!), 'utf8');
    const code = /verification code is (\d{6})/.exec(text)?.[1];
    expect(code, text).toBeDefined();
    const verified = await verifyChallenge(b(), first.body.challenge.id, code!, 'email');
    expect(verified.status, describeResult(verified)).toBe(200);
    expect(verified.sessionCookie).toBeDefined();
  });
});
