// mpp-2fa as `mpp-2fa serve --bench --no-demo` runs it (same configuration, runtime, app and
// routes, imported from the compiled build in dist/), in a process the bench forks with an IPC
// channel so that the server can report its own event-loop delay (monitorEventLoopDelay) and
// peak RSS. Configuration comes from the environment like the CLI's; `--port` and `--host`
// as in `serve`.
import { parseArgs } from 'node:util';
import { onStop, startMonitor } from './lib/monitor.js';
import { installSqlStats } from './lib/sql-stats.js';

// Before dist/ loads better-sqlite3's statements (bench/profile.js only).
if (process.env.BENCH_SQL_STATS === '1') installSqlStats();

const dist = new URL('../dist/', import.meta.url);
const { loadConfig } = await import(new URL('config.js', dist).href);
const { openRuntime } = await import(new URL('runtime.js', dist).href);
const { buildApp } = await import(new URL('http/app.js', dist).href);
const { prepareLogin } = await import(new URL('services/login.js', dist).href);
const { CONSOLE_DIR, httpLogger } = await import(new URL('cli/serve.js', dist).href);

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
const config = loadConfig(process.env);
const runtime = await openRuntime(config, { server: true });
await prepareLogin(runtime.deps);
const requestLogs = httpLogger(runtime.logger.level);
const app = await buildApp(runtime.deps, {
  publicUrl: config.publicUrl,
  logger: requestLogs && requestLogs.options,
  consoleDir: CONSOLE_DIR,
  benchRoutes: true,
});
const address = await app.listen({ port: values.port === undefined ? config.port : Number(values.port), host: values.host ?? config.host });
startMonitor();
onStop(async () => {
  await app.close();
  await runtime.close();
  if (requestLogs) requestLogs.flush();
});
process.send?.({ type: 'listening', url: address, pid: process.pid });
