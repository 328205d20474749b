/**
 * Helpers for the multi-process tests: a fresh PostgreSQL database, free ports, the real
 * CLI, real `mpp-2fa serve` child processes, and a tiny cookie-aware HTTP client (fetch).
 * Nothing here sleeps to wait for a TOTP step; the only polling is for a server to start.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { BIN, cliEnv, makeDataDir, removeDataDir, ROOT } from '../support/cli.js';
import { POSTGRES_SKIP_SUFFIX, POSTGRES_URL } from '../support/database.js';
import { decodeTotpKey as decodeTotpKeyLocal, generateTotpCode } from '../../src/domain/totp.js';

export { POSTGRES_URL };

/** Appended to describe() names so a local run without PostgreSQL says why it skipped. */
export const SKIP_REASON = POSTGRES_SKIP_SUFFIX;

/** A password the password policy accepts. */
export const PASSWORD = 'correct horse battery staple';

// ---------------------------------------------------------------------------------------------
// Build

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function distIsFresh(): boolean {
  const entry = join(ROOT, 'dist', 'main.js');
  return existsSync(entry) && newestMtime(join(ROOT, 'src')) <= statSync(entry).mtimeMs;
}

/**
 * Compiles the server once when dist/ is missing or older than src/ (`npm test` builds
 * first, so normally a no-op). A lock directory in the temp folder keeps the test files of
 * this folder, which run in parallel, from compiling into dist/ at the same time.
 */
