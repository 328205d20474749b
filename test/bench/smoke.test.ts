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
  'session GET /api/v1/session',
  'verify POST …/verify TOTP',
  'login POST /api/v1/auth/login',
  'GET /healthz probe during logins',
  'scale: session p99',
  'scale: verify p99',
  'peer better-auth verify-totp',
  'server peak RSS',
];

const TARGET_IDS = [
  'authenticated_vs_baseline',
  'verify_vs_baseline',
  'verify_non200',
  'logins_vs_argon2_ceiling',
  'healthz_p99_during_logins',
  'event_loop_p99_during_logins',
  'scale_session_p99',
  'scale_verify_p99',
  'verify_vs_better_auth',
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

      expect(run.stdout).toMatch(/scenario\s+req\/s\s+p50 ms\s+p99 ms\s+non-2xx\s+RSS MB\s+ELD p99\s+CPU ms\/req\s+ratio\s+target\s+result/);
      for (const row of SCENARIO_ROWS) expect(run.stdout).toContain(row);
      expect(run.stdout).toMatch(/Targets: \d+ passed, \d+ failed, \d+ not measured/);
      expect(run.stdout).toContain('| scenario | req/s |');

      const json = JSON.parse(readFileSync(out, 'utf8'));
      expect(Object.keys(json)).toEqual(expect.arrayContaining(['command', 'machine', 'config', 'argon2', 'scenarios', 'scale', 'replay', 'rss', 'targets']));
      expect(json.config.accounts).toBe(200);
      expect(json.argon2).toMatchObject({ singleHashMs: expect.any(Number), ceilingPerSecond: expect.any(Number), cores: expect.any(Number) });

      for (const name of ['baseline', 'session', 'verify', 'login', 'peer']) {
        const s = json.scenarios[name];
        expect(s, name).toMatchObject({
          rps: expect.any(Number),
          p50Ms: expect.any(Number),
          p99Ms: expect.any(Number),
          requests: expect.any(Number),
          non2xx: expect.any(Number),
        });
        expect(s.requests, name).toBeGreaterThan(0);
      }
      expect(json.scenarios.session.ratioToBaseline).toEqual(expect.any(Number));
      expect(json.scenarios.verify).toMatchObject({ ratioToBaseline: expect.any(Number), non200: expect.any(Number), preparedChallenges: expect.any(Number) });
      expect(json.scenarios.login).toMatchObject({ ratioToCeiling: expect.any(Number), healthz: { p99Ms: expect.any(Number) } });
      expect(json.scenarios.login.eventLoop).toMatchObject({ p99Ms: expect.any(Number) });
      expect(json.scenarios.peer.ratioOursToPeer).toEqual(expect.any(Number));
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
        authenticated_vs_baseline: [s.session.ratioToBaseline, 'min'],
        verify_vs_baseline: [s.verify.ratioToBaseline, 'min'],
        verify_non200: [s.verify.non200Percent, 'max'],
        logins_vs_argon2_ceiling: [s.login.ratioToCeiling, 'min'],
        healthz_p99_during_logins: [s.login.healthz.p99Ms, 'below'],
        event_loop_p99_during_logins: [s.login.eventLoop.p99Ms, 'below'],
        scale_session_p99: [null, 'max'],
        scale_verify_p99: [null, 'max'],
        verify_vs_better_auth: [s.peer.ratioOursToPeer, 'min'],
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
      expect(readFileSync(join(dir, 'latest.md'), 'utf8')).toContain('| scenario | req/s |');
    },
    TIMEOUT_MS,
  );
});
