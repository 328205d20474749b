import { isIP, isIPv4 } from 'node:net';
import { resolve } from 'node:path';
import { Ajv, type JSONSchemaType, type ValidateFunction } from 'ajv';

const LOG_LEVEL_NAMES = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The environment variables as read (integers already numbers); optional ones may be absent. */
interface RawConfig {
  PORT: number;
  HOST: string;
  DATA_DIR: string;
  DATABASE_URL?: string;
  DATABASE_POOL_MAX: number;
  SECRET_KEY?: string;
  SECRET_KEY_PREVIOUS?: string;
  PUBLIC_URL?: string;
  SMTP_URL?: string;
  MAIL_FROM: string;
  MAIL_SEND_TIMEOUT_SECONDS: number;
  LOG_LEVEL: string;
  SESSION_IDLE_MINUTES: number;
  SESSION_ABSOLUTE_HOURS: number;
  TRUST_PROXY?: string;
  AUDIT_RETENTION_DAYS: number;
  METRICS_TOKEN?: string;
  METRICS_PORT?: number;
  WEBHOOK_ALLOW_PRIVATE: string;
}

const optionalString = (rules: { minLength?: number; maxLength?: number; pattern?: string }) => ({ type: 'string', nullable: true, ...rules }) as const;

// JSON Schema checked by Ajv (already the HTTP layer's validator); loading it costs a CLI command far less than a schema builder would.
const ConfigSchema: JSONSchemaType<RawConfig> = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535 },
    HOST: { type: 'string', minLength: 1 },
    DATA_DIR: { type: 'string', minLength: 1 },
    DATABASE_URL: optionalString({ minLength: 1 }),
    DATABASE_POOL_MAX: { type: 'integer', minimum: 1, maximum: 1000 },
    SECRET_KEY: optionalString({ pattern: '^[A-Za-z0-9+/]{43}=$' }),
    SECRET_KEY_PREVIOUS: optionalString({ pattern: '^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$' }),
    PUBLIC_URL: optionalString({ pattern: '^https?://[^/]+$' }),
    SMTP_URL: optionalString({ pattern: '^smtps?://' }),
    MAIL_FROM: { type: 'string', minLength: 3 },
    MAIL_SEND_TIMEOUT_SECONDS: { type: 'integer', minimum: 1, maximum: 600 },
    LOG_LEVEL: { type: 'string', enum: LOG_LEVEL_NAMES },
    SESSION_IDLE_MINUTES: { type: 'integer', minimum: 1 },
    SESSION_ABSOLUTE_HOURS: { type: 'integer', minimum: 1 },
    TRUST_PROXY: optionalString({ minLength: 1 }),
    AUDIT_RETENTION_DAYS: { type: 'integer', minimum: 1, maximum: 36500 },
    /** Long enough that it cannot be guessed: 32 or more characters of a token alphabet. */
    METRICS_TOKEN: optionalString({ minLength: 32, maxLength: 256, pattern: '^[A-Za-z0-9._~+/=-]+$' }),
    METRICS_PORT: { type: 'integer', nullable: true, minimum: 1, maximum: 65535 },
    WEBHOOK_ALLOW_PRIVATE: { type: 'string', enum: ['true', 'false'] },
  },
  required: [
    'PORT',
    'HOST',
    'DATA_DIR',
    'DATABASE_POOL_MAX',
    'MAIL_FROM',
    'MAIL_SEND_TIMEOUT_SECONDS',
    'LOG_LEVEL',
    'SESSION_IDLE_MINUTES',
    'SESSION_ABSOLUTE_HOURS',
    'AUDIT_RETENTION_DAYS',
    'WEBHOOK_ALLOW_PRIVATE',
  ],
};

let validate: ValidateFunction<RawConfig> | undefined;

/** Validated, frozen configuration; the only reader of the environment is `loadConfig`. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  databasePoolMax: number;
  /** base64 32-byte key; unset means the key file in `dataDir`. */
  secretKey: string | undefined;
  /** Keys still accepted for reading during a rotation. */
  previousSecretKeys: string[];
  publicUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** How long one SMTP step (connect, greeting, a reply) may take; the outbox lease is three times it. */
  mailSendTimeoutSeconds: number;
  logLevel: string;
  sessionIdleSeconds: number;
  sessionAbsoluteSeconds: number;
  /**
   * Fastify `trustProxy`: false, a hop count, or addresses/CIDRs of the proxies. Never
   * `true`: the client IP is then the right-most address not written by a trusted proxy.
   */
  trustProxy: false | number | string;
  /** Audit events older than this many days are deleted by the maintenance job. */
  auditRetentionDays: number;
  /** `GET /metrics` on the public port for this bearer token; unset: not served there. */
  metricsToken: string | undefined;
  /** `/metrics` alone on this port (on HOST), without a token; unset: no such listener. */
  metricsPort: number | undefined;
  /** Webhook deliveries may connect to private, loopback and link-local addresses (services/webhooks.ts). */
  webhookAllowPrivate: boolean;
}

