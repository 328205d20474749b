import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, makeDataDir, removeDataDir, runCli } from '../support/cli.js';

/** `mpp-2fa account show` lists the account's workspaces and each super app's rule for it (issue 11). */

const PASSWORD = 'Zebra-Quartz-9137-Lantern';

function ok(result: CliResult): any {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('mpp-2fa account show', () => {
  let dataDir: string;
  const cli = (args: string[], input?: string) => runCli([...args, '--json'], { dataDir, ...(input !== undefined && { input }) });
  beforeAll(() => {
    dataDir = makeDataDir();
  });
  afterAll(() => removeDataDir(dataDir));

  it('lists workspaces and, per super app, whether it requires 2FA, what a sign-in there asks and whether the account administers it', async () => {
    const lax = ok(await cli(['super-app', 'create', '--name', 'Lax']));
    const strict = ok(await cli(['super-app', 'create', '--name', 'Strict']));
    const admined = ok(await cli(['super-app', 'create', '--name', 'Admined']));
    ok(await cli(['super-app', 'policy', '--super-app', strict.id, '--required', 'true', '--primary', 'email', '--secondary', 'totp']));
    const laxWs = ok(await cli(['workspace', 'create', '--super-app', lax.id, '--name', 'Lax Dev']));
    const strictWs = ok(await cli(['workspace', 'create', '--super-app', strict.id, '--name', 'Strict Dev']));
    ok(await cli(['account', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password-stdin'], `${PASSWORD}\n`));
    ok(await cli(['member', 'add', '--workspace', laxWs.id, '--email', 'ann@example.com', '--role', 'developer']));
    ok(await cli(['member', 'add', '--workspace', strictWs.id, '--email', 'ann@example.com', '--role', 'admin']));
    ok(await cli(['super-app', 'add-admin', '--super-app', admined.id, '--email', 'ann@example.com']));

    const shown = ok(await cli(['account', 'show', '--email', 'ann@example.com']));
    expect(shown.workspaces.map((w: { id: string }) => w.id).sort()).toEqual([laxWs.id, strictWs.id].sort());
    expect(shown.superApps).toHaveLength(3);
    expect(shown.superApps).toEqual(
      expect.arrayContaining([
        { id: lax.id, name: 'Lax', administered: false, twoFactorRequired: false, login: 'password', methods: [] },
        { id: strict.id, name: 'Strict', administered: false, twoFactorRequired: true, login: 'second_factor_required', methods: ['email', 'totp_enrollment'] },
        { id: admined.id, name: 'Admined', administered: true, twoFactorRequired: false, login: 'password', methods: [] },
      ]),
    );

    const help = await runCli(['--help'], { dataDir });
    expect(help.stdout).toMatch(/account show --email EMAIL\s+Workspaces, and each super app's sign-in rule/);
  }, 180_000);
});