export async function ensureBuilt(timeoutMs = 170_000): Promise<void> {
  if (distIsFresh()) return;
  const lock = join(tmpdir(), `mpp-2fa-mp-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 2000; attempt += 1) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another file is compiling (or a crashed run left the lock: take it after 3 minutes).
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for another test file to build dist/`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (distIsFresh()) return;
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    if (result.status !== 0) throw new Error(`tsc failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * What the children run. Under CI the real binary, `node bin/mpp-2fa.js` (dist/ was built by
 * `npm test` and src/ does not change). Locally, where src/ may be edited while the tests
 * run, mpp-2fa-dist.mjs: the same dist/main.js without the wrapper's rebuild-when-stale step,
 * which otherwise started a tsc (60 s+) in every child at once.
 */
export const ENTRY = process.env.CI === 'true' ? BIN : fileURLToPath(new URL('./mpp-2fa-dist.mjs', import.meta.url));

const running = new Set<ChildProcessWithoutNullStreams>();
// Last resort if the test worker exits without afterAll: no orphaned children.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Spawns the compiled CLI with `args`; tracked so nothing outlives the worker. */
export function spawnMpp(args: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [ENTRY, ...args], { cwd: ROOT, env, stdio: 'pipe' });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI to completion (stdin gets `input`, then EOF); killed after `timeoutMs`. */
export function runMpp(args: string[], env: NodeJS.ProcessEnv, input = '', timeoutMs = 60_000): Promise<CliRun> {
  const child = spawnMpp(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mpp-2fa ${args.join(' ')} did not finish in ${timeoutMs} ms\n--- stderr ---\n${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Database, ports, keys

export interface FreshDatabase {
  name: string;
  url: string;
  /** A plain pg client on the database, for checks (closed by drop). */
  client(): Promise<pg.Client>;
  drop(): Promise<void>;
}

/** CREATE DATABASE mpp_mp_<random> on TEST_DATABASE_URL's server; drop() removes it WITH (FORCE). */
export async function createFreshDatabase(): Promise<FreshDatabase> {
  if (!POSTGRES_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `mpp_mp_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const clients: pg.Client[] = [];
  return {
    name,
    url: url.toString(),
    async client() {
      const client = new pg.Client({ connectionString: url.toString() });
      client.on('error', () => {}); // DROP ... WITH (FORCE) may cut it
      await client.connect();
      clients.push(client);
      return client;
    },
    async drop() {
      await Promise.allSettled(clients.map((c) => c.end()));
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** A TCP port that was free a moment ago (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/** base64 of 32 random bytes: the SECRET_KEY every process of one test shares. */
export function newSecretKey(): string {
  return randomBytes(32).toString('base64');
}

// ---------------------------------------------------------------------------------------------
// The shared environment of one deployment (servers and CLI)

export interface Deployment {
  database: FreshDatabase;
  dataDir: string;
  secretKey: string;
  env: NodeJS.ProcessEnv;
  /** Runs the real CLI; throws unless it exits 0; returns its --json output. */
  cli(args: string[], input?: string): Promise<any>;
  /** .eml files in DATA_DIR/outbox addressed to `email`. */
  outboxFor(email: string): string[];
  dispose(): Promise<void>;
}

export async function createDeployment(): Promise<Deployment> {
  const database = await createFreshDatabase();
  const dataDir = makeDataDir();
  const secretKey = newSecretKey();
  const env = cliEnv(dataDir, { DATABASE_URL: database.url, SECRET_KEY: secretKey, LOG_LEVEL: 'warn' });
  return {
    database,
    dataDir,
    secretKey,
    env,
    async cli(args, input) {
      const result = await runMpp([...args, '--json'], env, input);
      if (result.code !== 0) throw new Error(`mpp-2fa ${args.join(' ')} exited ${result.code ?? result.signal}:\n${result.stderr}`);
      try {
        return JSON.parse(result.stdout);
      } catch {
        throw new Error(`mpp-2fa ${args.join(' ')}: stdout is not one JSON document:\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
      }
    },
    outboxFor(email) {
      const dir = join(dataDir, 'outbox');
      if (!existsSync(dir)) return [];
      const wanted = new RegExp(`^To: .*${email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'im');
      return readdirSync(dir)
        .filter((f) => f.endsWith('.eml'))
        .filter((f) => wanted.test(readFileSync(join(dir, f), 'utf8')));
    },
    async dispose() {
      try {
        await database.drop();
      } finally {
        removeDataDir(dataDir);
      }
    },
  };
}

/** Runs `tasks` with at most `limit` at a time (CLI children are CPU-heavy to start). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  });
  await Promise.all(workers);
  return results;
}

// ---------------------------------------------------------------------------------------------
// Server processes

export class ServerProcess {
  child: ChildProcessWithoutNullStreams | null = null;
  private log = '';
  private exitPromise: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The last few KB of the child's stdout+stderr (for failure messages). */
  get output(): string {
    return this.log;
  }

  /** Spawns `mpp-2fa serve --port P --no-demo` and waits for GET /healthz 200. */
  async start(timeoutMs = 90_000): Promise<void> {
    if (this.child) throw new Error(`${this.name} is already running`);
    const child = spawnMpp(['serve', '--port', String(this.port), '--host', '127.0.0.1', '--no-demo'], this.env);
    this.child = child;
    const append = (chunk: string) => {
      this.log = (this.log + chunk).slice(-8000);
    };
    child.stdout.setEncoding('utf8').on('data', append);
    child.stderr.setEncoding('utf8').on('data', append);
    child.stdin.end();
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', () => {
        if (this.child === child) this.child = null;
        resolve();
      });
    });
    await this.waitHealthy(child, timeoutMs);
  }

  private async waitHealthy(child: ChildProcessWithoutNullStreams, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; attempt < 2000 && Date.now() < deadline; attempt += 1) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${this.log}`);
      }
      try {
        const response = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (response.status === 200) return;
        await response.arrayBuffer();
      } catch {
        /* not listening yet */
      }
      await new Promise((resolve) => setTimeout(resolve, 100)); // waiting for startup, not for a TOTP step
    }
    throw new Error(`${this.name} did not answer GET /healthz 200 within ${timeoutMs} ms:\n${this.log}`);
  }

  /** Sends `signal` (SIGKILL by default) to this child by its pid and waits until it has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.exitPromise,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface HttpResult {
  status: number;
  body: any;
  headers: Headers;
  /** The `mpp_session` value this response set (undefined when none or when it was cleared). */
  sessionCookie: string | undefined;
}

/** One JSON request with fetch; `cookie` is the session token to send as `mpp_session`. */
export async function http(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.cookie) headers.cookie = `mpp_session=${options.cookie}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    /* keep the text */
  }
  let sessionCookie: string | undefined;
  for (const line of response.headers.getSetCookie()) {
    const match = /^mpp_session=([^;]*)/.exec(line);
    if (match) sessionCookie = match[1] === '' ? undefined : decodeURIComponent(match[1]!);
  }
  return { status: response.status, body, headers: response.headers, sessionCookie };
}

export function describeResult(r: HttpResult): string {
  return `${r.status} ${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}`;
}

/** POST /api/v1/auth/login. */
export function login(baseUrl: string, email: string, workspaceId?: string): Promise<HttpResult> {
  return http(baseUrl, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD, ...(workspaceId && { workspaceId }) } });
}

