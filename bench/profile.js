#!/usr/bin/env node
// CPU profile of the server during one scenario's measurement window:
//   node bench/profile.js session|verify|login|baseline [bench options, e.g. --accounts 10000]
//   node bench/profile.js summarize FILE.cpuprofile [TOP]
// Seeds and prepares like `npm run bench`, profiles only the measured window (inspector in
// bench/server.js), writes the .cpuprofile (open it in Chrome DevTools) and prints the
// functions and packages with the most self time, then the time of each SQL statement
// (SQLite; BENCH_SQL_STATS in bench/server.js).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarizeProfile } from './lib/cpuprofile.js';
import {
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
  startServer,
  verifyAccounts,
  verifyScenario,
} from './run.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCENARIOS = ['baseline', 'session', 'verify', 'login'];

async function main() {
  const [scenario, ...rest] = process.argv.slice(2);
  if (scenario === 'summarize' && rest[0]) {
    process.stdout.write(`${summarizeProfile(rest[0], Number(rest[1] ?? 25))}\n`);
    return;
  }
  if (!SCENARIOS.includes(scenario)) {
    process.stderr.write(`usage: node bench/profile.js ${SCENARIOS.join('|')} [bench options]\n       node bench/profile.js summarize FILE.cpuprofile [TOP]\n`);
    process.exit(2);
  }
  const o = parseOptions(rest);
  const dir = join(ROOT, 'bench', 'results', 'profiles');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${scenario}-${o.accounts}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);

  let hash;
  const hashOnce = async () => {
    const { createArgon2Hasher } = await import(new URL('../dist/adapters/password-hasher.js', import.meta.url).href);
    hash ??= await createArgon2Hasher().hash(PASSWORD);
    return hash;
  };
  const db = await createDatabase(o, 'profile', o.accounts, hashOnce);
  process.env.BENCH_SQL_STATS = '1';
  const server = await startServer(o, db);
  let sqlRows = [];
  // Profile exactly the measurement window of the scenario.
  const { startWindow, endWindow } = server;
  server.startWindow = async () => {
    await startWindow.call(server);
    await server.ask('sqlstats:reset');
    await server.ask('profile:start');
  };
  server.endWindow = async () => {
    await server.ask('profile:stop', { path }, 60_000);
    sqlRows = (await server.ask('sqlstats:report'))?.rows ?? [];
    return endWindow.call(server);
  };
  const pick = picker(db.accounts);
  let m;
  if (scenario === 'baseline') m = await baselineScenario(o, server);
  if (scenario === 'session') m = await sessionScenario(o, server, await prepareSessions(o, server, pick));
  if (scenario === 'verify') m = await verifyScenario(o, server, await prepareChallenges(o, server, verifyAccounts(o, pick)));
  if (scenario === 'login') m = await loginScenario(o, server, pick, await argon2Ceiling(o, await hashOnce()));
  log(`${scenario}: ${m.rps} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, non-2xx ${m.non2xx}`);
  process.stdout.write(`\n${path}\n${summarizeProfile(path)}\n`);
  const served = m.ok || m.requests || 1;
  const sqlTotal = sqlRows.reduce((sum, r) => sum + r.totalMs, 0);
  process.stdout.write(
    `\nSQL statements (better-sqlite3 only; ${(sqlRows.reduce((sum, r) => sum + r.calls, 0) / served).toFixed(2)} statements and ${(sqlTotal / served).toFixed(3)} ms per request, server CPU ${m.cpuMsPerRequest} ms per request):\n` +
      sqlRows
        .slice(0, 20)
        .map(
          (r) =>
            `${(r.calls / served).toFixed(2).padStart(6)}/req ${((1000 * r.totalMs) / r.calls).toFixed(0).padStart(6)} µs avg ${r.maxMs.toFixed(1).padStart(7)} ms max ${String(r.over5Ms).padStart(4)} >5ms  ${r.sql.slice(0, 110)}`,
        )
        .join('\n') +
      '\n',
  );
}

try {
  await main();
} catch (error) {
  process.stderr.write(`profile failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
