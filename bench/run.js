#!/usr/bin/env node
// `npm run bench`: starts mpp-2fa on a temporary database seeded with N accounts, drives it
// over 127.0.0.1 with autocannon and prints one table (plus bench/results/latest.json and a
// Markdown snippet). The primary figure is CPU time per request (server process, plus the
// PostgreSQL backends' when on PostgreSQL), req/s second. Scenarios, each warmed with
// --warmup requests first: baseline route, session lookup (also at LOG_LEVEL=info), TOTP
// verify, the same verify and session lookup on the floor server (bench/floor/server.js:
// the driver directly), password login storm against a bare argon2id verify, scale (10k vs
// --accounts), SQLite in the same run (PostgreSQL runs), better-auth peer, peak RSS.
// See bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { forkServer, freePort, readCpuSeconds, spawnCliServer } from './lib/children.js';
import { closeAgents, mapPool, requestJson, round, runLoad, startProbe } from './lib/load.js';
import { evaluateTargets, markdownTable, notes, ratio, tableRows, targetLines, textTable } from './lib/report.js';
import { peerEmail, peerTotpSecret } from './peers/better-auth/accounts.js';
import { accountEmail, accountId, hasTotp, progressBar, seedPostgres, seedSqlite, totpKey } from './lib/seed.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'mpp-2fa.js');
const PASSWORD = 'Bench-pass-4827-xq';
const SECRET_KEY = Buffer.alloc(32, 0x42).toString('base64');
const TOTP_SEED = 'mpp-2fa-bench-totp-seed';
const PEER_SECRET = 'mpp-2fa-bench-peer-secret-0123456789abcdefghij';
const SCALE_REFERENCE_ACCOUNTS = 10_000;

const USAGE = `Usage: npm run bench -- [options]
  --accounts N        accounts to seed (default 10000; 1000000 for the scale run)
  --database URL      PostgreSQL server to use (postgres://user:pass@127.0.0.1/db); a fresh
                      database is created in it and dropped afterwards. Default: SQLite.
  --duration S        seconds per timed scenario (default 10)
  --connections C     concurrent connections (default 10)
  --sessions N        accounts logged in for the authenticated scenario (default 300)
  --challenges N      TOTP challenges measured in the verify scenarios (default 1500)
  --warmup N          requests each scenario runs before its measurement (default 3000)
  --login-warmup N    logins before the login storm's measurement (default: --warmup)
  --prep-seconds S    time cap for preparing sessions / peer sign-ins (default 90)
  --peer-users N      better-auth accounts (default: --warmup + --challenges + a reserve)
  --no-floor          skip the floor server
  --no-peer           skip better-auth
  --peer-scrypt       let better-auth hash passwords with its default scrypt (slow preparation)
  --server MODE       inproc (default: bench/server.js runs the compiled app and reports its
                      event-loop delay) or cli (node bin/mpp-2fa.js serve --bench)
  --node-options="…"  extra Node flags for the server process (UV_THREADPOOL_SIZE and other
                      environment variables pass through as they are)
  --out FILE          JSON results (default bench/results/latest.json; .md written beside it)
  --quick             tiny run for the smoke test (200 accounts, 1 s scenarios)
  --keep              keep the temporary data directories
`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      accounts: { type: 'string' },
      database: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      sessions: { type: 'string' },
      challenges: { type: 'string' },
      'prep-seconds': { type: 'string' },
      'peer-users': { type: 'string' },
      warmup: { type: 'string' },
      'login-warmup': { type: 'string' },
      'no-floor': { type: 'boolean', default: false },
      'no-peer': { type: 'boolean', default: false },
      'peer-scrypt': { type: 'boolean', default: false },
      server: { type: 'string', default: 'inproc' },
      'node-options': { type: 'string' },
      out: { type: 'string' },
      quick: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const int = (name, fallback, min = 1) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  const challenges = int('challenges', quick ? 40 : 1500, 20);
  const warmup = Math.floor(int('warmup', quick ? 30 : 3000, 0));
  const connections = Math.floor(int('connections', quick ? 4 : 10));
  const o = {
    quick,
    accounts: Math.floor(int('accounts', quick ? 200 : 10_000, 20)),
    database: values.database ?? null,
    duration: int('duration', quick ? 1 : 10, 0.5),
    connections,
    warmup,
    loginWarmup: Math.floor(int('login-warmup', warmup, 0)),
    floor: !values['no-floor'],
    sessions: Math.floor(int('sessions', quick ? 20 : 300)),
    challenges: Math.floor(challenges),
    prepSeconds: int('prep-seconds', quick ? 10 : 90),
    peer: !values['no-peer'],
    peerUsers: Math.floor(int('peer-users', warmup + challenges + 2 * (connections + 1), 20)),
    peerScrypt: values['peer-scrypt'],
    server: values.server,
    // Extra Node flags for the server process (e.g. "--max-semi-space-size=4"), to try tuning without touching src/.
    execArgv: values['node-options'] ? values['node-options'].split(/\s+/).filter(Boolean) : [],
    out: resolve(values.out ?? join(ROOT, 'bench', 'results', 'latest.json')),
    keep: values.keep,
    argon2Samples: quick ? 4 : 40,
    loginConnections: Math.max(8, 4 * os.availableParallelism()),
  };
  if (!['inproc', 'cli'].includes(o.server)) throw new Error('--server must be inproc or cli');
  if (o.database) assertLocalPostgres(o.database);
  return o;
}

