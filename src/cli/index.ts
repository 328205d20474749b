import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { MAX_REMEMBER_DEVICE_DAYS } from '../domain/policy.js';
import { openRuntime, type Runtime } from '../runtime.js';
import {
  addMember,
  addSuperAppAdmin,
  createAccount,
  createSuperApp,
  createWorkspace,
  resetAccountTwoFactor,
  showAccount,
  updatePolicy,
} from '../services/operator.js';
import { MAINTENANCE_TABLES, runMaintenance } from '../services/maintenance.js';
import { rotateSecrets } from '../services/secret-rotation.js';
import { exportAuditEvents } from '../services/audit-log.js';
import { migrateToLatest } from '../store/migrate.js';
import { HELP } from './help.js';
import { EXIT_OK, EXIT_USAGE, type Output, printResult, reportError, UsageError } from './output.js';

type Flags = Record<string, string | boolean | undefined>;
/** A command answers one result to print, or a stream of text to write as it comes (exports). */
type Command = (rt: Runtime, flags: Flags, config: Config) => Promise<Record<string, unknown> | AsyncIterable<string>>;

function need(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function oneOf<T extends string>(flags: Flags, name: string, allowed: readonly T[]): T | undefined {
  const value = flags[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** A required flag that must be one of `allowed`. */
function needOneOf<T extends string>(flags: Flags, name: string, allowed: readonly T[]): T {
  need(flags, name);
  return oneOf(flags, name, allowed)!;
}

function bool(flags: Flags, name: string): boolean | undefined {
  const value = oneOf(flags, name, ['true', 'false'] as const);
  return value === undefined ? undefined : value === 'true';
}

/** A whole number from `min` to `max`, or undefined when the flag is absent. */
function wholeNumber(flags: Flags, name: string, min: number, max: number): number | undefined {
  const value = flags[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,3}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

function readPasswordFromStdin(): string {
  const text = readFileSync(0, 'utf8');
  return text.replace(/\r?\n$/, '');
}

/** `maintenance run`: rows deleted per table, or that another process is running the job. */
async function maintenanceRun(rt: Runtime, config: Config): Promise<Record<string, unknown>> {
  const report = await runMaintenance({ ...rt.deps, dialect: rt.database.dialect }, { auditRetentionDays: config.auditRetentionDays });
  if (!report.ran) return { ran: false, reason: 'another process is running maintenance now; nothing was deleted' };
  return { ran: true, ...Object.fromEntries(MAINTENANCE_TABLES.map((table) => [table, report.deleted[table]])) };
}

/** Each command: its flags (all strings unless listed as boolean) and what it does. */
const COMMANDS: Record<string, { flags: string[]; booleans?: string[]; run: Command }> = {
  migrate: { flags: [], run: async (rt) => ({ applied: await migrateToLatest(rt.database.db) }) },
  'secrets rotate': { flags: [], run: async (rt) => rotateSecrets(rt.deps) },
  'maintenance run': { flags: [], run: (rt, _f, config) => maintenanceRun(rt, config) },
  'audit export': {
    flags: ['super-app', 'since', 'format'],
    run: async (rt, f) => {
      const since = f.since;
      if (since !== undefined && (typeof since !== 'string' || Number.isNaN(Date.parse(since))))
        throw new UsageError('--since must be an ISO 8601 date or time');
      const format = oneOf(f, 'format', ['jsonl', 'csv'] as const) ?? 'jsonl';
      const superAppId = typeof f['super-app'] === 'string' ? f['super-app'] : undefined;
      return exportAuditEvents(rt.deps, { superAppId, since: since === undefined ? undefined : new Date(since).toISOString() }, format);
    },
  },
  'super-app create': { flags: ['name'], run: (rt, f) => createSuperApp(rt.deps, need(f, 'name')) },
  'super-app policy': {
    flags: ['super-app', 'required', 'primary', 'secondary', 'allow-deactivation', 'phishing-resistant-only', 'remember-device-days'],
    run: async (rt, f) => {
      const primary = oneOf(f, 'primary', ['totp', 'email', 'webauthn'] as const);
      const secondary = oneOf(f, 'secondary', ['totp', 'email', 'webauthn', 'none'] as const);
      const rememberDeviceDays = wholeNumber(f, 'remember-device-days', 0, MAX_REMEMBER_DEVICE_DAYS);
      const changes = {
        ...(bool(f, 'required') !== undefined && { required: bool(f, 'required')! }),
        ...(primary !== undefined && { primaryMethod: primary }),
        ...(secondary !== undefined && { secondaryMethod: secondary === 'none' ? null : secondary }),
        ...(bool(f, 'allow-deactivation') !== undefined && { allowDeactivation: bool(f, 'allow-deactivation')! }),
        ...(bool(f, 'phishing-resistant-only') !== undefined && { phishingResistantOnly: bool(f, 'phishing-resistant-only')! }),
        ...(rememberDeviceDays !== undefined && { rememberDeviceDays }),
      };
      return { ...(await updatePolicy(rt.deps, need(f, 'super-app'), changes)) };
    },
  },
  'super-app add-admin': {
    flags: ['super-app', 'email'],
    run: (rt, f) => addSuperAppAdmin(rt.deps, { superAppId: need(f, 'super-app'), email: need(f, 'email') }),
  },
  'workspace create': { flags: ['super-app', 'name'], run: (rt, f) => createWorkspace(rt.deps, need(f, 'super-app'), need(f, 'name')) },
  'member add': {
    flags: ['workspace', 'email', 'role'],
    run: (rt, f) =>
      addMember(rt.deps, {
        workspaceId: need(f, 'workspace'),
        email: need(f, 'email'),
        role: needOneOf(f, 'role', ['admin', 'developer'] as const),
      }),
  },
  'account create': {
    flags: ['email', 'name'],
    booleans: ['password-stdin'],
    run: (rt, f) => {
      if (f['password-stdin'] !== true) throw new UsageError('--password-stdin is required (the password is read from standard input)');
      return createAccount(rt.deps, { email: need(f, 'email'), name: need(f, 'name'), password: readPasswordFromStdin() });
    },
  },
  'account show': { flags: ['email'], run: (rt, f) => showAccount(rt.deps, need(f, 'email')) },
  'account reset-2fa': { flags: ['email'], run: (rt, f) => resetAccountTwoFactor(rt.deps, need(f, 'email')) },
};

/**
 * `--flag VALUE` as `--flag=VALUE` for the command's string flags, so a value that starts
 * with `-` (an id made before ids avoided it, a name like "-dev") is taken as the value
 * rather than refused as an ambiguous option. A following word that is itself one of the
 * command's options stays an option, so a forgotten value is still reported as missing.
 */
export function joinOptionValues(args: string[], stringFlags: string[], knownOptions: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const next = args[i + 1];
    const takesValue = arg.startsWith('--') && stringFlags.includes(arg.slice(2));
    if (takesValue && next !== undefined && next.startsWith('-') && !knownOptions.includes(next.replace(/^--?/, '').split('=')[0]!)) {
      joined.push(`${arg}=${next}`);
      i += 1;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** Runs the CLI; resolves to the exit code (serve resolves when the server stops). */
export async function runCli(argv: string[], env: Record<string, string | undefined>, out: Output): Promise<number> {
  const json = argv.includes('--json');
  out = { ...out, json };
  const words = argv.filter((a) => !a.startsWith('-'));
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || words[0] === 'help') {
    out.stdout(HELP);
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      out.stderr(error.message + '\n');
      return EXIT_USAGE;
    }
    throw error;
  }
  // The HTTP stack (Fastify, routes, the console's files) loads only for `serve`: every other command starts faster.
  if (words[0] === 'serve') return (await import('./serve.js')).serve(argv.slice(1), config, out);
  const name = COMMANDS[`${words[0]} ${words[1]}`] ? `${words[0]} ${words[1]}` : (words[0] ?? '');
  const command = COMMANDS[name];
  if (!command) return reportError(out, new UsageError(`unknown command "${words.slice(0, 2).join(' ')}"`));
  let flags: Flags;
  try {
    const options = Object.fromEntries([
      ...command.flags.map((f) => [f, { type: 'string' as const }]),
      ...(command.booleans ?? []).map((f) => [f, { type: 'boolean' as const }]),
      ['json', { type: 'boolean' as const }],
    ]);
    const args = joinOptionValues(argv.slice(name.split(' ').length), command.flags, Object.keys(options));
    flags = parseArgs({ args, options, strict: true, allowPositionals: false }).values as Flags;
  } catch (error) {
    return reportError(out, new UsageError((error as Error).message));
  }
  const runtime = await openRuntime(config, { logger: pino({ level: config.logLevel }, pino.destination(2)), migrate: name !== 'migrate' });
  try {
    const result = await command.run(runtime, flags, config);
    if (Symbol.asyncIterator in result) {
      const write = out.write ?? (async (text: string) => out.stdout(text));
      for await (const chunk of result) await write(chunk);
    } else {
      printResult(out, result);
    }
    return EXIT_OK;
  } catch (error) {
    return reportError(out, error);
  } finally {
    await runtime.close();
  }
}
