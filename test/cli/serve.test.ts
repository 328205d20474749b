import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, makeDataDir, removeDataDir, spawnCli } from '../support/cli.js';

const START_TIMEOUT_MS = 150_000;
/** SIGTERM must stop the server well within a process manager's grace period. */
const STOP_WITHIN_MS = 10_000;

/** A port nothing listens on right now: listen on 0, read the port, close. */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A running `mpp-2fa serve` child with everything it printed so far. */
class ServeProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[], dataDir: string) {
    this.child = spawnCli(['serve', ...args], cliEnv(dataDir, { HOST: '127.0.0.1' }));
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.stdin.end();
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the match once stdout matches `pattern`; rejects if the process exits first. */
  async waitForStdout(pattern: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (!this.running) throw new Error(`serve exited before printing ${pattern}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`);
      if (Date.now() > deadline)
        throw new Error(`serve did not print ${pattern} in ${timeoutMs} ms\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits for the start-up banner (its last line names the outbox) and returns the URL it printed. */
  async started(): Promise<string> {
    const [, url] = await this.waitForStdout(/serving the console at (\S+)/);
    await this.waitForStdout(/outbox/);
    return url!;
  }

  /** Sends SIGTERM; resolves with the exit status and how long stopping took. */
  async terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const started = Date.now();
    this.child.kill('SIGTERM');
    const result = await Promise.race([
      this.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`serve did not stop within ${START_TIMEOUT_MS} ms of SIGTERM`)), START_TIMEOUT_MS)),
    ]);
    return { ...result, ms: Date.now() - started };
  }

  /** Last resort in afterAll: this child only, by its own handle. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

interface Credentials {
  email: string;
  password: string;
}

/** The demo credentials block, or null when the banner has none. */
function printedCredentials(stdout: string): Credentials | null {
  const email = stdout.match(/^\s+email:\s+(\S+)\s*$/m)?.[1];
  const password = stdout.match(/^\s+password:\s+(\S+)\s*$/m)?.[1];
  return email && password ? { email, password } : null;
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

async function logIn(port: number, credentials: Credentials): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
}

describe('mpp-2fa serve on a fresh DATA_DIR', () => {
  const dataDir = makeDataDir();
  const processes: ServeProcess[] = [];
  let port = 0;
  let first: ServeProcess;
  let credentials: Credentials;

  beforeAll(async () => {
    port = await findFreePort();
    first = new ServeProcess(['--port', String(port)], dataDir);
    processes.push(first);
    await first.started();
    credentials = printedCredentials(first.stdout)!;
  }, START_TIMEOUT_MS);

  afterAll(() => {
    for (const p of processes) p.kill();
    removeDataDir(dataDir);
  });

  it('prints the serving line with the port it listens on', () => {
    const [, url] = first.stdout.match(/serving the console at (\S+)/)!;
    expect(new URL(url!).port).toBe(String(port));
  });

  it('prints demo credentials (email and password) once', () => {
    expect(credentials).not.toBeNull();
    expect(credentials.email).toMatch(/^[^@\s]+@[^@\s]+$/);
    expect(credentials.password.length).toBeGreaterThanOrEqual(12);
    expect(occurrences(first.stdout, 'password:')).toBe(1);
    expect(occurrences(first.stdout, credentials.password)).toBe(1);
  });

  it('answers GET /healthz with 200 { status: ok }', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('logs in over real HTTP with the printed credentials', async () => {
    const response = await logIn(port, credentials);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.status).toBe('authenticated');
    expect(body.account.email).toBe(credentials.email);

    const setCookie = response.headers.get('set-cookie') ?? '';
    const session = setCookie.match(/mpp_session=([^;]+)/)?.[1];
    expect(session).toBeTruthy();
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);

    const me = await fetch(`http://127.0.0.1:${port}/api/v1/session`, { headers: { cookie: `mpp_session=${session}` } });
    expect(me.status).toBe(200);
    expect((await me.json()).account.email).toBe(credentials.email);
  });

  it('refuses a wrong password with 401 invalid_credentials', async () => {
    const response = await logIn(port, { email: credentials.email, password: `${credentials.password}x` });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((await response.json()).code).toBe('invalid_credentials');
  });

  it('keeps the generated key in secret.key with mode 0600', () => {
    const keyFile = join(dataDir, 'secret.key');
    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it(
    'stops with exit 0 promptly on SIGTERM',
    async () => {
      const stopped = await first.terminate();
      expect(stopped.signal).toBeNull();
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(STOP_WITHIN_MS);
    },
    START_TIMEOUT_MS,
  );

  it(
    'a second start on the same DATA_DIR prints no credentials and keeps the account',
    async () => {
      const second = new ServeProcess(['--port', String(port)], dataDir);
      processes.push(second);
      await second.started();
      expect(printedCredentials(second.stdout)).toBeNull();
      expect(second.stdout).not.toContain('password:');

      // Same key file and database: the first start's password still works.
      const response = await logIn(port, credentials);
      expect(response.status).toBe(200);
      expect((await response.json()).status).toBe('authenticated');

      expect((await second.terminate()).code).toBe(0);
    },
    START_TIMEOUT_MS,
  );

  it('never prints the password outside the one credentials block', () => {
    const everything = processes.map((p) => p.stdout + p.stderr).join('\n');
    expect(occurrences(everything, credentials.password)).toBe(1);
    expect(first.stdout).toMatch(new RegExp(`^\\s+password:\\s+${credentials.password.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\\s*$`, 'm'));
    for (const p of processes) expect(p.stderr).not.toContain(credentials.password);
  });
});

describe('mpp-2fa serve --port 0 --no-demo', () => {
  const dataDir = makeDataDir();
  let server: ServeProcess | undefined;

  afterAll(() => {
    server?.kill();
    removeDataDir(dataDir);
  });

  it(
    'prints the port it actually got, serves there, and seeds no demo',
    async () => {
      server = new ServeProcess(['--port', '0', '--no-demo'], dataDir);
      const url = await server.started();
      const port = Number(new URL(url).port);
      expect(port).toBeGreaterThan(0);
      expect(printedCredentials(server.stdout)).toBeNull();
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(response.status).toBe(200);
      expect((await server.terminate()).code).toBe(0);
    },
    START_TIMEOUT_MS,
  );
});