/** Only this machine is a target: 127.0.0.0/8, ::1, localhost or a Unix socket. */
function assertLocalPostgres(url) {
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error('--database must be a postgres:// URL');
  const parsed = new URL(url);
  const host = parsed.hostname || new URLSearchParams(parsed.search).get('host') || '';
  const local =
    host === '' || host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host) || host.startsWith('/') || host.startsWith('%2F');
  if (!local) throw new Error(`--database must point at this machine (127.0.0.1, localhost or a socket), not ${host}`);
}

const T0 = performance.now();
const log = (message) => process.stderr.write(`▸ [${((performance.now() - T0) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);

// ---------------------------------------------------------------------------------------
// Database: temporary SQLite file, or a fresh PostgreSQL database; migrated by the CLI.

const cleanups = [];

let dist;
async function loadDist() {
  const url = (p) => new URL(`../dist/${p}`, import.meta.url).href;
  dist ??= {
    secretBox: await import(url('adapters/secret-box.js')),
    hasher: await import(url('adapters/password-hasher.js')),
    totp: await import(url('domain/totp.js')),
    tokens: await import(url('adapters/tokens.js')),
    system: await import(url('adapters/system.js')),
  };
  return dist;
}

function serverEnv(db, logLevel = 'warn') {
  const env = { ...process.env, DATA_DIR: db.dataDir, DATABASE_URL: db.url, SECRET_KEY: SECRET_KEY, LOG_LEVEL: logLevel };
  for (const key of ['PUBLIC_URL', 'SMTP_URL', 'SECRET_KEY_PREVIOUS', 'PORT', 'HOST', 'NODE_OPTIONS']) delete env[key];
  return env;
}

async function createDatabase(o, label, accounts, hashOnce) {
  const dataDir = mkdtempSync(join(os.tmpdir(), `mpp-2fa-bench-${label}-`));
  const db = { dataDir, url: join(dataDir, 'mpp-2fa.sqlite'), dialect: 'sqlite', accounts };
  cleanups.push(() => !o.keep && rmSync(dataDir, { recursive: true, force: true }));
  if (o.database) {
    const name = `mpp_bench_${process.pid}_${label}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: o.database });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(o.database);
    url.pathname = `/${name}`;
    // The bench's own connection (to the server's maintenance database, not this one): lists the backends to measure.
    const watcher = new pg.Client({ connectionString: o.database });
    await watcher.connect();
    Object.assign(db, { url: url.toString(), dialect: 'postgres', name, admin: watcher });
    cleanups.push(async () => {
      await watcher.end();
      if (o.keep) return;
      const c = new pg.Client({ connectionString: o.database });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
  }
  const migrate = spawnSync(process.execPath, [BIN, 'migrate', '--json'], { env: serverEnv(db), encoding: 'utf8', timeout: 300_000 });
  if (migrate.status !== 0) throw new Error(`mpp-2fa migrate failed (${migrate.status ?? migrate.signal}):\n${migrate.stderr}${migrate.stdout}`);
  if (/building/.test(migrate.stderr)) log(`mpp-2fa migrate rebuilt: ${migrate.stderr.trim().split('\n').join('; ')}`);
  const { secretBox } = await loadDist();
  const passwordHash = await hashOnce();
  const plan = { accounts, passwordHash, box: secretBox.createSecretBox([Buffer.from(SECRET_KEY, 'base64')]), seed: TOTP_SEED, now: new Date().toISOString() };
  const started = performance.now();
  if (db.dialect === 'sqlite') {
    seedSqlite(db.url, plan, Database);
  } else {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await seedPostgres(client, plan);
    } finally {
      await client.end();
    }
  }
  db.seedSeconds = round((performance.now() - started) / 1000, 1);
  log(`seeded ${accounts} accounts (${db.dialect}) in ${db.seedSeconds} s`);
  return db;
}

async function startServer(o, db, { logLevel = 'warn' } = {}) {
  const port = await freePort();
  const env = serverEnv(db, logLevel);
  if (o.server === 'cli' && o.execArgv.length > 0) env.NODE_OPTIONS = o.execArgv.join(' ');
  const server =
    o.server === 'cli'
      ? await spawnCliServer(BIN, port, env)
      : await forkServer(join(ROOT, 'bench', 'server.js'), ['--port', String(port), '--host', '127.0.0.1'], env, { execArgv: o.execArgv });
  cleanups.unshift(() => server.stop());
  server.db = db;
  return server;
}

/** The floor server (bench/floor/server.js) on the database `db`. */
async function startFloor(o, db) {
  const port = await freePort();
  const env = serverEnv(db);
  const server = await forkServer(join(ROOT, 'bench', 'floor', 'server.js'), ['--port', String(port), '--db', db.url], env, { execArgv: o.execArgv });
  cleanups.unshift(() => server.stop());
  server.db = db;
  return server;
}

/**
 * PostgreSQL: CPU seconds so far of each backend serving the database `db.name`, by pid,
 * from /proc (the server runs on this machine). Null on SQLite or when /proc cannot be read.
 */
async function backendCpu(db) {
  if (db?.dialect !== 'postgres') return null;
  const { rows } = await db.admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db.name]);
  const cpu = new Map();
  for (const { pid } of rows) {
    const c = readCpuSeconds(pid);
    if (c) cpu.set(pid, c.total);
  }
  return rows.length > 0 && cpu.size === 0 ? null : cpu;
}

/**
 * Runs `fn` inside a measurement window of `server` (CPU, peak RSS, event-loop delay).
 * CPU per request: the server process (all threads) and, on PostgreSQL, every backend of
 * the bench database; `cpuMsPerRequest` is their sum, the primary figure of each scenario.
 */