/** Thrown with every configuration problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DEFAULTS: Record<string, string> = {
  PORT: '3000',
  HOST: '127.0.0.1',
  DATA_DIR: './data',
  DATABASE_POOL_MAX: '10',
  MAIL_FROM: 'Mini Program Platform <no-reply@localhost>',
  MAIL_SEND_TIMEOUT_SECONDS: '20',
  LOG_LEVEL: 'info',
  SESSION_IDLE_MINUTES: '30',
  SESSION_ABSOLUTE_HOURS: '12',
  AUDIT_RETENTION_DAYS: '400',
  WEBHOOK_ALLOW_PRIVATE: 'false',
};

const INTEGER_KEYS = new Set([
  'PORT',
  'DATABASE_POOL_MAX',
  'SESSION_IDLE_MINUTES',
  'SESSION_ABSOLUTE_HOURS',
  'AUDIT_RETENTION_DAYS',
  'METRICS_PORT',
  'MAIL_SEND_TIMEOUT_SECONDS',
]);

/** One readable line per bad variable (an enum lists its values); values are not echoed. */
function describeProblems(raw: Record<string, unknown>): string[] {
  validate ??= new Ajv({ allErrors: true }).compile(ConfigSchema);
  if (validate(raw)) return [];
  const byKey = new Map<string, string>();
  for (const error of validate.errors ?? []) {
    const key = error.instancePath.replace(/^\//, '') || String(error.params.missingProperty ?? 'config');
    if (byKey.has(key)) continue;
    const allowed = error.keyword === 'enum' ? (error.params.allowedValues as string[]) : undefined;
    byKey.set(key, allowed ? `must be one of ${allowed.join(', ')}` : (error.message ?? 'is not valid'));
  }
  return [...byKey].map(([key, message]) => `${key}: ${message}`);
}

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR (`10.0.0.0/8`, `fd00::/8`, `10.0.0.0/255.0.0.0`) or a named range. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (version === 4 && isIPv4(prefix)) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/** Why a TRUST_PROXY value cannot be used (never echoing it), or undefined when it can. */
function trustProxyProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === 'false' || /^\d+$/.test(value)) return undefined;
  if (value === 'true') {
    return (
      'true would take the client IP from the left of X-Forwarded-For, which the client writes itself; ' +
      'write the number of proxies in front of the server (e.g. 1) or their addresses/CIDRs'
    );
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.findIndex((entry) => !isProxyEntry(entry));
  if (bad === -1) return undefined;
  return (
    `entry ${bad + 1} is not an IP address, a CIDR or one of loopback, linklocal, uniquelocal; ` +
    "write false, a hop count, or the proxies' addresses/CIDRs separated by commas"
  );
}

function parseTrustProxy(value: string | undefined): false | number | string {
  if (value === undefined || value === 'false') return false;
  return /^\d+$/.test(value)
    ? Number(value)
    : value
        .split(',')
        .map((entry) => entry.trim())
        .join(',');
}

/** Reads and validates configuration from `env`; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key] === undefined || env[key] === '' ? DEFAULTS[key] : env[key];
    if (value === undefined) continue;
    raw[key] = INTEGER_KEYS.has(key) && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  const problems = describeProblems(raw);
  const proxyProblem = typeof raw.TRUST_PROXY === 'string' ? trustProxyProblem(raw.TRUST_PROXY) : undefined;
  if (proxyProblem && !problems.some((p) => p.startsWith('TRUST_PROXY:'))) problems.push(`TRUST_PROXY: ${proxyProblem}`);
  if (problems.length > 0) throw new ConfigError(problems);
  const c = raw as unknown as RawConfig;
  const dataDir = resolve(c.DATA_DIR);
  return Object.freeze({
    port: c.PORT,
    host: c.HOST,
    dataDir,
    databaseUrl: c.DATABASE_URL ?? resolve(dataDir, 'mpp-2fa.sqlite'),
    databasePoolMax: c.DATABASE_POOL_MAX,
    secretKey: c.SECRET_KEY,
    previousSecretKeys: Object.freeze(c.SECRET_KEY_PREVIOUS ? c.SECRET_KEY_PREVIOUS.split(',') : []) as string[],
    publicUrl: c.PUBLIC_URL,
    smtpUrl: c.SMTP_URL,
    mailFrom: c.MAIL_FROM,
    mailSendTimeoutSeconds: c.MAIL_SEND_TIMEOUT_SECONDS,
    logLevel: c.LOG_LEVEL,
    sessionIdleSeconds: c.SESSION_IDLE_MINUTES * 60,
    sessionAbsoluteSeconds: c.SESSION_ABSOLUTE_HOURS * 3600,
    trustProxy: parseTrustProxy(c.TRUST_PROXY),
    auditRetentionDays: c.AUDIT_RETENTION_DAYS,
    metricsToken: c.METRICS_TOKEN,
    metricsPort: c.METRICS_PORT,
    webhookAllowPrivate: c.WEBHOOK_ALLOW_PRIVATE === 'true',
  });
}
