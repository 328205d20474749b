// The floor of the bench: the same logical TOTP verify and session lookup as mpp-2fa's
// routes, written directly on the driver (better-sqlite3 prepared statements or pg named
// prepared statements), served by Fastify with @fastify/cookie like the app, with the same
// crypto (AES-GCM secret box, TOTP, SHA-256 token hashes, HMAC device cookie), the same
// response headers, and the same statements in the same order (all but the verify's lookup of
// the webhooks subscribed to its audit event), the verify's writes in one transaction. No validation
// schemas, no logging, no error handling beyond what the bench's requests need: what is
// left is the cost of this design's statements, crypto and HTTP. Forked by bench/run.js
// with an IPC channel on the bench's own database (the scenarios run one at a time).
//   node bench/floor/server.js --port P --db URL   (SECRET_KEY in the environment)
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import pg from 'pg';
import { onStop, startMonitor } from '../lib/monitor.js';

const dist = new URL('../../dist/', import.meta.url);
const { createSecretBox } = await import(new URL('adapters/secret-box.js', dist).href);
const { generateToken, sha256Hex } = await import(new URL('adapters/tokens.js', dist).href);
const { systemRandom } = await import(new URL('adapters/system.js', dist).href);
const { matchTotpStep } = await import(new URL('domain/totp.js', dist).href);
const { securityHeaders } = await import(new URL('http/security-headers.js', dist).href);

const { values } = parseArgs({ options: { port: { type: 'string' }, db: { type: 'string' } } });
const box = createSecretBox([Buffer.from(process.env.SECRET_KEY ?? '', 'base64')]);
const SESSION_SECONDS = 12 * 3600;
const IDLE_SECONDS = 30 * 60;
const DEVICE_SECONDS = 400 * 24 * 3600;
const MAX_DEVICES = 50;

// The SQL mpp-2fa's store runs for these requests (placeholders as `?`; `$n` for PostgreSQL).
const SQL = {
  sessionView:
    'select "sessions"."id", "sessions"."account_id", "sessions"."workspace_id", "sessions"."second_factor_verified", "sessions"."second_factor_methods", "sessions"."authenticated_at", "sessions"."last_seen_at", "sessions"."expires_at", "sessions"."created_at", "sessions"."ip", "sessions"."user_agent", "accounts"."email", "accounts"."name", "accounts"."locale", "memberships"."role", "workspaces"."name" as "workspace_name", "super_apps"."id" as "super_app_id", "super_apps"."name" as "super_app_name" from "sessions" inner join "accounts" on "accounts"."id" = "sessions"."account_id" inner join "memberships" on "memberships"."workspace_id" = "sessions"."workspace_id" and "memberships"."account_id" = "sessions"."account_id" inner join "workspaces" on "workspaces"."id" = "sessions"."workspace_id" inner join "super_apps" on "super_apps"."id" = "workspaces"."super_app_id" where "sessions"."id" = ?',
  memberships:
    'select "workspaces"."id" as "workspaceId", "workspaces"."name" as "workspaceName", "memberships"."role", "super_apps"."id" as "superAppId", "super_apps"."name" as "superAppName" from "memberships" inner join "workspaces" on "workspaces"."id" = "memberships"."workspace_id" inner join "super_apps" on "super_apps"."id" = "workspaces"."super_app_id" where "memberships"."account_id" = ? order by "memberships"."created_at", "workspaces"."id"',
  administered:
    'select "super_apps"."id", "super_apps"."name" from "super_app_admins" inner join "super_apps" on "super_apps"."id" = "super_app_admins"."super_app_id" where "super_app_admins"."account_id" = ? order by "super_apps"."name"',
  challenge: 'select * from "challenges" where "id" = ?',
  account: 'select * from "accounts" where "id" = ?',
  reserveChallenge:
    'update "challenges" set "failures" = "failures" + ? where "id" = ? and "status" = ? and "failures" < ? and "expires_at" > ? returning "failures"',
  reserveAccount:
    'update "accounts" set "second_factor_failures" = "second_factor_failures" + ? where "id" = ? and ("second_factor_locked_until" is null or "second_factor_locked_until" <= ?) returning "second_factor_failures"',
  totpFactor: 'select * from "totp_factors" where "account_id" = ?',
  claimStep: 'update "accounts" set "totp_last_step" = ? where "id" = ? and ("totp_last_step" is null or "totp_last_step" < ?)',
  clearFailures:
    'update "accounts" set "second_factor_failures" = ?, "second_factor_locked_until" = ? where "id" = ? and ("second_factor_failures" > ? or "second_factor_locked_until" is not null)',
  completeChallenge: 'update "challenges" set "status" = ? where "id" = ? and "status" = ? and "expires_at" > ?',
  insertSession:
    'insert into "sessions" ("id", "account_id", "workspace_id", "second_factor_verified", "second_factor_methods", "authenticated_at", "last_seen_at", "expires_at", "created_at", "ip", "user_agent") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  hasDevices: 'select "id" from "devices" where "account_id" = ? and "last_seen_at" > ? limit ?',
  insertDevice: 'insert into "devices" ("id", "account_id", "token_hash", "ip", "user_agent", "created_at", "last_seen_at") values (?, ?, ?, ?, ?, ?, ?)',
  pruneDevices:
    'delete from "devices" where "account_id" = ? and "id" not in (select "id" from "devices" where "account_id" = ? order by "last_seen_at" desc, "id" limit ?)',
  insertAudit:
    'insert into "audit_events" ("id", "type", "account_id", "actor_account_id", "super_app_id", "workspace_id", "ip", "user_agent", "details", "created_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
};

