import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type DestinationStream, pino } from 'pino';
import type { Config } from '../config.js';
import { buildApp } from '../http/app.js';
import { startMetricsServer } from '../http/metrics.js';
import { openRuntime } from '../runtime.js';
import { webauthnLibrary } from '../adapters/webauthn-library.js';
import { seedDemoIfEmpty } from '../services/demo.js';
import { prepareLogin } from '../services/login.js';
import { scheduleMaintenance } from '../services/maintenance.js';
import { EXIT_OK, type Output, reportError, UsageError } from './output.js';

/** Where `npm run build` puts the console, relative to the compiled server. */
export const CONSOLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'console', 'dist');

/** Request log lines wait at most this long in memory before they are written. */
const LOG_FLUSH_INTERVAL_MS = 500;

/**
 * The HTTP server's logger at `level`: lines go to stdout through an asynchronous,
 * buffered destination (written 4 KiB at a time, or every half second, so a request costs
 * no write of its own), written out when the process exits. `flush` writes what is
 * buffered (after the server closed). False when `level` is silent.
 */
export function httpLogger(level: string): { options: { level: string; stream: DestinationStream }; flush: () => void } | false {
  if (level === 'silent') return false;
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => stream.flush(), LOG_FLUSH_INTERVAL_MS);
  timer.unref();
  return {
    options: { level, stream },
    flush: () => {
      clearInterval(timer);
      stream.flushSync();
    },
  };
}

/**
 * `mpp-2fa serve`: migrate, seed a demo tenant on an empty database (credentials printed
 * once), listen, run the maintenance job every 10 minutes (services/maintenance.ts), and on
 * SIGTERM/SIGINT stop the job after its current batch, stop accepting, finish in-flight
 * requests and close the database. Resolves with the exit code once stopped.
 */
export async function serve(args: string[], config: Config, out: Output): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { port: { type: 'string' }, host: { type: 'string' }, 'no-demo': { type: 'boolean' }, json: { type: 'boolean' }, bench: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    return reportError(out, new UsageError((error as Error).message));
  }
  const port = values.port === undefined ? config.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return reportError(out, new UsageError('--port must be a port number'));
  const host = values.host ?? config.host;

  const runtime = await openRuntime(config, { server: true });
  const demo = values['no-demo'] ? null : await seedDemoIfEmpty(runtime.deps);
  // The dummy hash and the WebAuthn library are ready before the first request needs them.
  await Promise.all([prepareLogin(runtime.deps), webauthnLibrary()]);
  const metricsSource = runtime.metrics && { contentType: runtime.metrics.registry.contentType, metrics: () => runtime.metrics!.registry.metrics() };
  const requestLogs = httpLogger(runtime.logger.level);
  const app = await buildApp(runtime.deps, {
    publicUrl: config.publicUrl,
    metrics: metricsSource && config.metricsToken ? { source: metricsSource, token: config.metricsToken } : undefined,
    logger: requestLogs && requestLogs.options,
    consoleDir: CONSOLE_DIR,
    trustProxy: config.trustProxy,
    benchRoutes: values.bench === true,
  });
  const address = await app.listen({ port, host });
  const metricsServer = metricsSource && config.metricsPort ? await startMetricsServer(metricsSource, config.metricsPort, host) : undefined;
  const maintenance = scheduleMaintenance({ ...runtime.deps, dialect: runtime.database.dialect }, { auditRetentionDays: config.auditRetentionDays });
  // Mail and webhook calls queued by changes: delivered after each commit, and here whatever is due (a crash, a mail server down).
  runtime.deps.outbox.start();
  const url = config.publicUrl ?? address.replace('://127.0.0.1', '://localhost');
  // Links in emails (password reset) point where the console is actually served.
  runtime.deps.publicUrl = url;

  const lines = [`mpp-2fa is serving the console at ${url}`, `Database: ${runtime.database.dialect === 'sqlite' ? config.databaseUrl : 'PostgreSQL'}`];
  if (demo) {
    lines.push(
      '',
      'A demo super app, workspace and admin account were created. Log in with:',
      `  email:    ${demo.email}`,
      `  password: ${demo.password}`,
      'This password is shown only once.',
    );
  }
  if (metricsServer) lines.push(`Metrics: http://${host}:${config.metricsPort}/metrics`);
  else if (config.metricsToken) lines.push(`Metrics: ${url}/metrics (Authorization: Bearer METRICS_TOKEN)`);
  if (!config.smtpUrl) lines.push(`Emails (verification codes, security notices) are written to ${join(config.dataDir, 'outbox')}`);
  out.stdout(values.json ? JSON.stringify({ url, demo }) + '\n' : lines.join('\n') + '\n');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      runtime.logger.info({ signal }, 'shutting down');
      await Promise.all([maintenance.stop(), app.close(), new Promise((done) => (metricsServer ? metricsServer.close(done) : done(undefined)))]);
      await runtime.close();
      if (requestLogs) requestLogs.flush();
      resolve(EXIT_OK);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
