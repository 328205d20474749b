import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The quick bench takes ~15 s on an idle 2-core machine; the margin is for a busy one. */
const TIMEOUT_MS = 180_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bench/run.js …`, killing it (by its own pid) if it overruns. */
function runBench(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'run.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS - 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const SCENARIO_ROWS = [
  'baseline GET /bench/baseline',
  'floor GET /floor/session (driver directly)',
  'session GET /api/v1/session',
  'session at LOG_LEVEL=info',
  'floor POST /floor/…/verify (driver directly)',
  'floor verify, audit row after the commit',
  'verify POST …/verify TOTP',
  'argon2id bare verify, one alone (bench process)',
  'at a time like the hasher (bench process)',
  'login POST /api/v1/auth/login',
  'GET /healthz probe during logins',
  'scale: session p99',
  'scale: verify p99',
  'peer better-auth verify-totp',
  'server peak RSS',
];

const TARGET_IDS = [
  'verify_cpu_vs_floor',
  'verify_non200',
  'session_cpu_vs_floor',
  'session_log_cost',
  'login_cpu_vs_argon2',
  'healthz_p99_during_logins',
  'postgres_verify_cpu_vs_sqlite',
  'postgres_session_cpu_vs_sqlite',
  'better_auth_cpu_vs_ours',
  'scale_session_p99',
  'scale_verify_p99',
  'rss',
];

describe('npm run bench -- --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpp-2fa-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'prints the table and writes the JSON results with every scenario and target',
    async () => {
      const out = join(dir, 'latest.json');
      const run = await runBench(['--quick', '--out', out]);
      expect(run.code, run.stderr).toBe(0);

      expect(run.stdout).toMatch(
        /scenario\s+CPU ms\/req\s+server\s+database\s+req\/s\s+p50 ms\s+p99 ms\s+non-2xx\s+RSS MB\s+ELD p99\s+ratio\s+target\s+result/,
      );
      for (const row of SCENARIO_ROWS) expect(run.stdout).toContain(row);
      expect(run.stdout).toMatch(/Targets: \d+ passed, \d+ failed, \d+ not measured/);
      expect(run.stdout).toContain('| scenario | CPU ms/req |');

      const json = JSON.parse(readFileSync(out, 'utf8'));
      expect(Object.keys(json)).toEqual(expect.arrayContaining(['command', 'machine', 'config', 'argon2', 'scenarios', 'scale', 'replay', 'rss', 'targets']));
      expect(json.config.accounts).toBe(200);
      expect(json.argon2).toMatchObject({
        cpuMsPerHash: expect.any(Number),
        cpuMsPerHashConcurrent: expect.any(Number),
        singleHashMs: expect.any(Number),
        ceilingPerSecond: expect.any(Number),
        cores: expect.any(Number),
      });
      expect(json.config.warmupRequests).toBe(30);

      for (const name of ['baseline', 'floorSession', 'session', 'sessionInfoLogs', 'floorVerify', 'floorVerifyAuditAfter', 'verify', 'login', 'peer']) {
        const s = json.scenarios[name];
        expect(s, name).toMatchObject({
          cpuMsPerRequest: expect.any(Number),
          serverCpuMsPerRequest: expect.any(Number),
          rps: expect.any(Number),
          p50Ms: expect.any(Number),
          p99Ms: expect.any(Number),
          requests: expect.any(Number),
          non2xx: expect.any(Number),
        });
        expect(s.requests, name).toBeGreaterThan(0);
        // Every answer of the measured window succeeded (the floor too: its requests are the bench's own).
        expect(s.non2xx, name).toBe(0);
        // SQLite: no database process to add.
        expect(s.dbCpuMsPerRequest, name).toBeNull();
        expect(s.cpuMsPerRequest, name).toBe(s.serverCpuMsPerRequest);
      }
      // Each warmed like the others (one-use scenarios keep a measured share of their items).
      for (const name of ['baseline', 'floorSession', 'session', 'sessionInfoLogs']) expect(json.scenarios[name].warmupRequests, name).toBe(30);
      for (const name of ['floorVerify', 'floorVerifyAuditAfter', 'verify', 'peer']) expect(json.scenarios[name].warmupRequests, name).toBeGreaterThan(0);
      const ratioOf = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
      const s0 = json.scenarios;
      expect(s0.session.cpuRatioToFloor).toBe(ratioOf(s0.session.cpuMsPerRequest, s0.floorSession.cpuMsPerRequest));
      expect(s0.verify.cpuRatioToFloor).toBe(ratioOf(s0.verify.cpuMsPerRequest, s0.floorVerify.cpuMsPerRequest));
      expect(s0.verify).toMatchObject({ non200: expect.any(Number), preparedChallenges: expect.any(Number) });
      expect(s0.login).toMatchObject({ cpuRatioToHash: expect.any(Number), ratioToCeiling: expect.any(Number), healthz: { p99Ms: expect.any(Number) } });
      expect(s0.login.cpuRatioToHash).toBe(ratioOf(s0.login.cpuMsPerRequest, json.argon2.cpuMsPerHashConcurrent));
      expect(s0.peer.cpuRatioPeerToOurs).toBe(ratioOf(s0.peer.cpuMsPerRequest, s0.verify.cpuMsPerRequest));
      expect(json.sqliteSameRun).toBeNull();
      expect(json.scale.reference).toMatchObject({ accounts: 200, sessionP99Ms: expect.any(Number), verifyP99Ms: expect.any(Number) });
      expect(json.scale.large).toBeNull();
      // Ours refuses a replayed TOTP code in every run; the peer's answer is what it is.
      expect(json.replay.ours.replayAccepted).toBe(false);
      expect(json.replay.peer.replayAccepted).toEqual(expect.any(Boolean));
      expect(json.rss.maxMB).toEqual(expect.any(Number));

      expect(json.targets.map((t: { id: string }) => t.id)).toEqual(TARGET_IDS);
      // Each target is judged from the figure it names: null only where nothing was measured
      // (the scale run at --quick), otherwise the comparison with its threshold.
      const s = json.scenarios;
      const judged: Record<string, [number | null, 'min' | 'max' | 'below']> = {
        verify_cpu_vs_floor: [s.verify.cpuRatioToFloor, 'max'],
        verify_non200: [s.verify.non200Percent, 'max'],
        session_cpu_vs_floor: [s.session.cpuRatioToFloor, 'max'],
        session_log_cost: [s.sessionInfoLogs.logCostRatio, 'max'],
        login_cpu_vs_argon2: [s.login.cpuRatioToHash, 'max'],
        healthz_p99_during_logins: [s.login.healthz.p99Ms, 'below'],
        postgres_verify_cpu_vs_sqlite: [null, 'max'],
        postgres_session_cpu_vs_sqlite: [null, 'max'],
        better_auth_cpu_vs_ours: [s.peer.cpuRatioPeerToOurs, 'min'],
        scale_session_p99: [null, 'max'],
        scale_verify_p99: [null, 'max'],
        rss: [json.rss.maxMB, 'below'],
      };
      for (const t of json.targets) {
        const [value, direction] = judged[t.id]!;
        expect(t.value, t.id).toBe(value);
        if (value === null) {
          expect(t.pass, t.id).toBeNull();
          continue;
        }
        const pass = direction === 'min' ? value >= t.threshold : direction === 'max' ? value <= t.threshold : value < t.threshold;
        expect(t.pass, t.id).toBe(pass);
      }

      // The Markdown snippet for the README is written beside the JSON.
      expect(readFileSync(join(dir, 'latest.md'), 'utf8')).toContain('| scenario | CPU ms/req |');
    },
    TIMEOUT_MS,
  );
});
