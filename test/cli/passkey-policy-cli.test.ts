import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, makeDataDir, removeDataDir, runCli } from '../support/cli.js';

/** `mpp-2fa super-app policy` with the passkey options (issue 13): `--primary/--secondary webauthn`, `--phishing-resistant-only`. */

function ok(result: CliResult): any {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('mpp-2fa super-app policy with passkeys', () => {
  let dataDir: string;
  const cli = (args: string[]) => runCli([...args, '--json'], { dataDir });
  beforeAll(() => {
    dataDir = makeDataDir();
  });
  afterAll(() => removeDataDir(dataDir));

  it('sets webauthn as a method and phishing-resistant only, and refuses it with another method', async () => {
    const superApp = ok(await cli(['super-app', 'create', '--name', 'Strict']));
    const policy = (...flags: string[]) => cli(['super-app', 'policy', '--super-app', superApp.id, ...flags]);

    expect(ok(await policy('--required', 'true', '--primary', 'totp', '--secondary', 'webauthn'))).toMatchObject({
      primaryMethod: 'totp',
      secondaryMethod: 'webauthn',
    });
    const refused = await policy('--phishing-resistant-only', 'true');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('phishingResistantOnly');
    expect(ok(await policy('--primary', 'webauthn', '--secondary', 'none', '--phishing-resistant-only', 'true'))).toEqual({
      required: true,
      primaryMethod: 'webauthn',
      secondaryMethod: null,
      allowDeactivation: true,
      phishingResistantOnly: true,
      rememberDeviceDays: 0,
    });
    expect((await policy('--primary', 'sms')).code).toBe(2);
  });
});
