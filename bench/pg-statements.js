#!/usr/bin/env node
// PostgreSQL's own CPU per session lookup, with and without named prepared statements:
//   node bench/pg-statements.js postgres://user:pass@127.0.0.1/db [--queries N]
// Creates a scratch database, seeds one session, then runs the request path's session query
// (store/sessions.ts findSessionView) N times on a pool of one connection, first through the
// store as it is (named statements), then through Kysely on a plain pg pool (parsed and
// planned on every query). The figure is the backend process's user+system CPU from
// /proc/<pid>/stat (Linux), so it counts what the database spends, not the client.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

const { values, positionals } = parseArgs({ options: { queries: { type: 'string' } }, allowPositionals: true });
const url = positionals[0];
if (!url) {
  console.error('usage: node bench/pg-statements.js postgres://… [--queries N]');
  process.exit(2);
}
const QUERIES = Number(values.queries ?? 5000);
const WARM_UP = 500;
const { openDatabase } = await import('../dist/store/database.js');
const { migrateToLatest } = await import('../dist/store/migrate.js');
const { findSessionView, insertSession } = await import('../dist/store/sessions.js');
const { insertAccount } = await import('../dist/store/accounts.js');
const { insertSuperApp, insertWorkspace, upsertMembership } = await import('../dist/store/tenants.js');

const TICKS_PER_SECOND = 100;
function backendCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

const name = `mpp_stmt_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const target = new URL(url);
target.pathname = `/${name}`;
try {
  const setup = openDatabase({ url: target.toString(), poolMax: 1 });
  await migrateToLatest(setup.db);
  const now = new Date().toISOString();
  const later = new Date(Date.now() + 3600_000).toISOString();
  await insertSuperApp(setup.db, { id: 'sa', name: 'SA', now });
  await insertWorkspace(setup.db, { id: 'ws', superAppId: 'sa', name: 'WS', now });
  await insertAccount(setup.db, { id: 'acc', email: 'a@example.com', name: 'A', passwordHash: 'x', now });
  await upsertMembership(setup.db, { workspaceId: 'ws', accountId: 'acc', role: 'admin', now });
  await insertSession(setup.db, { id: 'sess', accountId: 'acc', workspaceId: 'ws', secondFactorMethods: [], expiresAt: later, now });
  await setup.close();

  async function measure(label, db) {
    const { rows } = await db.executeQuery({ sql: 'select pg_backend_pid() as pid', parameters: [], query: { kind: 'RawNode' } });
    const pid = rows[0].pid;
    for (let i = 0; i < WARM_UP; i += 1) await findSessionView(db, 'sess');
    const cpuBefore = backendCpuMs(pid);
    const started = process.hrtime.bigint();
    for (let i = 0; i < QUERIES; i += 1) await findSessionView(db, 'sess');
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpuUs = ((backendCpuMs(pid) - cpuBefore) * 1000) / QUERIES;
    console.log(
      `${label}: PostgreSQL backend CPU ${cpuUs.toFixed(1)} µs per session lookup, wall ${((wallMs * 1000) / QUERIES).toFixed(1)} µs (${QUERIES} queries)`,
    );
    return cpuUs;
  }

  const named = openDatabase({ url: target.toString(), poolMax: 1 });
  const withNames = await measure('named prepared statements (the store)', named.db);
  await named.close();
  const plainPool = new pg.Pool({ connectionString: target.toString(), max: 1 });
  const plain = new Kysely({ dialect: new PostgresDialect({ pool: plainPool }) });
  const withoutNames = await measure('unnamed statements (plain pg pool)', plain);
  await plain.destroy();
  console.log(`named / unnamed: ${(withNames / withoutNames).toFixed(2)} × the database CPU`);
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
