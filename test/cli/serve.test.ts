import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir } from '../support/cli.js';
import { findFreePort, ServeProcess, START_TIMEOUT_MS } from '../support/serve-process.js';

/** SIGTERM must stop the server well within a process manager's grace period. */
const STOP_WITHIN_MS = 10_000;

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
