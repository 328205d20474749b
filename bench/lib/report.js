// Targets of the benchmark issue, the one table the bench prints, and its Markdown form.
import { round } from './load.js';

const ratio = (a, b) => (a === null || a === undefined || !b ? null : round(a / b, 3));

/** Evaluates every target; `pass` is null when the run could not measure it. */
export function evaluateTargets(r) {
  const s = r.scenarios;
  const t = [];
  const add = (id, description, value, threshold, compare, unit = '') => {
    const pass = value === null || value === undefined ? null : compare(value, threshold);
    t.push({ id, description, value, threshold, unit, pass });
  };
  add('authenticated_vs_baseline', 'authenticated GET /api/v1/session req/s ≥ 0.5 × baseline', s.session.ratioToBaseline, 0.5, (v, x) => v >= x, '×');
  add('verify_vs_baseline', 'TOTP verify req/s ≥ 0.2 × baseline', s.verify.ratioToBaseline, 0.2, (v, x) => v >= x, '×');
  add('verify_non200', 'TOTP verify non-200 answers ≤ 0.1 %', s.verify.non200Percent, 0.1, (v, x) => v <= x, '%');
  add('logins_vs_argon2_ceiling', 'password logins/s ≥ 0.9 × argon2id ceiling', s.login.ratioToCeiling, 0.9, (v, x) => v >= x, '×');
  add('healthz_p99_during_logins', 'GET /healthz p99 during the login storm < 25 ms', s.login.healthz?.p99Ms ?? null, 25, (v, x) => v < x, 'ms');
  add(
    'event_loop_p99_during_logins',
    'server event-loop delay p99 during the login storm < 20 ms',
    s.login.eventLoop?.p99Ms ?? null,
    20,
    (v, x) => v < x,
    'ms',
  );
  add('scale_session_p99', 'session p99 at the large size ≤ 1.2 × at 10k', r.scale.sessionP99Ratio, 1.2, (v, x) => v <= x, '×');
  add('scale_verify_p99', 'verify p99 at the large size ≤ 1.2 × at 10k', r.scale.verifyP99Ratio, 1.2, (v, x) => v <= x, '×');
  add('verify_vs_better_auth', 'TOTP verify req/s ≥ 20 × better-auth two-factor', s.peer?.ratioOursToPeer ?? null, 20, (v, x) => v >= x, '×');
  add('rss', 'server peak RSS < 200 MB in every scenario', r.rss.maxMB, 200, (v, x) => v < x, 'MB');
  return t;
}

const fmt = (v, digits = 1) => (v === null || v === undefined ? '—' : typeof v === 'number' ? v.toFixed(digits) : String(v));
const verdict = (pass) => (pass === null ? 'n/a' : pass ? 'PASS' : 'FAIL');

