import { afterEach, expect, it } from 'vitest';
import { createSuperApp, createWorkspace } from '../../src/services/operator.js';
import { openRuntime } from '../../src/runtime.js';
import { loadConfig } from '../../src/config.js';
import { type CliResult, makeDataDir, removeDataDir, runCli } from '../support/cli.js';

/** `mpp-2fa audit export` (the real binary on a SQLite DATA_DIR with rows written directly). */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDataDir(dir);
});

async function seeded(events: number): Promise<{ dataDir: string; superAppId: string; otherSuperAppId: string }> {
  const dataDir = makeDataDir();
  dirs.push(dataDir);
  const runtime = await openRuntime(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  try {
    const { deps } = runtime;
    const superApp = await createSuperApp(deps, 'Acme');
    const other = await createSuperApp(deps, 'Other');
    await createWorkspace(deps, superApp.id, 'WS');
    const rows = Array.from({ length: events }, (_, i) => ({
      id: `ev-${String(i).padStart(6, '0')}`,
      type: 'policy.changed',
      account_id: null,
      actor_account_id: null,
      super_app_id: i % 2 === 0 ? superApp.id : other.id,
      workspace_id: null,
      ip: '203.0.113.9',
      user_agent: i === 0 ? '=HYPERLINK("http://evil.example","x"), "quoted"' : 'Browser',
      details: JSON.stringify({ n: i }),
      created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    }));
    for (let i = 0; i < rows.length; i += 200)
      await deps.db
        .insertInto('audit_events')
        .values(rows.slice(i, i + 200))
        .execute();
    return { dataDir, superAppId: superApp.id, otherSuperAppId: other.id };
  } finally {
    await runtime.close();
  }
}

const lines = (result: CliResult) => result.stdout.split('\n').filter((line) => line !== '');

it('streams every event oldest first as JSON lines, past one page, with each id exactly once', { timeout: 60_000 }, async () => {
  const { dataDir } = await seeded(1203);
  const result = await runCli(['audit', 'export'], { dataDir });
  expect(result.code, result.stderr).toBe(0);
  const events = lines(result).map((line) => JSON.parse(line));
  expect(events).toHaveLength(1203);
  expect(new Set(events.map((e) => e.id)).size).toBe(1203);
  expect(events.map((e) => e.createdAt)).toEqual([...events.map((e) => e.createdAt)].sort());
  expect(events[5]).toMatchObject({ type: 'policy.changed', details: { n: 5 }, ip: '203.0.113.9' });
});

it('filters by super app and --since, and writes CSV with a header and formula-safe, quoted fields', { timeout: 60_000 }, async () => {
  const { dataDir, superAppId } = await seeded(20);
  const csv = await runCli(['audit', 'export', '--super-app', superAppId, '--format', 'csv'], { dataDir });
  expect(csv.code, csv.stderr).toBe(0);
  const [header, first, ...rest] = lines(csv);
  expect(header).toBe('id,type,createdAt,accountId,actorAccountId,superAppId,workspaceId,ip,userAgent,details');
  expect(rest).toHaveLength(9);
  expect(first).toContain(`"'=HYPERLINK(""http://evil.example"",""x""), ""quoted"""`);
  const since = await runCli(['audit', 'export', '--since', '2026-01-01T00:00:15Z'], { dataDir });
  expect(lines(since).map((line) => JSON.parse(line).details.n)).toEqual([15, 16, 17, 18, 19]);
});

it('refuses an unknown super app (exit 1), a bad --since or --format (exit 2)', async () => {
  const { dataDir } = await seeded(1);
  expect((await runCli(['audit', 'export', '--super-app', 'nope'], { dataDir })).code).toBe(1);
  expect((await runCli(['audit', 'export', '--since', 'yesterday'], { dataDir })).code).toBe(2);
  expect((await runCli(['audit', 'export', '--format', 'xml'], { dataDir })).code).toBe(2);
});
