import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliOptions, type CliResult, makeDataDir, removeDataDir, runCli } from '../support/cli.js';
import { POSTGRES_SKIP_SUFFIX, POSTGRES_URL } from '../support/database.js';

/** A password distinctive enough that finding it in any output means it was echoed. */
const PASSWORD = 'Zebra-Quartz-9137-Lantern';
const FLOW_TIMEOUT_MS = 600_000;
const STEP_TIMEOUT_MS = 150_000;

/** Every command API.md "CLI" lists; `--help` must name each one. */
const API_COMMANDS = [
  'serve',
  'migrate',
  'super-app create',
  'super-app policy',
  'super-app add-admin',
  'workspace create',
  'account create',
  'member add',
  'account reset-2fa',
  'account show',
  'maintenance run',
  'audit export',
];

type Cli = (args: string[], options?: Omit<CliOptions, 'dataDir'>) => Promise<CliResult>;

/** A CLI bound to one DATA_DIR (and database); remembers every output for the echo check. */
function sandbox(extraEnv: Record<string, string> = {}) {
  const dataDir = makeDataDir();
  const outputs: string[] = [];
  const cli: Cli = async (args, options = {}) => {
    const result = await runCli(args, { ...options, dataDir, env: { ...extraEnv, ...options.env } });
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  return { dataDir, cli, outputs, remove: () => removeDataDir(dataDir) };
}

/** `result` succeeded with exit 0; returns its one JSON object. */
function ok(result: CliResult): any {
  expect(result.code, result.stderr).toBe(0);
  return result.json();
}

/** `result` failed with `code`, a message on stderr and, with --json, one `{ error }` object. */
function failed(result: CliResult, code: 1 | 2, errorCode?: string): void {
  expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(code);
  expect(result.stderr).toMatch(/^mpp-2fa: /m);
  const body = result.json();
  expect(body).toHaveProperty('error');
  if (errorCode) expect(body.error.code).toBe(errorCode);
}

/** API.md "CLI" end to end with --json: every command's output shape, on one database. */
async function operatorFlow(cli: Cli): Promise<void> {
  const superApp = ok(await cli(['super-app', 'create', '--name', 'Acme Super App', '--json']));
  expect(superApp).toEqual({ id: expect.any(String), name: 'Acme Super App' });

  const workspace = ok(await cli(['workspace', 'create', '--super-app', superApp.id, '--name', 'Acme Mini Programs', '--json']));
  expect(workspace).toEqual({ id: expect.any(String), name: 'Acme Mini Programs', superAppId: superApp.id });

  const account = ok(
    await cli(['account', 'create', '--email', 'alice@example.com', '--name', 'Alice', '--password-stdin', '--json'], { input: `${PASSWORD}\n` }),
  );
  expect(account).toEqual({ id: expect.any(String), email: 'alice@example.com', name: 'Alice' });

  const member = ok(await cli(['member', 'add', '--workspace', workspace.id, '--email', 'alice@example.com', '--role', 'admin', '--json']));
  expect(member).toMatchObject({ workspaceId: workspace.id, role: 'admin' });

  ok(await cli(['super-app', 'add-admin', '--super-app', superApp.id, '--email', 'alice@example.com', '--json']));

  const policyArgs = ['--required', 'true', '--primary', 'email', '--secondary', 'totp', '--allow-deactivation', 'false', '--json'];
  const policy = ok(await cli(['super-app', 'policy', '--super-app', superApp.id, ...policyArgs]));
  // Requiring 2FA without naming the days asks every time.
  expect(policy).toEqual({
    required: true,
    primaryMethod: 'email',
    secondaryMethod: 'totp',
    allowDeactivation: false,
    phishingResistantOnly: false,
    rememberDeviceDays: 0,
  });

  const partly = ok(await cli(['super-app', 'policy', '--super-app', superApp.id, '--secondary', 'none', '--json']));
  expect(partly).toEqual({
    required: true,
    primaryMethod: 'email',
    secondaryMethod: null,
    allowDeactivation: false,
    phishingResistantOnly: false,
    rememberDeviceDays: 0,
  });
  const remembered = ok(await cli(['super-app', 'policy', '--super-app', superApp.id, '--remember-device-days', '7', '--json']));
  expect(remembered).toMatchObject({ required: true, rememberDeviceDays: 7 });
  for (const days of ['31', '-1', '2.5', 'seven']) {
    const refused = await cli(['super-app', 'policy', '--super-app', superApp.id, '--remember-device-days', days, '--json']);
    expect(refused.code, days).toBe(2);
    expect(refused.stderr).toContain('--remember-device-days must be a whole number from 0 to 30');
  }

  const shown = ok(await cli(['account', 'show', '--email', 'ALICE@Example.com', '--json']));
  expect(shown).toMatchObject({ id: account.id, email: 'alice@example.com', twoFactorActive: false });
  expect(shown.workspaces).toHaveLength(1);
  expect(shown.workspaces[0]).toMatchObject({ id: workspace.id, name: 'Acme Mini Programs' });

  expect(ok(await cli(['account', 'reset-2fa', '--email', 'alice@example.com', '--json']))).toEqual({ active: false });

  // Refused operations on a populated database: exit 1.
  const duplicate = await cli(['account', 'create', '--email', 'Alice@EXAMPLE.com', '--name', 'Alice again', '--password-stdin', '--json'], {
    input: `${PASSWORD}\n`,
  });
  failed(duplicate, 1, 'already_exists');
  failed(await cli(['workspace', 'create', '--super-app', 'no-such-super-app', '--name', 'W', '--json']), 1, 'not_found');
}

describe('mpp-2fa CLI on SQLite (the default store)', () => {
  it(
    'runs the operator flow with --json',
    async () => {
      const box = sandbox();
      try {
        await operatorFlow(box.cli);
        for (const output of box.outputs) expect(output).not.toContain(PASSWORD);
      } finally {
        box.remove();
      }
    },
    FLOW_TIMEOUT_MS,
  );

  it(
    'migrate can run twice on the same database',
    async () => {
      const box = sandbox();
      try {
        expect(ok(await box.cli(['migrate', '--json']))).toHaveProperty('applied');
        expect(ok(await box.cli(['migrate', '--json']))).toEqual({ applied: [] });
      } finally {
        box.remove();
      }
    },
    FLOW_TIMEOUT_MS,
  );

  it(
    'the first migrate on a new database reports the migrations it applied',
    async () => {
      const result = await runCli(['migrate', '--json']);
      const { applied } = ok(result);
      expect(Array.isArray(applied)).toBe(true);
      expect(applied.length).toBeGreaterThan(0);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    '--json prints exactly one JSON object and nothing else on stdout',
    async () => {
      const result = await runCli(['super-app', 'create', '--name', 'Solo', '--json']);
      expect(result.code).toBe(0);
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
      expect(result.json()).toEqual({ id: expect.any(String), name: 'Solo' });
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'without --json prints readable lines, not JSON',
    async () => {
      const result = await runCli(['super-app', 'create', '--name', 'Plain']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^name: Plain$/m);
      expect(() => JSON.parse(result.stdout)).toThrow();
    },
    STEP_TIMEOUT_MS,
  );
});

describe('mpp-2fa CLI exits 2 on bad usage', () => {
  it.each([
    ['an unknown command', ['frobnicate']],
    ['an unknown subcommand', ['super-app', 'frobnicate']],
    ['a missing --name', ['super-app', 'create']],
    ['a missing --super-app', ['workspace', 'create', '--name', 'W']],
    ['--role owner', ['member', 'add', '--workspace', 'w', '--email', 'a@example.com', '--role', 'owner']],
    ['an unknown flag', ['super-app', 'create', '--name', 'X', '--colour', 'red']],
    ['a missing --password-stdin', ['account', 'create', '--email', 'a@example.com', '--name', 'A']],
    ['--required yes', ['super-app', 'policy', '--super-app', 'x', '--required', 'yes']],
    ['--primary sms', ['super-app', 'policy', '--super-app', 'x', '--primary', 'sms']],
    ['a stray positional argument', ['migrate', 'now']],
  ])(
    '%s',
    async (_, args) => {
      failed(await runCli([...args, '--json']), 2, 'usage');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'no arguments at all (and prints the usage)',
    async () => {
      const result = await runCli([]);
      expect(result.code).toBe(2);
      expect(result.stdout + result.stderr).toContain('Usage');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'an invalid configuration, naming every problem',
    async () => {
      const result = await runCli(['migrate'], { env: { PORT: 'abc', LOG_LEVEL: 'loud' } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('PORT');
      expect(result.stderr).toContain('LOG_LEVEL');
    },
    STEP_TIMEOUT_MS,
  );
});

describe('mpp-2fa CLI exits 1 on refused operations', () => {
  it(
    'a weak password, without echoing it',
    async () => {
      const result = await runCli(['account', 'create', '--email', 'weak@example.com', '--name', 'W', '--password-stdin', '--json'], { input: 'short\n' });
      failed(result, 1, 'weak_password');
      expect(result.stdout + result.stderr).not.toMatch(/\bshort\b/);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'an unknown super app id for policy and add-admin',
    async () => {
      const box = sandbox();
      try {
        failed(await box.cli(['super-app', 'policy', '--super-app', 'nope', '--required', 'true', '--json']), 1, 'not_found');
        failed(await box.cli(['super-app', 'add-admin', '--super-app', 'nope', '--email', 'a@example.com', '--json']), 1, 'not_found');
        // An id that starts with '-' is still an id, not an option: refused as unknown (1), not as usage (2).
        failed(await box.cli(['super-app', 'policy', '--super-app', '-H9c50j4f3IH0KuJxI098w', '--required', 'true', '--json']), 1, 'not_found');
        failed(await box.cli(['workspace', 'create', '--super-app', '-H9c50j4f3IH0KuJxI098w', '--name', 'W', '--json']), 1, 'not_found');
      } finally {
        box.remove();
      }
    },
    FLOW_TIMEOUT_MS,
  );

  it(
    'a policy whose secondary method equals its primary',
    async () => {
      const box = sandbox();
      try {
        const superApp = ok(await box.cli(['super-app', 'create', '--name', 'S', '--json']));
        failed(await box.cli(['super-app', 'policy', '--super-app', superApp.id, '--primary', 'totp', '--secondary', 'totp', '--json']), 1, 'invalid_request');
      } finally {
        box.remove();
      }
    },
    FLOW_TIMEOUT_MS,
  );

  it(
    'an unknown account email',
    async () => {
      failed(await runCli(['account', 'show', '--email', 'nobody@example.com', '--json']), 1, 'not_found');
    },
    STEP_TIMEOUT_MS,
  );
});

describe('mpp-2fa --help', () => {
  it(
    'exits 0 and lists every command of API.md',
    async () => {
      const result = await runCli(['--help']);
      expect(result.code).toBe(0);
      for (const command of API_COMMANDS) expect(result.stdout, command).toContain(command);
      for (const flag of ['--json', '--password-stdin', '--super-app', '--role admin|developer']) expect(result.stdout).toContain(flag);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'also works after a command',
    async () => {
      const result = await runCli(['account', 'create', '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('account create');
    },
    STEP_TIMEOUT_MS,
  );
});

describe('mpp-2fa CLI never echoes a password', () => {
  it(
    'not at the most verbose log level, with or without --json',
    async () => {
      const box = sandbox({ LOG_LEVEL: 'trace' });
      try {
        await box.cli(['account', 'create', '--email', 'bob@example.com', '--name', 'Bob', '--password-stdin'], { input: `${PASSWORD}\n` });
        await box.cli(['account', 'create', '--email', 'bob@example.com', '--name', 'Bob', '--password-stdin', '--json'], { input: `${PASSWORD}\n` });
        await box.cli(['account', 'show', '--email', 'bob@example.com', '--json']);
        expect(box.outputs.join('\n')).not.toContain(PASSWORD);
        expect(box.outputs.join('\n')).not.toContain('$argon2');
      } finally {
        box.remove();
      }
    },
    FLOW_TIMEOUT_MS,
  );
});

describe.skipIf(!POSTGRES_URL)('mpp-2fa CLI on PostgreSQL (DATABASE_URL)' + POSTGRES_SKIP_SUFFIX, () => {
  const name = `mpp_cli_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  let databaseUrl = '';

  async function admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(POSTGRES_URL!);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  });
  afterAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it(
    'runs the operator flow with --json',
    async () => {
      const box = sandbox({ DATABASE_URL: databaseUrl });
      try {
        ok(await box.cli(['migrate', '--json']));
        ok(await box.cli(['migrate', '--json']));
        await operatorFlow(box.cli);
        for (const output of box.outputs) expect(output).not.toContain(PASSWORD);
      } finally {
        box.remove();
      }
    },
    FLOW_TIMEOUT_MS,
  );
});
