// Targets of the benchmark issue, the one table the bench prints, and its Markdown form.
import { round } from './load.js';

const ratio = (a, b) => (a === null || a === undefined || !b ? null : round(a / b, 3));

/** Evaluates every target; `pass` is null when the run could not measure it. */
export function evaluateTargets(r) {
  const s = r.scenarios;
  const t = [];
  const add = (id, description, value, threshold, compare, unit = '') => {
    const pass = value === null || value === undefined ? null : compare(value, threshold);
    t.push({ id, description, value: value ?? null, threshold, unit, pass });
  };
  const atMost = (v, x) => v <= x;
  add('verify_cpu_vs_floor', 'TOTP verify CPU per request ≤ 1.3 × the floor route', s.verify.cpuRatioToFloor, 1.3, atMost, '×');
  add('verify_non200', 'TOTP verify non-200 answers ≤ 0.1 %', s.verify.non200Percent, 0.1, atMost, '%');
  add('session_cpu_vs_floor', 'GET /api/v1/session CPU per request ≤ 1.3 × the floor route', s.session.cpuRatioToFloor, 1.3, atMost, '×');
  add('session_log_cost', 'request logs at LOG_LEVEL=info add ≤ 10 % to the session CPU', s.sessionInfoLogs.logCostRatio, 0.1, atMost, '×');
  add('login_cpu_vs_argon2', 'login CPU per request ≤ 1.15 × a bare argon2id verify', s.login.cpuRatioToHash, 1.15, atMost, '×');
  add('healthz_p99_during_logins', 'GET /healthz p99 during the login storm < 25 ms', s.login.healthz?.p99Ms ?? null, 25, (v, x) => v < x, 'ms');
  add(
    'postgres_verify_cpu_vs_sqlite',
    'PostgreSQL verify CPU (server + database) ≤ 2 × SQLite in the same run',
    r.sqliteSameRun?.verifyCpuRatio,
    2,
    atMost,
    '×',
  );
  add(
    'postgres_session_cpu_vs_sqlite',
    'PostgreSQL session CPU (server + database) ≤ 2 × SQLite in the same run',
    r.sqliteSameRun?.sessionCpuRatio,
    2,
    atMost,
    '×',
  );
  add('better_auth_cpu_vs_ours', 'better-auth verify CPU ≥ 8 × ours', s.peer?.cpuRatioPeerToOurs, 8, (v, x) => v >= x, '×');
  add('scale_session_p99', 'session p99 at the large size ≤ 1.2 × at 10k', r.scale.sessionP99Ratio, 1.2, atMost, '×');
  add('scale_verify_p99', 'verify p99 at the large size ≤ 1.2 × at 10k', r.scale.verifyP99Ratio, 1.2, atMost, '×');
  add('rss', 'server peak RSS < 200 MB in every scenario', r.rss.maxMB, 200, (v, x) => v < x, 'MB');
  return t;
}

const fmt = (v, digits = 1) => (v === null || v === undefined ? '—' : typeof v === 'number' ? v.toFixed(digits) : String(v));
const verdict = (pass) => (pass === null ? 'n/a' : pass ? 'PASS' : 'FAIL');
const percent = (v) => (v === null || v === undefined ? '—' : `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)} %`);