async function windowed(server, fn) {
  const dbBefore = await backendCpu(server.db);
  await server.startWindow();
  const result = await fn();
  const w = await server.endWindow();
  const dbAfter = await backendCpu(server.db);
  const served = result.ok ?? result.requests;
  const perRequest = (seconds) => (seconds === null || !served ? null : round((1000 * seconds) / served, 3));
  let dbCpuSeconds = null;
  if (dbBefore && dbAfter) {
    // Backends that ended within the window are lost (the pool keeps its connections while busy).
    dbCpuSeconds = [...dbAfter].reduce((sum, [pid, total]) => sum + total - (dbBefore.get(pid) ?? 0), 0);
  }
  const serverCpuMsPerRequest = perRequest(w.cpuSeconds);
  const dbCpuMsPerRequest = perRequest(dbCpuSeconds);
  return {
    ...result,
    rssPeakMB: w.rssPeakMB,
    heapAtEnd: w.heap,
    eventLoop: w.eventLoop,
    serverCpuSeconds: w.cpuSeconds,
    serverCpuSystemSeconds: w.cpuSystemSeconds,
    // The event loop's share; the rest is the thread pool (argon2id, async crypto) and V8's helper threads.
    serverMainThreadCpuMsPerRequest: perRequest(w.mainThreadCpuSeconds),
    serverOtherThreadsCpuMsPerRequest: perRequest(w.cpuSeconds === null || w.mainThreadCpuSeconds === null ? null : w.cpuSeconds - w.mainThreadCpuSeconds),
    dbCpuSeconds: dbCpuSeconds === null ? null : round(dbCpuSeconds, 2),
    serverCpuMsPerRequest,
    dbCpuMsPerRequest,
    cpuMsPerRequest: serverCpuMsPerRequest === null ? null : round(serverCpuMsPerRequest + (dbCpuMsPerRequest ?? 0), 3),
  };
}

// ---------------------------------------------------------------------------------------
// Account picking: distinct random accounts of a kind, never reused across scenarios.

function picker(accounts) {
  const used = new Set();
  return (count, totp) => {
    const pool = Math.floor(accounts / 2);
    const want = Math.min(count, pool - [...used].filter((i) => hasTotp(i) === totp).length);
    const picked = [];
    let guard = 0;
    while (picked.length < want && guard < want * 50) {
      guard += 1;
      const i = 2 * Math.floor(Math.random() * pool) + (totp ? 1 : 0);
      if (i >= accounts || used.has(i)) continue;
      used.add(i);
      picked.push(i);
    }
    return picked;
  };
}

// ---------------------------------------------------------------------------------------
// Scenarios on mpp-2fa.

async function login(url, i) {
  return requestJson(`${url}/api/v1/auth/login`, { body: { email: accountEmail(i), password: PASSWORD } });
}

/** `--warmup` requests, then the measured window of `--duration` seconds. */
async function timedScenario(o, server, requests) {
  if (o.warmup > 0) await runLoad({ url: server.url, connections: o.connections, amount: o.warmup, requests, hardLimitSeconds: 120 });
  const m = await windowed(server, () => runLoad({ url: server.url, connections: o.connections, duration: o.duration, requests }));
  return { ...m, warmupRequests: o.warmup };
}

async function baselineScenario(o, server) {
  return timedScenario(o, server, [{ method: 'GET', path: '/bench/baseline' }]);
}

async function prepareSessions(o, server, pick) {
  const indices = pick(o.sessions, false);
  const bar = progressBar('logging in (cookies)', indices.length);
  const cookies = await mapPool(
    indices,
    4,
    async (i) => {
      const r = await login(server.url, i);
      if (r.status !== 200 || r.body?.status !== 'authenticated' || !r.cookies.includes('mpp_session=')) {
        throw new Error(`login of ${accountEmail(i)} answered ${r.status} ${JSON.stringify(r.body)}`);
      }
      return r.cookies;
    },
    { maxSeconds: Math.min(30, o.prepSeconds), onProgress: (n) => bar.update(n) },
  );
  if (cookies.length < indices.length) {
    bar.update(indices.length);
    log(`logged in ${cookies.length} of ${indices.length} accounts within ${Math.min(30, o.prepSeconds)} s`);
  }
  return cookies;
}

/** GET `path` (mpp-2fa's `/api/v1/session`, the floor's `/floor/session`) rotating over the cookies. */
async function sessionScenario(o, server, cookies, path = '/api/v1/session') {
  let next = 0;
  const requests = [
    {
      method: 'GET',
      path,
      setupRequest: (req) => {
        req.headers = { ...req.headers, cookie: cookies[next++ % cookies.length] };
        return req;
      },
    },
  ];
  const m = await timedScenario(o, server, requests);
  return { ...m, preparedSessions: cookies.length };
}

