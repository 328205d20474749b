import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createSecretBox } from '../../src/adapters/secret-box.js';
import { systemRandom } from '../../src/adapters/system.js';
import { decodeTotpKey, generateTotpCode } from '../../src/domain/totp.js';
import { relyingPartyFor } from '../../src/domain/webauthn.js';
import { buildApp, type HttpApp } from '../../src/http/app.js';
import type { Deps } from '../../src/services/deps.js';
import { withOutbox } from '../../src/services/deliveries.js';
import { addMember, addSuperAppAdmin, createAccount, createSuperApp, createWorkspace, updatePolicy } from '../../src/services/operator.js';
import type { DialectName } from '../../src/store/database.js';
import type { TwoFactorPolicy } from '../../src/domain/policy.js';
import type { Metrics } from '../../src/domain/ports.js';
import { FakeClock } from './clock.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { fastHasher } from './hasher.js';
import { MemoryMailer } from './mailer.js';
import type { Mailer } from '../../src/adapters/mailer.js';
import { checkContract } from './contract.js';

export const PASSWORD = 'correct horse battery staple';

const silentLogger = { info() {}, warn() {}, error() {} };

export interface ApiResponse {
  status: number;
  body: any;
  headers: LightMyRequestResponse['headers'];
  /** The `mpp_session` value set by this response, if any. */
  sessionCookie: string | undefined;
}

export interface Harness {
  dialect: DialectName;
  app: HttpApp;
  deps: Deps;
  clock: FakeClock;
  mailer: MemoryMailer;
  database: TestDatabase;
  /** JSON request through `app.inject`; `cookie` is the session token to send. */
  api(method: string, url: string, options?: { body?: unknown; cookie?: string; headers?: Record<string, string> }): Promise<ApiResponse>;
  /** A super app with one workspace. */
  tenant(name?: string, policy?: Partial<TwoFactorPolicy>): Promise<{ superAppId: string; workspaceId: string }>;
  /** An account that is a member of `workspaceId`. */
  member(workspaceId: string, email: string, role?: 'admin' | 'developer'): Promise<{ id: string; email: string }>;
  makeSuperAppAdmin(superAppId: string, email: string): Promise<void>;
  /** Logs in with password only; expects an immediate session and returns the cookie token. */
  loginSession(email: string): Promise<string>;
  /** Activates the account's TOTP through the API; returns the base32 key and recovery codes. */
  activateTotp(cookie: string): Promise<{ key: Uint8Array; secret: string; recoveryCodes: string[] }>;
  /** The authenticator code for `key` at the fake clock's now (or `offsetSeconds` from it). */
  totp(key: Uint8Array, offsetSeconds?: number): string;
  /** Answers so far that broke the OpenAPI document's contract (support/contract.ts); `api()` throws on the first. */
  contractViolations: string[];
  close(): Promise<void>;
}

function cookieFrom(response: LightMyRequestResponse): string | undefined {
  const cookie = response.cookies.find((c) => c.name === 'mpp_session' || c.name === '__Host-mpp_session');
  return cookie && cookie.value !== '' ? cookie.value : undefined;
}