/** Logs in and expects a second-factor challenge; returns its id (the bearer token). */
export async function startChallenge(baseUrl: string, email: string, workspaceId?: string): Promise<string> {
  const response = await login(baseUrl, email, workspaceId);
  if (response.status !== 200 || response.body?.status !== 'second_factor_required') {
    throw new Error(`expected second_factor_required for ${email} at ${baseUrl}, got ${describeResult(response)}`);
  }
  return response.body.challenge.id;
}

/** Logs in password-only and returns the session cookie. */
export async function loginSession(baseUrl: string, email: string, workspaceId?: string): Promise<string> {
  const response = await login(baseUrl, email, workspaceId);
  if (response.status !== 200 || response.body?.status !== 'authenticated' || !response.sessionCookie) {
    throw new Error(`expected an immediate session for ${email} at ${baseUrl}, got ${describeResult(response)}`);
  }
  return response.sessionCookie;
}

export function verifyChallenge(baseUrl: string, challengeId: string, code: string, method = 'totp'): Promise<HttpResult> {
  return http(baseUrl, 'POST', `/api/v1/auth/challenges/${encodeURIComponent(challengeId)}/verify`, { body: { method, code } });
}

// ---------------------------------------------------------------------------------------------
// TOTP (the test plays the authenticator app, on real time)

export { decodeTotpKey } from '../../src/domain/totp.js';

/** The code for now + `offsetSeconds`. A code for now+30 s is the next step: fresh after one for now was used. */
export function totpCode(key: Uint8Array, offsetSeconds = 0): string {
  return generateTotpCode(key, new Date(Date.now() + offsetSeconds * 1000));
}

/** A six-digit code the key does not produce within ±10 minutes of now. */
export function wrongCode(key: Uint8Array): string {
  const near = new Set(Array.from({ length: 41 }, (_, i) => totpCode(key, (i - 20) * 30)));
  for (let n = 123_456; ; n = (n + 7919) % 1_000_000) {
    const candidate = String(n).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

/**
 * Activates the account's authenticator through the API: POST activation on `startUrl`,
 * activation/verify with the code for now on `verifyUrl` (may be the other server).
 * Afterwards the step of now is spent; the next fresh code is `totpCode(key, 30)`.
 */
export async function activateTotp(
  startUrl: string,
  verifyUrl: string,
  cookie: string,
): Promise<{ key: Uint8Array; secret: string; code: string; recoveryCodes: string[] }> {
  const started = await http(startUrl, 'POST', '/api/v1/account/two-factor/activation', { cookie });
  if (started.status !== 201) throw new Error(`activation start failed: ${describeResult(started)}`);
  const key = decodeTotpKeyLocal(started.body.secret);
  const code = totpCode(key);
  const verified = await http(verifyUrl, 'POST', '/api/v1/account/two-factor/activation/verify', { cookie, body: { code } });
  if (verified.status !== 200) throw new Error(`activation verify failed: ${describeResult(verified)}`);
  return { key, secret: started.body.secret, code, recoveryCodes: verified.body.recoveryCodes };
}
