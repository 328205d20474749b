import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';

/**
 * The document the server serves at /api/v1/openapi.json passes `redocly lint` with its
 * recommended rules at 0 errors. The warnings left are known and true: the health probes
 * answer no 4xx, and the package has no SPDX licence (UNLICENSED).
 */
const KNOWN_WARNINGS = new Set([
  'operation-4xx-response:#/paths/~1healthz/get/responses',
  'operation-4xx-response:#/paths/~1readyz/get/responses',
  'info-license-strict:#/info/license',
]);

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

function redoclyLint(document: unknown): { errors: number; warnings: number; problems: LintProblem[] } {
  const dir = mkdtempSync(join(tmpdir(), 'mpp-2fa-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    const result = spawnSync(process.execPath, ['node_modules/@redocly/cli/bin/cli.js', 'lint', file, '--format=json'], {
      encoding: 'utf8',
      // No telemetry or update checks from a test run.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      timeout: 60_000,
    });
    // The report is the JSON object on stdout; notices may precede it.
    const start = result.stdout.indexOf('{');
    if (start < 0) throw new Error(`redocly lint printed no report (exit ${result.status}): ${result.stderr}`);
    const report = JSON.parse(result.stdout.slice(start)) as { totals: { errors: number; warnings: number }; problems: LintProblem[] };
    return { ...report.totals, problems: report.problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const describeProblem = (p: LintProblem) => `${p.ruleId}:${p.location[0]?.pointer ?? ''}`;

describe('the OpenAPI document under redocly lint (recommended rules)', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  for (const publicUrl of [undefined, 'https://console.example.org']) {
    it(`has no errors and only the known warnings (PUBLIC_URL ${publicUrl ?? 'unset'})`, { timeout: 90_000 }, async () => {
      h = await createHarness('sqlite', publicUrl === undefined ? {} : { publicUrl });
      const document = (await h.api('GET', '/api/v1/openapi.json')).body;
      const lint = redoclyLint(document);
      const errors = lint.problems.filter((p) => p.severity === 'error').map((p) => `${describeProblem(p)} ${p.message}`);
      expect(errors).toEqual([]);
      expect(lint.errors).toBe(0);
      expect(lint.problems.map(describeProblem).filter((p) => !KNOWN_WARNINGS.has(p))).toEqual([]);
    });
  }
});
