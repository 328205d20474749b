// Opt-in (BENCH_SQL_STATS=1, set by bench/profile.js): times every better-sqlite3 statement
// the server runs, by SQL text, and answers 'sqlstats:reset' / 'sqlstats:report' over IPC.
// Patches better-sqlite3's prototype in the bench's server process only; src/ is untouched.
import { createRequire } from 'node:module';

export function installSqlStats() {
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const stats = new Map();
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function timedPrepare(sql) {
    const statement = prepare.call(this, sql);
    const key = sql.replace(/\s+/g, ' ');
    for (const method of ['run', 'all', 'get']) {
      const original = statement[method];
      statement[method] = function timed(...args) {
        const started = process.hrtime.bigint();
        try {
          return original.apply(this, args);
        } finally {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const s = stats.get(key) ?? { calls: 0, totalMs: 0, maxMs: 0, over5Ms: 0 };
          s.calls += 1;
          s.totalMs += ms;
          s.maxMs = Math.max(s.maxMs, ms);
          if (ms > 5) s.over5Ms += 1;
          stats.set(key, s);
        }
      };
    }
    return statement;
  };
  process.on('message', (message) => {
    if (message?.type === 'sqlstats:reset') {
      stats.clear();
      process.send?.({ type: 'reply', id: message.id });
    } else if (message?.type === 'sqlstats:report') {
      const rows = [...stats].map(([sql, s]) => ({ sql, ...s })).sort((a, b) => b.totalMs - a.totalMs);
      process.send?.({ type: 'reply', id: message.id, rows });
    }
  });
}
