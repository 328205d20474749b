#!/usr/bin/env node
// What request logs cost the session route: `node bench/log-cost.js [--rounds N] [bench options]`
// runs GET /api/v1/session on two servers over the same database and cookies, one at
// LOG_LEVEL=warn and one at LOG_LEVEL=info (request logs on), alternating N rounds (default 3)
// so that both see the same machine load, and prints the CPU per request of each round.
import { cleanup, createDatabase, log, parseOptions, PASSWORD, picker, prepareSessions, sessionScenario, startServer } from './run.js';

const argv = process.argv.slice(2);
const at = argv.indexOf('--rounds');
const rounds = at === -1 ? 3 : Number(argv.splice(at, 2)[1]);

try {
  const o = parseOptions(argv);
  const { createArgon2Hasher } = await import(new URL('../dist/adapters/password-hasher.js', import.meta.url).href);
  let hash;
  const db = await createDatabase(o, 'logs', o.accounts, async () => (hash ??= await createArgon2Hasher().hash(PASSWORD)));
  const quiet = await startServer(o, db);
  const logged = await startServer(o, db, { logLevel: 'info' });
  const cookies = await prepareSessions(o, quiet, picker(db.accounts));
  const costs = [];
  for (let round = 1; round <= rounds; round += 1) {
    const warn = await sessionScenario(o, quiet, cookies);
    const info = await sessionScenario(o, logged, cookies);
    const cost = info.cpuMsPerRequest / warn.cpuMsPerRequest - 1;
    costs.push(cost);
    log(
      `round ${round}: LOG_LEVEL=warn ${warn.cpuMsPerRequest} ms CPU/req, info ${info.cpuMsPerRequest} ms CPU/req: request logs ${(100 * cost).toFixed(1)} %`,
    );
  }
  const sorted = [...costs].sort((a, b) => a - b);
  process.stdout.write(
    `request logs at LOG_LEVEL=info: ${(100 * sorted[Math.floor(sorted.length / 2)]).toFixed(1)} % of the session route's CPU (median of ${rounds} rounds: ${costs.map((c) => `${(100 * c).toFixed(1)} %`).join(', ')})\n`,
  );
} catch (error) {
  process.stderr.write(`log-cost failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