/** Rows of the table: [scenario, req/s, p50, p99, non-2xx, RSS, ELD p99, ratio, target, result]. */
export function tableRows(r) {
  const s = r.scenarios;
  const target = (id) => r.targets.find((x) => x.id === id);
  const row = (name, m, ratioText, targetIds, targetText) => {
    const passes = targetIds.map((id) => target(id)?.pass ?? null);
    const result =
      passes.length === 0 ? '' : passes.includes(false) ? 'FAIL' : passes.every((p) => p === null) ? 'n/a' : passes.includes(null) ? 'PASS*' : 'PASS';
    return [
      name,
      fmt(m?.rps),
      fmt(m?.p50Ms, 2),
      fmt(m?.p99Ms, 2),
      m ? fmt(m.non2xx ?? m.failures, 0) : '',
      fmt(m?.rssPeakMB),
      fmt(m?.eventLoop?.p99Ms, 2),
      m?.cpuMsPerRequest === undefined ? '' : fmt(m.cpuMsPerRequest, 2),
      ratioText,
      targetText,
      result,
    ];
  };
  const rows = [];
  rows.push(row('baseline GET /bench/baseline', s.baseline, '1.00 × baseline', [], ''));
  rows.push(
    row(
      `session GET /api/v1/session (${s.session.preparedSessions} cookies)`,
      s.session,
      `${fmt(s.session.ratioToBaseline, 2)} × baseline`,
      ['authenticated_vs_baseline'],
      '≥ 0.5',
    ),
  );
  rows.push(
    row(
      `verify POST …/verify TOTP (${s.verify.requests} of ${s.verify.preparedChallenges} challenges)`,
      s.verify,
      `${fmt(s.verify.ratioToBaseline, 2)} × baseline`,
      ['verify_vs_baseline', 'verify_non200'],
      '≥ 0.2, non-200 ≈ 0',
    ),
  );
  rows.push(
    row(
      'login POST /api/v1/auth/login',
      s.login,
      `${fmt(s.login.ratioToCeiling, 2)} × ceiling ${fmt(r.argon2.ceilingPerSecond)}/s`,
      ['logins_vs_argon2_ceiling', 'event_loop_p99_during_logins'],
      '≥ 0.9, ELD p99 < 20 ms',
    ),
  );
  rows.push(row('  GET /healthz probe during logins', s.login.healthz, '', ['healthz_p99_during_logins'], 'p99 < 25 ms'));
  const sc = r.scale;
  const scaleLabel = sc.large ? `${sc.large.accounts} vs ${sc.reference.accounts}` : `at ${sc.reference.accounts} only`;
  rows.push([
    'scale: session p99 ' + scaleLabel,
    '',
    fmt(sc.reference.sessionP50Ms, 2),
    fmt(sc.reference.sessionP99Ms, 2),
    '',
    '',
    '',
    '',
    sc.large ? `${fmt(sc.large.sessionP99Ms, 2)} ms = ${fmt(sc.sessionP99Ratio, 2)} ×` : 'run --accounts 1000000',
    '≤ 1.2',
    verdict(target('scale_session_p99').pass),
  ]);
  rows.push([
    'scale: verify p99 ' + scaleLabel,
    '',
    fmt(sc.reference.verifyP50Ms, 2),
    fmt(sc.reference.verifyP99Ms, 2),
    '',
    '',
    '',
    '',
    sc.large ? `${fmt(sc.large.verifyP99Ms, 2)} ms = ${fmt(sc.verifyP99Ratio, 2)} ×` : 'run --accounts 1000000',
    '≤ 1.2',
    verdict(target('scale_verify_p99').pass),
  ]);
  if (s.peer) {
    rows.push(
      row(
        `peer better-auth verify-totp (${s.peer.requests} of ${s.peer.preparedSignIns} sign-ins)`,
        s.peer,
        `ours/peer ${fmt(s.peer.ratioOursToPeer, 1)} ×`,
        ['verify_vs_better_auth'],
        '≥ 20',
      ),
    );
  } else {
    rows.push(['peer better-auth verify-totp', '', '', '', '', '', '', '', 'skipped', '≥ 20', 'n/a']);
  }
  rows.push(['server peak RSS, max over scenarios', '', '', '', '', fmt(r.rss.maxMB), '', '', '', '< 200 MB', verdict(target('rss').pass)]);
  return rows;
}

export const HEADER = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'RSS MB', 'ELD p99', 'CPU ms/req', 'ratio', 'target', 'result'];

export function textTable(rows) {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, c) => Math.max(...all.map((r) => String(r[c]).length)));
  const line = (r) =>
    r
      .map((cell, c) => (c === 0 || c >= 8 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(rows) {
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  return [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (i === 0 || i >= 8 ? ' --- ' : ' ---: ')).join('|')}|`,
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
  const cpu = (m) => (m?.cpuMsPerRequest ? `${fmt(m.cpuMsPerRequest, 2)} ms` : '—');
  if (s.baseline?.cpuMsPerRequest) {
    lines.push(
      `server CPU per request (all threads; less sensitive to a busy machine than req/s): baseline ${cpu(s.baseline)}, session ${cpu(s.session)} (${fmt(s.session.cpuRatioToBaseline, 2)} × baseline), verify ${cpu(s.verify)} (${fmt(s.verify.cpuRatioToBaseline, 2)} × baseline), login ${cpu(s.login)} (hash ${fmt(r.argon2.cpuMsPerHash, 2)} ms CPU = ${fmt(s.login.cpuRatioToCeiling, 2)} of a login)${s.peer ? `, better-auth verify ${cpu(s.peer)} (ours/peer ${fmt(s.peer.cpuRatioOursToPeer, 1)} ×)` : ''}`,
    );
  }
  const rp = r.replay;
  if (rp?.ours)
    lines.push(`replayed TOTP code (second login, same code): mpp-2fa answered ${rp.ours.replayStatus} (${rp.ours.replayAccepted ? 'ACCEPTED' : 'refused'})`);
  if (rp?.peer)
    lines.push(
      `replayed TOTP code (second sign-in, same code): better-auth answered ${rp.peer.replayStatus} (${rp.peer.replayAccepted ? 'ACCEPTED' : 'refused'})`,
    );
  lines.push(
    `argon2id single hash ${fmt(r.argon2.singleHashMs, 1)} ms (fastest of ${r.argon2.samplesMs.length}, median ${fmt(r.argon2.medianHashMs, 1)} ms) × ${r.argon2.cores} cores → ceiling ${fmt(r.argon2.ceilingPerSecond)} logins/s`,
  );
  lines.push(
    `load average at start ${r.machine.loadAverageStart.map((x) => x.toFixed(2)).join(' ')}, at end ${r.machine.loadAverageEnd.map((x) => x.toFixed(2)).join(' ')} (${r.machine.cores} cores; client and server share them)`,
  );
  return lines;
}

export { ratio };