/** A real app on a fresh database of `dialect`, with a fake clock, memory mailer and fast argon2id. */
export async function createHarness(
  dialect: DialectName,
  options: { publicUrl?: string; mailer?: Mailer; trustProxy?: false | number | string; metrics?: Metrics } = {},
): Promise<Harness> {
  const database = await createTestDatabase(dialect);
  const clock = new FakeClock();
  const mailer = new MemoryMailer();
  const deps: Deps = withOutbox({
    db: database.handle.db,
    clock,
    random: systemRandom,
    mailer: options.mailer ?? mailer,
    hasher: fastHasher,
    secretBox: createSecretBox([Buffer.alloc(32, 7)]),
    logger: silentLogger,
    sessionIdleSeconds: 30 * 60,
    sessionAbsoluteSeconds: 12 * 3600,
    relyingParty: relyingPartyFor(options.publicUrl, 3000),
    ...(options.metrics && { metrics: options.metrics }),
  });
  const app = await buildApp(deps, { publicUrl: options.publicUrl, trustProxy: options.trustProxy });
  const contractViolations: string[] = [];
  checkContract(app, (violation) => contractViolations.push(violation));
  let tenantCount = 0;
  let reported = 0;
  /** Throws the violations since the last call: every answer must keep the contract. */
  const assertContractKept = () => {
    const fresh = contractViolations.slice(reported);
    reported = contractViolations.length;
    if (fresh.length > 0) throw new Error(`the answer breaks the OpenAPI contract:\n${fresh.join('\n')}`);
  };

  const harness: Harness = {
    dialect,
    app,
    deps,
    clock,
    mailer,
    database,
    contractViolations,
    async api(method, url, { body, cookie, headers = {} } = {}) {
      const response = await app.inject({
        method: method as 'GET',
        url,
        headers: { ...(cookie ? { cookie: `mpp_session=${cookie}` } : {}), ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      // Mail the request queued is delivered after its commit, without the answer waiting: wait here, so tests read it at once.
      await deps.outbox.settle();
      const text = response.body;
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      assertContractKept();
      return { status: response.statusCode, body: parsed, headers: response.headers, sessionCookie: cookieFrom(response) };
    },
    async tenant(name, policy) {
      tenantCount += 1;
      const superApp = await createSuperApp(deps, name ?? `Super App ${tenantCount}`);
      const workspace = await createWorkspace(deps, superApp.id, `Workspace ${tenantCount}`);
      if (policy) await updatePolicy(deps, superApp.id, policy);
      return { superAppId: superApp.id, workspaceId: workspace.id };
    },
    async member(workspaceId, email, role = 'admin') {
      const existing = await deps.db.selectFrom('accounts').select(['id', 'email']).where('email_key', '=', email.toLowerCase()).executeTakeFirst();
      const account = existing ?? (await createAccount(deps, { email, name: email.split('@')[0]!, password: PASSWORD }));
      await addMember(deps, { workspaceId, email, role });
      return { id: account.id, email: account.email };
    },
    async makeSuperAppAdmin(superAppId, email) {
      await addSuperAppAdmin(deps, { superAppId, email });
    },
    async loginSession(email) {
      const response = await harness.api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
      if (response.status !== 200 || response.body.status !== 'authenticated' || !response.sessionCookie) {
        throw new Error(`expected an immediate session for ${email}, got ${response.status} ${JSON.stringify(response.body)}`);
      }
      return response.sessionCookie;
    },
    async activateTotp(cookie) {
      const started = await harness.api('POST', '/api/v1/account/two-factor/activation', { cookie });
      if (started.status !== 201) throw new Error(`activation failed: ${JSON.stringify(started.body)}`);
      const key = decodeTotpKey(started.body.secret);
      const verified = await harness.api('POST', '/api/v1/account/two-factor/activation/verify', { cookie, body: { code: harness.totp(key) } });
      if (verified.status !== 200) throw new Error(`activation verify failed: ${JSON.stringify(verified.body)}`);
      // The step just used is now spent; move to the next one so later codes are fresh.
      clock.advanceSeconds(30);
      return { key, secret: started.body.secret, recoveryCodes: verified.body.recoveryCodes };
    },
    totp(key, offsetSeconds = 0) {
      return generateTotpCode(key, new Date(clock.now().getTime() + offsetSeconds * 1000));
    },
    async close() {
      await app.close();
      // Mail still being delivered finishes before the database goes.
      await deps.outbox.stop();
      await database.drop();
      // Also answers of raw `app.inject` calls, which `api()` did not see.
      assertContractKept();
    },
  };
  return harness;
}

/** Asserts an RFC 9457 problem answer with `status` and the stable `code` (the body is shown on failure). */
export function expectProblem(response: ApiResponse, status: number, code: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.body.code).toBe(code);
}

/** Every Set-Cookie header line of a response, as an array. */
export function setCookieLines(response: ApiResponse): string[] {
  const raw = response.headers['set-cookie'];
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw : [raw];
}