/** { one(name, args), all(name, args), run(name, args) → changes, transaction(fn) } over the driver. */
function openStore(url) {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const texts = Object.fromEntries(
      Object.entries(SQL).map(([name, text]) => {
        let n = 0;
        return [name, text.replace(/\?/g, () => `$${++n}`)];
      }),
    );
    // Named statements: each connection parses and plans each text once.
    const on = (client) => ({
      query: (name, args) => client.query({ name: `floor_${name}`, text: texts[name], values: args }),
      one: async (name, args) => (await client.query({ name: `floor_${name}`, text: texts[name], values: args })).rows[0],
      all: async (name, args) => (await client.query({ name: `floor_${name}`, text: texts[name], values: args })).rows,
      run: async (name, args) => (await client.query({ name: `floor_${name}`, text: texts[name], values: args })).rowCount,
    });
    return {
      ...on(pool),
      async transaction(fn) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await fn(on(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  const sqlite = new Database(url.replace(/^sqlite:\/\//, ''));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const statements = Object.fromEntries(Object.entries(SQL).map(([name, text]) => [name, sqlite.prepare(text)]));
  const store = {
    one: async (name, args) => statements[name].get(...args),
    all: async (name, args) => statements[name].all(...args),
    run: async (name, args) => statements[name].run(...args).changes,
  };
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  let tail = Promise.resolve();
  return {
    ...store,
    // One transaction at a time on the one connection (like Kysely's SQLite driver).
    transaction(fn) {
      const run = tail.then(async () => {
        begin.run();
        try {
          const result = await fn(store);
          commit.run();
          return result;
        } catch (error) {
          rollback.run();
          throw error;
        }
      });
      tail = run.catch(() => {});
      return run;
    },
    close: async () => sqlite.close(),
  };
}

const store = openStore(values.db);
const app = Fastify({ logger: false });
await app.register(cookie);
// The same answer on the wire: mpp-2fa's security headers and `Cache-Control: no-store` on API answers.
const headers = { ...securityHeaders(false), 'cache-control': 'no-store' };
app.addHook('onRequest', (request, reply, done) => {
  reply.headers(headers);
  done();
});

const fail = (reply, status, code) => reply.code(status).type('application/problem+json').send({ type: 'about:blank', status, code });

app.get('/floor/session', async (request, reply) => {
  const token = request.cookies.mpp_session;
  if (!token || token.length > 200) return fail(reply, 401, 'unauthenticated');
  const row = await store.one('sessionView', [sha256Hex(token)]);
  const now = new Date();
  if (!row || row.expires_at <= now.toISOString() || Date.parse(row.last_seen_at) + IDLE_SECONDS * 1000 <= now.getTime())
    return fail(reply, 401, 'unauthenticated');
  const memberships = await store.all('memberships', [row.account_id]);
  const administered = await store.all('administered', [row.account_id]);
  return {
    account: { id: row.account_id, email: row.email, name: row.name, locale: row.locale },
    workspace: { id: row.workspace_id, name: row.workspace_name, role: row.role, superApp: { id: row.super_app_id, name: row.super_app_name } },
    workspaces: memberships.map((m) => ({ id: m.workspaceId, name: m.workspaceName, role: m.role, superApp: { id: m.superAppId, name: m.superAppName } })),
    secondFactorVerified: row.second_factor_verified === 1,
    administeredSuperApps: administered.map((s) => ({ id: s.id, name: s.name })),
  };
});

/** The audit row of a verify: inside its transaction (`?audit=after`: in a statement of its own after the commit, to measure what that would save). */
function auditRow(account, challenge, ip, userAgent, nowIso) {
  return [
    generateToken(systemRandom, 16),
    'second_factor.succeeded',
    account.id,
    account.id,
    challenge.super_app_id,
    challenge.workspace_id,
    ip,
    userAgent,
    JSON.stringify({ method: 'totp', purpose: challenge.purpose }),
    nowIso,
  ];
}

app.post('/floor/challenges/:id/verify', async (request, reply) => {
  const { method, code } = request.body ?? {};
  const auditAfter = request.query.audit === 'after';
  const challengeId = sha256Hex(request.params.id);
  const now = new Date();
  const nowIso = now.toISOString();
  const challenge = await store.one('challenge', [challengeId]);
  if (!challenge || challenge.status !== 'open' || challenge.expires_at <= nowIso || method !== 'totp') return fail(reply, 410, 'challenge_expired');
  const account = await store.one('account', [challenge.account_id]);
  const ip = request.ip;
  const userAgent = request.headers['user-agent']?.slice(0, 512) ?? null;
  const outcome = await store.transaction(async (tx) => {
    if ((await tx.one('reserveChallenge', [1, challengeId, 'open', 5, nowIso])) === undefined) return 'expired';
    if ((await tx.one('reserveAccount', [1, account.id, nowIso])) === undefined) return 'locked';
    const factor = await tx.one('totpFactor', [account.id]);
    const key = factor?.status === 'active' ? box.open(factor.secret_sealed, account.id) : null;
    const step = key ? matchTotpStep(key, String(code), now) : null;
    if (step === null || (await tx.run('claimStep', [step, account.id, step])) === 0) return 'wrong';
    await tx.run('clearFailures', [0, null, account.id, 0]);
    if ((await tx.run('completeChallenge', ['done', challengeId, 'open', nowIso])) === 0) return 'expired';
    const sessionToken = generateToken(systemRandom);
    await tx.run('insertSession', [
      sha256Hex(sessionToken),
      account.id,
      challenge.workspace_id,
      1,
      'totp',
      nowIso,
      nowIso,
      new Date(now.getTime() + SESSION_SECONDS * 1000).toISOString(),
      nowIso,
      ip,
      userAgent,
    ]);
    await tx.all('hasDevices', [account.id, new Date(now.getTime() - DEVICE_SECONDS * 1000).toISOString(), 1]);
    const deviceToken = generateToken(systemRandom);
    await tx.run('insertDevice', [generateToken(systemRandom, 16), account.id, sha256Hex(deviceToken), ip, userAgent, nowIso, nowIso]);
    await tx.run('pruneDevices', [account.id, account.id, MAX_DEVICES]);
    if (!auditAfter) await tx.run('insertAudit', auditRow(account, challenge, ip, userAgent, nowIso));
    return { sessionToken, deviceCookie: `${deviceToken}.${box.mac(`mpp-2fa device:${deviceToken}`)}` };
  });
  if (typeof outcome === 'string') return fail(reply, outcome === 'wrong' ? 401 : outcome === 'locked' ? 429 : 410, outcome);
  if (auditAfter) await store.run('insertAudit', auditRow(account, challenge, ip, userAgent, nowIso));
  const m = (await store.all('memberships', [account.id])).find((w) => w.workspaceId === challenge.workspace_id);
  reply.setCookie('mpp_session', outcome.sessionToken, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: SESSION_SECONDS });
  reply.setCookie('mpp_device', outcome.deviceCookie, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: DEVICE_SECONDS });
  return {
    status: 'authenticated',
    account: { id: account.id, email: account.email, name: account.name },
    workspace: { id: m.workspaceId, name: m.workspaceName, role: m.role, superApp: { id: m.superAppId, name: m.superAppName } },
  };
});

const address = await app.listen({ port: Number(values.port), host: '127.0.0.1' });
startMonitor();
onStop(async () => {
  await app.close();
  await store.close();
});
process.send?.({ type: 'listening', url: address, pid: process.pid });
