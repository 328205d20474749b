import { join } from 'node:path';
import { pino, type Logger as PinoLogger } from 'pino';
import { findFilesOpenToOthers, KEY_FILE_NAME, loadOrCreateKeyFile } from './adapters/key-file.js';
import { createOutboxMailer, createSmtpMailer, type Mailer } from './adapters/mailer.js';
import { createArgon2Hasher, type PasswordHasher } from './adapters/password-hasher.js';
import { createPrometheusMetrics, type PrometheusMetrics } from './adapters/metrics.js';
import { createSecretBox } from './adapters/secret-box.js';
import { systemClock, systemRandom } from './adapters/system.js';
import type { Config } from './config.js';
import type { Clock } from './domain/ports.js';
import { relyingPartyFor } from './domain/webauthn.js';
import type { Deps } from './services/deps.js';
import { withOutbox } from './services/deliveries.js';
import { type DatabaseHandle, openDatabase } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';
import { outboxBacklog } from './store/outbox.js';

export interface Runtime {
  deps: Deps;
  database: DatabaseHandle;
  logger: PinoLogger;
  /** A server's Prometheus metrics (`serve`); the other commands count nothing. */
  metrics?: PrometheusMetrics;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  clock?: Clock;
  mailer?: Mailer;
  hasher?: PasswordHasher;
  logger?: PinoLogger;
  /** Apply migrations on open (default true). */
  migrate?: boolean;
  /** A long-running server: SQLite checkpoints in a worker thread. */
  server?: boolean;
}

/** The 32-byte keys in order: the current one first, then keys still accepted for reading. */
export function secretKeysFor(config: Config): Buffer[] {
  const current = config.secretKey ? Buffer.from(config.secretKey, 'base64') : loadOrCreateKeyFile(config.dataDir);
  return [current, ...config.previousSecretKeys.map((k) => Buffer.from(k, 'base64'))];
}

/** Mail over SMTP when configured, else the outbox folder in DATA_DIR. */
function createMailer(config: Config, logger: PinoLogger): Mailer {
  if (config.smtpUrl) return createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom, timeoutSeconds: config.mailSendTimeoutSeconds });
  const dir = join(config.dataDir, 'outbox');
  return createOutboxMailer({
    dir,
    from: config.mailFrom,
    onWrite: (path, message) => logger.info({ to: message.to, subject: message.subject, file: path }, 'mail written to outbox'),
  });
}

/**
 * The database (with its write-ahead log) and the key file are the secrets at rest: new
 * ones are created 0600; an existing one that others can read gets a warning at start-up.
 */
function warnAboutOpenFiles(config: Config, databaseFile: string | undefined, logger: PinoLogger): void {
  const candidates = [
    ...(databaseFile ? [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`] : []),
    ...(config.secretKey ? [] : [join(config.dataDir, KEY_FILE_NAME)]),
  ];
  const open = findFilesOpenToOthers(candidates);
  if (open.length > 0) logger.warn({ files: open }, 'these files can be read by other users of this machine; make them owner-only (chmod 600)');
}

/** The mailer, counting what it sends and what fails (`mpp2fa_emails_total`). */
function countedMailer(mailer: Mailer, metrics: PrometheusMetrics): Mailer {
  return {
    async send(message) {
      try {
        await mailer.send(message);
        metrics.email('sent');
      } catch (error) {
        metrics.email('failed');
        throw error;
      }
    },
    close: () => mailer.close(),
  };
}

/** Composition root: configuration → adapters → services' dependencies. */
export async function openRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? pino({ level: config.logLevel });
  const database = openDatabase({
    url: config.databaseUrl,
    poolMax: config.databasePoolMax,
    backgroundCheckpoints: overrides.server === true,
    onConnectionError: (error) => logger.warn({ err: error.message }, 'a pooled database connection failed; it will be replaced'),
  });
  if (overrides.migrate !== false) await migrateToLatest(database.db);
  const secretKeys = secretKeysFor(config);
  warnAboutOpenFiles(config, database.file, logger);
  const mailer = overrides.mailer ?? createMailer(config, logger);
  const metrics = overrides.server ? createPrometheusMetrics({ poolUse: database.poolUse, outboxBacklog: () => outboxBacklog(database.db) }) : undefined;
  const deps = withOutbox(
    {
      db: database.db,
      clock: overrides.clock ?? systemClock,
      random: systemRandom,
      mailer: metrics ? countedMailer(mailer, metrics) : mailer,
      ...(metrics && { metrics }),
      hasher: overrides.hasher ?? createArgon2Hasher(),
      secretBox: createSecretBox(secretKeys),
      logger,
      sessionIdleSeconds: config.sessionIdleSeconds,
      sessionAbsoluteSeconds: config.sessionAbsoluteSeconds,
      relyingParty: relyingPartyFor(config.publicUrl, config.port),
      webhooks: { allowPrivate: config.webhookAllowPrivate, allowLocalhost: config.publicUrl === undefined },
    },
    // A claimed row is another sender's after its lease: longer than a send can take (an SMTP step each
    // MAIL_SEND_TIMEOUT_SECONDS, a webhook call 10 s), so a slow send is not taken over and sent twice.
    { leaseSeconds: Math.max(3 * config.mailSendTimeoutSeconds, 15) },
  );
  return {
    deps,
    database,
    logger,
    ...(metrics && { metrics }),
    async close() {
      // Mail a command queued is sent (or left to a server's retries) before the connection goes.
      await deps.outbox.stop();
      mailer.close();
      await database.close();
    },
  };
}