/** Statements of the bench itself on the database `db` (`?` placeholders on both stores). */
async function benchDb(db) {
  if (db.dialect === 'sqlite') {
    const sqlite = new Database(db.url);
    sqlite.pragma('busy_timeout = 5000');
    return {
      all: async (text, args = []) => sqlite.prepare(text).all(...args),
      run: async (text, args = []) => void sqlite.prepare(text).run(...args),
      inTransaction: async (fn) => {
        sqlite.exec('BEGIN IMMEDIATE');
        await fn();
        sqlite.exec('COMMIT');
      },
      close: async () => sqlite.close(),
    };
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const numbered = (text) => {
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  };
  return {
    all: async (text, args = []) => (await client.query(numbered(text), args)).rows,
    run: async (text, args = []) => void (await client.query(numbered(text), args)),
    inTransaction: async (fn) => {
      await client.query('BEGIN');
      await fn();
      await client.query('COMMIT');
    },
    close: () => client.end(),
  };
}

/** TOTP accounts for the verify scenarios: the warm-up, the measured challenges and the reserve a one-use scenario keeps. */
function verifyAccounts(o, pick) {
  return pick(o.warmup + o.challenges + 2 * (o.connections + 1), true);
}

/**
 * One open login challenge for each account of `indices`, as mpp-2fa's login makes it: one
 * real login (its row is the template) and copies of that row for the other accounts,
 * written into the database by the bench (a login per challenge would cost an argon2id hash
 * each, minutes for the warm-up alone). Returns [{ id (the client's token), key, index }].
 */
async function prepareChallenges(o, server, indices) {
  const { tokens, system } = await loadDist();
  const [first, ...rest] = indices;
  const r = await login(server.url, first);
  if (r.status !== 200 || r.body?.status !== 'second_factor_required')
    throw new Error(`login of ${accountEmail(first)} answered ${r.status} ${JSON.stringify(r.body)}`);
  const challenges = [{ id: r.body.challenge.id, key: totpKey(TOTP_SEED, first), index: first }];
  const q = await benchDb(server.db);
  try {
    const [template] = await q.all('SELECT * FROM challenges WHERE id = ?', [tokens.sha256Hex(r.body.challenge.id)]);
    if (!template) throw new Error('the login challenge is not in the challenges table');
    const columns = Object.keys(template);
    const insert = `INSERT INTO challenges (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    for (let start = 0; start < rest.length; start += 500) {
      await q.inTransaction(async () => {
        for (const i of rest.slice(start, start + 500)) {
          const token = tokens.generateToken(system.systemRandom);
          const row = { ...template, id: tokens.sha256Hex(token), account_id: accountId(i) };
          await q.run(
            insert,
            columns.map((c) => row[c]),
          );
          challenges.push({ id: token, key: totpKey(TOTP_SEED, i), index: i });
        }
      });
    }
  } finally {
    await q.close();
  }
  return challenges;
}

/**
 * Lets the verify accounts pass a TOTP code again (the floor server verifies the same
 * accounts as mpp-2fa, in the same time step): forgets their last used step and failures,
 * and the devices their sign-ins left.
 */
async function resetVerifyAccounts(db, indices) {
  const q = await benchDb(db);
  try {
    await q.inTransaction(async () => {
      for (const i of indices) {
        await q.run('UPDATE accounts SET totp_last_step = NULL, second_factor_failures = 0, second_factor_locked_until = NULL WHERE id = ?', [accountId(i)]);
        await q.run('DELETE FROM devices WHERE account_id = ?', [accountId(i)]);
      }
    });
  } finally {
    await q.close();
  }
}

/**
 * Verify requests over prepared one-use items: `--warmup` of them, then the measured ones.
 * autocannon builds one request per connection ahead of time, so `connections` extra items
 * are kept in reserve and never measured.
 */
async function oneUseScenario(o, server, items, build) {
  let next = 0;
  const take = () => items[Math.min(next++, items.length - 1)];
  const requests = [{ method: 'POST', path: '/', setupRequest: (req) => build(req, take()) }];
  const connections = Math.max(1, Math.min(o.connections, Math.floor(items.length / 10)));
  const usable = items.length - 2 * (connections + 1);
  const warmup = Math.max(0, Math.min(o.warmup, usable - Math.max(connections, Math.floor(usable / 4))));
  const amount = usable - warmup;
  if (amount < connections) throw new Error(`only ${items.length} prepared items: too few to measure`);
  if (warmup > 0) await runLoad({ url: server.url, connections, amount: warmup, requests, hardLimitSeconds: Math.max(60, o.duration) });
  // Bounded by the prepared items, and in time like the timed scenarios (a slow server ends early).
  const m = await windowed(server, () => runLoad({ url: server.url, connections, amount, requests, hardLimitSeconds: 2 * o.duration + 5 }));
  return { ...m, warmupRequests: warmup };
}

/** POST `{prefix}/challenges/{id}/verify{query}` with a fresh TOTP code, each challenge once (`/api/v1/auth` ours, `/floor` the floor's). */
async function verifyScenario(o, server, challenges, prefix = '/api/v1/auth', query = '') {
  const { totp } = await loadDist();
  const m = await oneUseScenario(o, server, challenges, (req, c) => {
    req.method = 'POST';
    req.path = `${prefix}/challenges/${c.id}/verify${query}`;
    req.headers = { ...req.headers, 'content-type': 'application/json' };
    req.body = JSON.stringify({ method: 'totp', code: totp.generateTotpCode(c.key, new Date()) });
    return req;
  });
  const non200 =
    Object.entries(m.statusCounts)
      .filter(([code]) => code !== '200')
      .reduce((sum, [, n]) => sum + n, 0) + m.errors;
  return { ...m, preparedChallenges: challenges.length, non200, non200Percent: round((100 * non200) / Math.max(1, m.requests + m.errors), 3) };
}

async function argon2Ceiling(o, passwordHash) {
  const { hasher } = await loadDist();
  const h = hasher.createArgon2Hasher();
  const check = async () => {
    if (!(await h.verify(passwordHash, PASSWORD))) throw new Error('the precomputed hash does not verify');
  };
  await check();
  const samples = [];
  const cpuBefore = process.cpuUsage();
  for (let k = 0; k < o.argon2Samples; k += 1) {
    const t0 = performance.now();
    await check();
    samples.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time of one hash (all threads of this process; the loop itself adds microseconds).
  const cpuMsPerHash = (cpu.user + cpu.system) / 1000 / o.argon2Samples;
  const sorted = [...samples].sort((a, b) => a - b);
  // The fastest sample: the least disturbed by other processes, so the highest (strictest) ceiling.
  const fastest = sorted[0];
  const cores = os.availableParallelism();
  // As the server's hasher runs them in a storm: one per core at once (adapters/password-hasher.ts), so
  // each hash shares the memory bus and caches with another. The login's ratio is taken against this.
  const concurrentBefore = process.cpuUsage();
  let left = o.argon2Samples * cores;
  await Promise.all(
    Array.from({ length: cores }, async () => {
      while (left-- > 0) await check();
    }),
  );
  const concurrent = process.cpuUsage(concurrentBefore);
  const cpuMsPerHashConcurrent = (concurrent.user + concurrent.system) / 1000 / (o.argon2Samples * cores);
  return {
    params: hasher.ARGON2ID_OPTIONS
      ? { memoryKiB: hasher.ARGON2ID_OPTIONS.memoryCost, timeCost: hasher.ARGON2ID_OPTIONS.timeCost, parallelism: hasher.ARGON2ID_OPTIONS.parallelism }
      : null,
    samplesMs: samples.map((s) => round(s, 1)),
    singleHashMs: round(fastest, 1),
    medianHashMs: round(sorted[Math.floor(sorted.length / 2)], 1),
    cpuMsPerHash: round(cpuMsPerHash, 2),
    cpuMsPerHashConcurrent: round(cpuMsPerHashConcurrent, 2),
    cores,
    ceilingPerSecond: round((cores * 1000) / fastest, 1),
  };
}

async function loginScenario(o, server, pick, ceiling) {
  const indices = pick(Math.min(2000, Math.max(50, Math.floor(o.accounts / 4))), false);
  if (indices.length === 0) throw new Error('no password-only accounts left for the login storm');
  let next = 0;
  const requests = [
    {
      method: 'POST',
      path: '/api/v1/auth/login',
      setupRequest: (req) => {
        req.headers = { ...req.headers, 'content-type': 'application/json' };
        req.body = JSON.stringify({ email: accountEmail(indices[next++ % indices.length]), password: PASSWORD });
        return req;
      },
    },
  ];
  const duration = Math.max(o.duration, o.quick ? 1.5 : 8);
  if (o.loginWarmup > 0) {
    log(`login warm-up: ${o.loginWarmup} logins`);
    await runLoad({ url: server.url, connections: o.loginConnections, amount: o.loginWarmup, requests, hardLimitSeconds: 300 });
  }
  const m = await windowed(server, async () => {
    const probe = startProbe(`${server.url}/healthz`, { rate: 20, maxSeconds: duration + 60 });
    const load = await runLoad({ url: server.url, connections: o.loginConnections, duration, requests, hardLimitSeconds: duration + 60 });
    const healthz = await probe.stop();
    return { ...load, healthz };
  });
  return {
    ...m,
    accountsUsed: indices.length,
    warmupRequests: o.loginWarmup,
    ratioToCeiling: ratio(m.rps, ceiling.ceilingPerSecond),
    // A login's CPU (server, plus database on PostgreSQL) over a bare argon2id verify's at the hasher's
    // concurrency (one per core), measured in the same run; and over one hash alone.
    cpuRatioToHash: ratio(m.cpuMsPerRequest, ceiling.cpuMsPerHashConcurrent),
    cpuRatioToSingleHash: ratio(m.cpuMsPerRequest, ceiling.cpuMsPerHash),
    // Share of a login's CPU that is the hash itself.
    hashShareOfCpu: ratio(ceiling.cpuMsPerHashConcurrent, m.cpuMsPerRequest),
  };
}

/** Second login of the same account presenting the code that already passed. */
async function replayCheckOurs(server, i) {
  const { totp } = await loadDist();
  const key = totpKey(TOTP_SEED, i);
  const first = await login(server.url, i);
  // After the login storm this address may still be waiting out its throttle.
  if (!first.body?.challenge) return { skipped: `login answered ${first.status} ${first.body?.code ?? ''}`.trim() };
  const code = totp.generateTotpCode(key, new Date());
  const ok = await requestJson(`${server.url}/api/v1/auth/challenges/${first.body.challenge.id}/verify`, { body: { method: 'totp', code } });
  const second = await login(server.url, i);
  const replay = await requestJson(`${server.url}/api/v1/auth/challenges/${second.body.challenge.id}/verify`, { body: { method: 'totp', code } });
  return { firstStatus: ok.status, replayStatus: replay.status, replayCode: replay.body?.code ?? null, replayAccepted: replay.status === 200 };
}

/**
 * Every scenario on the database `db`; with `refDb` (the scale run) also the session and
 * verify scenarios on the 10k reference, each run right before the same scenario at full
 * size, so that both see the same machine load. The floor server runs its session lookup
 * and verify right after ours, over the same cookies and the same accounts.
 */
async function runOurs(o, db, refDb, passwordHash) {
  const describe = (server, label) =>
    log(`${label} server ${o.server === 'cli' ? '(mpp-2fa serve --bench)' : '(bench/server.js, compiled app in-process)'} on ${server.url}, pid ${server.pid}`);
  const server = await startServer(o, db);
  describe(server, `${db.accounts}-account`);
  const ref = refDb ? await startServer(o, refDb) : null;
  if (ref) describe(ref, `${refDb.accounts}-account reference`);
  let floor = null;
  try {
    const pick = picker(db.accounts);
    const refPick = ref ? picker(refDb.accounts) : null;
    const out = { reference: ref ? {} : null };
    log(`baseline: GET /bench/baseline, ${o.warmup} warm-up requests, then ${o.duration} s`);
    out.baseline = await baselineScenario(o, server);

    const refCookies = ref ? await prepareSessions(o, ref, refPick) : null;
    const cookies = await prepareSessions(o, server, pick);
    if (ref) {
      log(`session (${refDb.accounts} accounts): GET /api/v1/session over ${refCookies.length} cookies`);
      out.reference.session = await sessionScenario(o, ref, refCookies);
    }
    log(`session: GET /api/v1/session over ${cookies.length} cookies, ${o.warmup} warm-up requests, then ${o.duration} s`);
    out.session = await sessionScenario(o, server, cookies);

    const logged = await startServer(o, db, { logLevel: 'info' });
    log(`session at LOG_LEVEL=info: a second server (pid ${logged.pid}) on the same database and cookies`);
    out.sessionInfoLogs = await sessionScenario(o, logged, cookies);
    await logged.stop();
    // Once more at warn right after, so the logs' cost is judged against the mean of the windows around it.
    out.sessionAgain = await sessionScenario(o, server, cookies);

    if (o.floor) {
      floor = await startFloor(o, db);
      log(`floor session: GET /floor/session (bench/floor/server.js, pid ${floor.pid}) over the same cookies`);
      out.floorSession = await sessionScenario(o, floor, cookies, '/floor/session');
    }

    const indices = verifyAccounts(o, pick);
    if (ref) {
      const refChallenges = await prepareChallenges(o, ref, verifyAccounts(o, refPick));
      log(`verify (${refDb.accounts} accounts): ${refChallenges.length} TOTP challenges`);
      out.reference.verify = await verifyScenario(o, ref, refChallenges);
      await ref.stop();
    }
    const challenges = await prepareChallenges(o, server, indices);
    log(`verify: ${challenges.length} TOTP challenges (${Math.min(o.warmup, challenges.length)} of them warm-up)`);
    out.verify = await verifyScenario(o, server, challenges);
    if (floor) {
      await resetVerifyAccounts(db, indices);
      const floorChallenges = await prepareChallenges(o, server, indices);
      log(`floor verify: POST /floor/challenges/{id}/verify over ${floorChallenges.length} challenges of the same accounts`);
      out.floorVerify = await verifyScenario(o, floor, floorChallenges, '/floor');
      // Where the audit row goes: the same floor verify with the row written after the commit, in a statement of its own.
      await resetVerifyAccounts(db, indices);
      log('floor verify, audit row after the commit');
      out.floorVerifyAuditAfter = await verifyScenario(o, floor, await prepareChallenges(o, server, indices), '/floor', '?audit=after');
      await floor.stop();
    }

    // The bare hash is measured right before the storm, with the server idle.
    out.argon2 = await argon2Ceiling(o, passwordHash);
    log(
      `argon2id: ${out.argon2.cpuMsPerHash} ms CPU per verify alone, ${out.argon2.cpuMsPerHashConcurrent} ms ${out.argon2.cores} at a time; ${out.argon2.singleHashMs} ms per hash (fastest of ${out.argon2.samplesMs.length}) × ${out.argon2.cores} cores = ${out.argon2.ceilingPerSecond}/s`,
    );
    log(`login storm: POST /api/v1/auth/login with ${o.loginConnections} connections, /healthz probe at 20/s`);
    out.login = await loginScenario(o, server, pick, out.argon2);
    const [replayAccount] = pick(1, true);
    out.replay = await replayCheckOurs(server, replayAccount);
    return out;
  } finally {
    await floor?.stop();
    await ref?.stop();
    await server.stop();
  }
}

/** PostgreSQL runs: the session and verify scenarios of mpp-2fa on SQLite too, in the same run. */
async function runSqliteCompanion(o, db) {
  const server = await startServer(o, db);
  log(`SQLite in the same run: server pid ${server.pid}`);
  try {
    const pick = picker(db.accounts);
    const cookies = await prepareSessions(o, server, pick);
    const session = await sessionScenario(o, server, cookies);
    const verify = await verifyScenario(o, server, await prepareChallenges(o, server, verifyAccounts(o, pick)));
    return { session, verify };
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------
// Peer: better-auth with its two-factor plugin on SQLite.

async function runPeer(o, dataDir) {
  const { totp } = await loadDist();
  const port = await freePort();
  const users = o.peerUsers + 1;
  const args = ['--port', String(port), '--db', join(dataDir, 'better-auth.sqlite'), '--users', String(users), '--password', PASSWORD, '--secret', PEER_SECRET];
  if (o.peerScrypt) args.push('--scrypt-passwords');
  const env = { ...process.env, BETTER_AUTH_TELEMETRY: '0', NODE_ENV: 'production' };
  delete env.NODE_OPTIONS;
  log(`peer: starting better-auth with ${users} accounts`);
  const server = await forkServer(join(ROOT, 'bench', 'peers', 'better-auth', 'server.js'), args, env, { readySeconds: 300 });
  cleanups.unshift(() => server.stop());
  log(`peer listening on ${server.url}, pid ${server.pid}`);
  const origin = server.url;
  const signIn = (i) => requestJson(`${origin}/api/auth/sign-in/email`, { body: { email: peerEmail(i), password: PASSWORD }, headers: { origin } });
  const keyOf = (i) => Buffer.from(peerTotpSecret(PEER_SECRET, i), 'utf8');
  try {
    const indices = Array.from({ length: o.peerUsers }, (_, i) => i);
    const bar = progressBar('better-auth sign-ins (pending 2FA)', indices.length);
    const pending = await mapPool(
      indices,
      4,
      async (i) => {
        const r = await signIn(i);
        if (r.status !== 200 || r.body?.twoFactorRedirect !== true) throw new Error(`better-auth sign-in answered ${r.status} ${JSON.stringify(r.body)}`);
        return { cookies: r.cookies, key: keyOf(i) };
      },
      { maxSeconds: o.prepSeconds, onProgress: (n) => bar.update(n) },
    );
    if (pending.length < indices.length) bar.update(indices.length);
    log(`peer verify: ${pending.length} pending sign-ins`);
    const m = await oneUseScenario(o, server, pending, (req, p) => {
      req.method = 'POST';
      req.path = '/api/auth/two-factor/verify-totp';
      req.headers = { ...req.headers, 'content-type': 'application/json', cookie: p.cookies, origin };
      req.body = JSON.stringify({ code: totp.generateTotpCode(p.key, new Date()) });
      return req;
    });
    const non200 =
      Object.entries(m.statusCounts)
        .filter(([code]) => code !== '200')
        .reduce((sum, [, n]) => sum + n, 0) + m.errors;

    const last = users - 1;
    const code = totp.generateTotpCode(keyOf(last), new Date());
    const verifyWith = async () => {
      const s = await signIn(last);
      return requestJson(`${origin}/api/auth/two-factor/verify-totp`, { body: { code }, headers: { origin, cookie: s.cookies } });
    };
    const first = await verifyWith();
    const again = await verifyWith();
    const replay = { firstStatus: first.status, replayStatus: again.status, replayCode: again.body?.code ?? null, replayAccepted: again.status === 200 };
    return {
      ...m,
      preparedSignIns: pending.length,
      non200,
      replay,
      passwordHashing: o.peerScrypt ? 'scrypt (better-auth default)' : 'cheap SHA-256 (preparation only)',
    };
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------

function pickMetrics(m) {
  if (!m) return null;
  const { statusCounts, ...rest } = m;
  return { ...rest, statusCounts };
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const loadAverageStart = os.loadavg();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  log(
    `mpp-2fa bench: ${o.accounts} accounts, ${o.database ? 'PostgreSQL' : 'SQLite'}, ${o.duration} s scenarios, ${o.connections} connections, ${os.availableParallelism()} cores`,
  );

  // The first `mpp-2fa migrate` also builds dist/ when it is missing or older than src/.
  const scratch = mkdtempSync(join(os.tmpdir(), 'mpp-2fa-bench-'));
  cleanups.push(() => !o.keep && rmSync(scratch, { recursive: true, force: true }));
  let passwordHash;
  const hashOnce = async () => {
    passwordHash ??= await (await loadDist()).hasher.createArgon2Hasher().hash(PASSWORD);
    return passwordHash;
  };

  const refDb = o.accounts > SCALE_REFERENCE_ACCOUNTS ? await createDatabase(o, 'ref', SCALE_REFERENCE_ACCOUNTS, hashOnce) : null;
  const db = await createDatabase(o, 'main', o.accounts, hashOnce);
  const ours = await runOurs(o, db, refDb, await hashOnce());
  const reference = ours.reference;
  const sqliteDb = o.database ? await createDatabase({ ...o, database: null }, 'sqlite', o.accounts, hashOnce) : null;
  const companion = sqliteDb ? await runSqliteCompanion(o, sqliteDb) : null;
  const peer = o.peer ? await runPeer(o, scratch) : null;

  const baseline = pickMetrics(ours.baseline);
  const floorSession = pickMetrics(ours.floorSession);
  const floorVerify = pickMetrics(ours.floorVerify);
  const floorVerifyAuditAfter = ours.floorVerifyAuditAfter
    ? { ...pickMetrics(ours.floorVerifyAuditAfter), cpuRatioToInTransaction: ratio(ours.floorVerifyAuditAfter.cpuMsPerRequest, floorVerify.cpuMsPerRequest) }
    : null;
  // CPU per request (server, plus database on PostgreSQL) is the primary figure; req/s ratios follow it.
  const session = {
    ...pickMetrics(ours.session),
    cpuRatioToFloor: ratio(ours.session.cpuMsPerRequest, floorSession?.cpuMsPerRequest),
    ratioToFloorRps: ratio(ours.session.rps, floorSession?.rps),
    ratioToBaseline: ratio(ours.session.rps, baseline.rps),
  };
  const sessionInfoLogs = {
    ...pickMetrics(ours.sessionInfoLogs),
    // What request logs at LOG_LEVEL=info add to the session route's CPU (0.1 = 10 %), against the mean of the warn windows before and after.
    warnCpuMsPerRequest: round((ours.session.cpuMsPerRequest + ours.sessionAgain.cpuMsPerRequest) / 2, 3),
    logCostRatio: ratio(
      ours.sessionInfoLogs.cpuMsPerRequest - (ours.session.cpuMsPerRequest + ours.sessionAgain.cpuMsPerRequest) / 2,
      (ours.session.cpuMsPerRequest + ours.sessionAgain.cpuMsPerRequest) / 2,
    ),
  };
  const verify = {
    ...pickMetrics(ours.verify),
    cpuRatioToFloor: ratio(ours.verify.cpuMsPerRequest, floorVerify?.cpuMsPerRequest),
    ratioToFloorRps: ratio(ours.verify.rps, floorVerify?.rps),
    ratioToBaseline: ratio(ours.verify.rps, baseline.rps),
  };
  const login = pickMetrics(ours.login);
  const peerOut = peer
    ? { ...pickMetrics(peer), ratioOursToPeer: ratio(verify.rps, peer.rps), cpuRatioPeerToOurs: ratio(peer.cpuMsPerRequest, verify.cpuMsPerRequest) }
    : null;
  const sqliteSameRun = companion
    ? {
        session: pickMetrics(companion.session),
        verify: pickMetrics(companion.verify),
        sessionCpuRatio: ratio(session.cpuMsPerRequest, companion.session.cpuMsPerRequest),
        verifyCpuRatio: ratio(verify.cpuMsPerRequest, companion.verify.cpuMsPerRequest),
      }
    : null;
  const ref = reference ?? ours;
  const scale = {
    reference: {
      accounts: reference ? SCALE_REFERENCE_ACCOUNTS : o.accounts,
      sessionP50Ms: ref.session.p50Ms,
      sessionP99Ms: ref.session.p99Ms,
      verifyP50Ms: ref.verify.p50Ms,
      verifyP99Ms: ref.verify.p99Ms,
      sessionRps: ref.session.rps,
      verifyRps: ref.verify.rps,
    },
    large: reference ? { accounts: o.accounts, sessionP99Ms: session.p99Ms, verifyP99Ms: verify.p99Ms, sessionRps: session.rps, verifyRps: verify.rps } : null,
    sessionP99Ratio: reference ? ratio(session.p99Ms, reference.session.p99Ms) : null,
    verifyP99Ratio: reference ? ratio(verify.p99Ms, reference.verify.p99Ms) : null,
  };
  const rssByScenario = {
    baseline: baseline.rssPeakMB,
    session: session.rssPeakMB,
    'session at LOG_LEVEL=info': sessionInfoLogs.rssPeakMB,
    verify: verify.rssPeakMB,
    login: login.rssPeakMB,
  };
  if (companion) Object.assign(rssByScenario, { 'sqlite session': companion.session.rssPeakMB, 'sqlite verify': companion.verify.rssPeakMB });
  if (reference) Object.assign(rssByScenario, { 'scale-reference session': reference.session.rssPeakMB, 'scale-reference verify': reference.verify.rssPeakMB });
  const rssValues = Object.values(rssByScenario).filter((v) => typeof v === 'number');

  const result = {
    version: 2,
    command,
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    totalSeconds: null,
    machine: {
      cores: os.availableParallelism(),
      cpu: os.cpus()[0]?.model ?? null,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageStart,
      loadAverageEnd: os.loadavg(),
    },
    config: {
      accounts: o.accounts,
      database: o.database ? 'postgres' : 'sqlite',
      server: o.server,
      nodeOptions: o.execArgv,
      uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? null,
      durationSeconds: o.duration,
      connections: o.connections,
      warmupRequests: o.warmup,
      loginWarmupRequests: o.loginWarmup,
      loginConnections: o.loginConnections,
      quick: o.quick,
      seedSeconds: db.seedSeconds,
    },
    argon2: ours.argon2,
    scenarios: { baseline, floorSession, session, sessionInfoLogs, floorVerify, floorVerifyAuditAfter, verify, login, peer: peerOut },
    sqliteSameRun,
    scale,
    replay: { ours: ours.replay, peer: peer?.replay ?? null },
    rss: { maxMB: rssValues.length ? Math.max(...rssValues) : null, byScenario: rssByScenario, peerMB: peer?.rssPeakMB ?? null },
    targets: [],
  };
  result.targets = evaluateTargets(result);
  result.finishedAt = new Date().toISOString();
  result.totalSeconds = round((Date.now() - startedAt.getTime()) / 1000, 1);

  const rows = tableRows(result);
  const passed = result.targets.filter((t) => t.pass === true).length;
  const failed = result.targets.filter((t) => t.pass === false).length;
  const text = [
    '',
    `mpp-2fa bench — ${o.accounts} accounts, ${result.config.database}, ${result.machine.cores} cores, Node ${process.version}, ${result.totalSeconds} s`,
    '',
    textTable(rows),
    '',
    `Targets: ${passed} passed, ${failed} failed, ${result.targets.length - passed - failed} not measured`,
    ...targetLines(result.targets),
    '',
    ...notes(result).map((l) => `  ${l}`),
    '',
  ].join('\n');
  process.stdout.write(text);

  const markdown = [
    `Command: \`${command}\` (${result.machine.cores} cores, Node ${process.version}, ${result.config.database}, ${result.startedAt})`,
    '',
    markdownTable(rows),
    '',
    ...result.targets.map(
      (t) =>
        `- ${t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'FAIL'}: ${t.description} (${t.value ?? 'not measured'}${t.value === null ? '' : t.unit === '×' ? ' ×' : ` ${t.unit}`})`,
    ),
    ...notes(result).map((l) => `- ${l}`),
    '',
  ].join('\n');
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
  const mdPath = o.out.replace(/\.json$/, '') + '.md';
  writeFileSync(mdPath, markdown);
  process.stdout.write(`Results: ${o.out}\nREADME snippet (${mdPath}):\n\n${markdown}\n`);
}

async function cleanup() {
  for (const fn of cleanups.splice(0)) {
    try {
      await fn();
    } catch (error) {
      process.stderr.write(`cleanup: ${error.message}\n`);
    }
  }
  closeAgents();
}

/** True when this file is the program (`node bench/run.js`), not imported by bench/profile.js. */
const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);

if (isMain) {
  // A closed pipe (`npm run bench | head`) must not skip the cleanup (temporary databases).
  process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      if (interrupted) return;
      interrupted = true;
      process.stderr.write(`\n${signal}: stopping\n`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    await main();
    await cleanup();
  } catch (error) {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    await cleanup();
    process.exitCode = 1;
  }
}

export {
  argon2Ceiling,
  baselineScenario,
  cleanup,
  createDatabase,
  log,
  loginScenario,
  parseOptions,
  PASSWORD,
  picker,
  prepareChallenges,
  prepareSessions,
  sessionScenario,
  startFloor,
  startServer,
  verifyAccounts,
  verifyScenario,
  windowed,
};