/** Rows of the table: [scenario, CPU ms/req, server, database, req/s, p50, p99, non-2xx, RSS, ELD p99, ratio, target, result]. */
export function tableRows(r) {
  const s = r.scenarios;
  const target = (id) => r.targets.find((x) => x.id === id);
  const resultOf = (targetIds) => {
    const passes = targetIds.map((id) => target(id)?.pass ?? null);
    return passes.length === 0 ? '' : passes.includes(false) ? 'FAIL' : passes.every((p) => p === null) ? 'n/a' : passes.includes(null) ? 'PASS*' : 'PASS';
  };
  const row = (name, m, ratioText, targetIds, targetText) => [
    name,
    m ? fmt(m.cpuMsPerRequest, 3) : '',
    m ? fmt(m.serverCpuMsPerRequest, 3) : '',
    m ? fmt(m.dbCpuMsPerRequest, 3) : '',
    fmt(m?.rps),
    fmt(m?.p50Ms, 2),
    fmt(m?.p99Ms, 2),
    m ? fmt(m.non2xx ?? m.failures, 0) : '',
    fmt(m?.rssPeakMB),
    fmt(m?.eventLoop?.p99Ms, 2),
    ratioText,
    targetText,
    resultOf(targetIds),
  ];
  const blank = (name, ratioText, targetIds, targetText, cells = {}) => [
    name,
    cells.cpu ?? '',
    '',
    '',
    '',
    cells.p50 ?? '',
    cells.p99 ?? '',
    '',
    cells.rss ?? '',
    '',
    ratioText,
    targetText,
    targetIds.length ? resultOf(targetIds) : '',
  ];
  const rows = [];
  rows.push(row('baseline GET /bench/baseline', s.baseline, '', [], ''));
  if (s.floorSession) rows.push(row('floor GET /floor/session (driver directly)', s.floorSession, '1.00 × floor', [], ''));
  rows.push(
    row(
      `session GET /api/v1/session (${s.session.preparedSessions} cookies)`,
      s.session,
      `${fmt(s.session.cpuRatioToFloor, 2)} × floor CPU`,
      ['session_cpu_vs_floor'],
      '≤ 1.3',
    ),
  );
  rows.push(row('  session at LOG_LEVEL=info', s.sessionInfoLogs, `${percent(s.sessionInfoLogs.logCostRatio)} CPU`, ['session_log_cost'], '≤ +10 %'));
  if (s.floorVerify) rows.push(row('floor POST /floor/…/verify (driver directly)', s.floorVerify, '1.00 × floor', [], ''));
  if (s.floorVerifyAuditAfter)
    rows.push(
      row('  floor verify, audit row after the commit', s.floorVerifyAuditAfter, `${fmt(s.floorVerifyAuditAfter.cpuRatioToInTransaction, 2)} × floor`, [], ''),
    );
  rows.push(
    row(
      `verify POST …/verify TOTP (${s.verify.requests} measured of ${s.verify.preparedChallenges})`,
      s.verify,
      `${fmt(s.verify.cpuRatioToFloor, 2)} × floor CPU`,
      ['verify_cpu_vs_floor', 'verify_non200'],
      '≤ 1.3, non-200 ≈ 0',
    ),
  );
  rows.push(blank('argon2id bare verify, one alone (bench process)', '', [], '', { cpu: fmt(r.argon2.cpuMsPerHash, 3) }));
  rows.push(
    blank(`argon2id bare verify, ${r.argon2.cores} at a time like the hasher (bench process)`, '1.00 × argon2id', [], '', {
      cpu: fmt(r.argon2.cpuMsPerHashConcurrent, 3),
    }),
  );
  rows.push(
    row(
      'login POST /api/v1/auth/login',
      s.login,
      `${fmt(s.login.cpuRatioToHash, 2)} × argon2id CPU (${fmt(s.login.cpuRatioToSingleHash, 2)} × one alone)`,
      ['login_cpu_vs_argon2'],
      '≤ 1.15',
    ),
  );
  rows.push(row('  GET /healthz probe during logins', s.login.healthz, '', ['healthz_p99_during_logins'], 'p99 < 25 ms'));
  const same = r.sqliteSameRun;
  if (same) {
    rows.push(row('sqlite session, same run', same.session, `postgres ${fmt(same.sessionCpuRatio, 2)} ×`, ['postgres_session_cpu_vs_sqlite'], '≤ 2'));
    rows.push(row('sqlite verify, same run', same.verify, `postgres ${fmt(same.verifyCpuRatio, 2)} ×`, ['postgres_verify_cpu_vs_sqlite'], '≤ 2'));
  }
  const sc = r.scale;
  const scaleLabel = sc.large ? `${sc.large.accounts} vs ${sc.reference.accounts}` : `at ${sc.reference.accounts} only`;
  rows.push(
    blank(
      'scale: session p99 ' + scaleLabel,
      sc.large ? `${fmt(sc.large.sessionP99Ms, 2)} ms = ${fmt(sc.sessionP99Ratio, 2)} ×` : 'run --accounts 1000000',
      ['scale_session_p99'],
      '≤ 1.2',
      { p50: fmt(sc.reference.sessionP50Ms, 2), p99: fmt(sc.reference.sessionP99Ms, 2) },
    ),
  );
  rows.push(
    blank(
      'scale: verify p99 ' + scaleLabel,
      sc.large ? `${fmt(sc.large.verifyP99Ms, 2)} ms = ${fmt(sc.verifyP99Ratio, 2)} ×` : 'run --accounts 1000000',
      ['scale_verify_p99'],
      '≤ 1.2',
      { p50: fmt(sc.reference.verifyP50Ms, 2), p99: fmt(sc.reference.verifyP99Ms, 2) },
    ),
  );
  if (s.peer) {
    rows.push(
      row(
        `peer better-auth verify-totp (${s.peer.requests} measured of ${s.peer.preparedSignIns})`,
        s.peer,
        `peer/ours CPU ${fmt(s.peer.cpuRatioPeerToOurs, 1)} ×`,
        ['better_auth_cpu_vs_ours'],
        '≥ 8',
      ),
    );
  } else {
    rows.push(blank('peer better-auth verify-totp', 'skipped', ['better_auth_cpu_vs_ours'], '≥ 8'));
  }
  rows.push(blank('server peak RSS, max over scenarios', '', ['rss'], '< 200 MB', { rss: fmt(r.rss.maxMB) }));
  return rows;
}

export const HEADER = [
  'scenario',
  'CPU ms/req',
  'server',
  'database',
  'req/s',
  'p50 ms',
  'p99 ms',
  'non-2xx',
  'RSS MB',
  'ELD p99',
  'ratio',
  'target',
  'result',
];
/** Columns from `ratio` on are text (left-aligned). */
const TEXT_FROM = 10;

export function textTable(rows) {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, c) => Math.max(...all.map((r) => String(r[c]).length)));
  const line = (r) =>
    r
      .map((cell, c) => (c === 0 || c >= TEXT_FROM ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(rows) {
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  return [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (i === 0 || i >= TEXT_FROM ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function targetLines(targets) {
  return targets.map(
    (t) =>
      `  ${verdict(t.pass).padEnd(4)}  ${t.description}: ${t.value === null || t.value === undefined ? 'not measured' : `${t.value}${t.unit === '×' ? ' ×' : ` ${t.unit}`}`}`,
  );
}

export function notes(r) {
  const lines = [];
  const s = r.scenarios;
  lines.push(
    `CPU ms/req: CPU time per answered request of the server process (all threads)${r.config.database === 'postgres' ? ' plus the PostgreSQL backends of the bench database (/proc)' : ''}; each scenario ran ${r.config.warmupRequests} warm-up requests first (login: ${r.config.loginWarmupRequests})`,
  );
  if (s.verify.cpuRatioToFloor !== null && s.verify.cpuRatioToFloor !== undefined) {
    lines.push(
      `req/s ours/floor: session ${fmt(s.session.ratioToFloorRps, 2)} ×, verify ${fmt(s.verify.ratioToFloorRps, 2)} × (client and servers share the cores)`,
    );
  }
  lines.push(
    `login: ${fmt(s.login.rps)} logins/s = ${fmt(s.login.ratioToCeiling, 2)} × the argon2id ceiling (${r.argon2.cores} cores / fastest hash ${fmt(r.argon2.singleHashMs, 1)} ms = ${fmt(r.argon2.ceilingPerSecond)}/s, idle cores assumed); the hash is ${fmt(100 * (s.login.hashShareOfCpu ?? NaN), 0)} % of a login's CPU; the server's main thread (event loop) used ${fmt(s.login.serverMainThreadCpuMsPerRequest, 2)} ms of it per login, its other threads (argon2id in the thread pool, V8's helpers) ${fmt(s.login.serverOtherThreadsCpuMsPerRequest, 2)} ms`,
  );
  const rp = r.replay;
  if (rp?.ours)
    lines.push(`replayed TOTP code (second login, same code): mpp-2fa answered ${rp.ours.replayStatus} (${rp.ours.replayAccepted ? 'ACCEPTED' : 'refused'})`);
  if (rp?.peer)
    lines.push(
      `replayed TOTP code (second sign-in, same code): better-auth answered ${rp.peer.replayStatus} (${rp.peer.replayAccepted ? 'ACCEPTED' : 'refused'})`,
    );
  lines.push(
    `load average at start ${r.machine.loadAverageStart.map((x) => x.toFixed(2)).join(' ')}, at end ${r.machine.loadAverageEnd.map((x) => x.toFixed(2)).join(' ')} (${r.machine.cores} cores; client and server share them)`,
  );
  return lines;
}

export { ratio };
