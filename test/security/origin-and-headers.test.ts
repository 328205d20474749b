import type { LightMyRequestResponse } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { decodeTotpKey } from '../../src/domain/totp.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/**
 * SPEC: cookies are HttpOnly, SameSite=Lax and Secure behind https; state-changing requests
 * from another origin are refused (API.md: 403 `cross_origin_request`). Every answer carries
 * the browser-hardening headers of src/http/security-headers.ts.
 */

const EMAIL = 'alice@example.com';
const PUBLIC_URL = 'https://console.example.com';
const POLICY = { required: true, primaryMethod: 'email', secondaryMethod: null, allowDeactivation: true };
/** Tables whose rows a refused request must leave as they were (audit and throttle counters aside). */
const TABLES = [
  'super_apps',
  'super_app_admins',
  'workspaces',
  'accounts',
  'memberships',
  'totp_factors',
  'recovery_codes',
  'challenges',
  'email_codes',
  'sessions',
] as const;

/** Set-Cookie of `name` split into its value and lower-cased attributes. */
function parseSetCookie(response: LightMyRequestResponse, name: string) {
  const raw = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
  if (!raw) return undefined;
  const [pair, ...attributes] = raw.split(';').map((part) => part.trim());
  const map = new Map(
    attributes.map((a) => {
      const [key, ...rest] = a.split('=');
      return [key!.toLowerCase(), rest.join('=')] as const;
    }),
  );
  return { value: pair!.slice(name.length + 1), attributes: map };
}

/** CSP directives as a map from name to its source list. */
function parseCsp(header: unknown): Map<string, string[]> {
  return new Map(
    String(header ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...sources] = d.split(/\s+/);
        return [name!, sources] as const;
      }),
  );
}

describeEachDialect('origin check, cookies and security headers (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function setUp(publicUrl?: string) {
    h = await createHarness(dialect, publicUrl ? { publicUrl } : {});
    const { superAppId, workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    await h.makeSuperAppAdmin(superAppId, EMAIL);
    return { superAppId, workspaceId };
  }

  async function snapshot() {
    const tables: Record<string, unknown[]> = {};
    for (const table of TABLES)
      tables[table] = await h.deps.db
        .selectFrom(table)
        .selectAll()
        .execute()
        .then((rows) => rows.map((r) => JSON.stringify(r)).sort());
    return tables;
  }

  it('unsafe requests from another origin are refused with 403 cross_origin_request and change nothing', async () => {
    const { superAppId } = await setUp();
    const cookie = await h.loginSession(EMAIL);
    const before = await snapshot();

    for (const origin of [
      'https://evil.example',
      'null',
      'http://localhost:80.evil.example',
      'https://localhost:8080',
      'http://evil.example/http://localhost:80',
    ]) {
      const headers = { origin };
      const attempts = [
        await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD }, headers }),
        await h.api('POST', '/api/v1/account/two-factor/activation', { cookie, headers }),
        await h.api('PUT', `/api/v1/super-apps/${superAppId}/two-factor-policy`, { cookie, headers, body: POLICY }),
        await h.api('POST', '/api/v1/session/reauthenticate', { cookie, headers, body: { password: PASSWORD } }),
        await h.api('POST', '/api/v1/auth/logout', { cookie, headers }),
      ];
      for (const response of attempts) {
        expect(response.status, `${origin}: ${JSON.stringify(response.body)}`).toBe(403);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.body.code).toBe('cross_origin_request');
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    }

    expect(await snapshot()).toEqual(before);
    expect((await h.api('GET', '/api/v1/session', { cookie })).status).toBe(200);
  });

  it('requests from the Host origin, or without an Origin header, pass', async () => {
    await setUp();
    const sameOrigin = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD }, headers: { origin: 'http://localhost:80' } });
    expect(sameOrigin.status, JSON.stringify(sameOrigin.body)).toBe(200);
    const otherHost = await h.api('POST', '/api/v1/auth/login', {
      body: { email: EMAIL, password: PASSWORD },
      headers: { host: 'console.local:3000', origin: 'https://console.local:3000' },
    });
    expect(otherHost.status, JSON.stringify(otherHost.body)).toBe(200);
    const noOrigin = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(noOrigin.status).toBe(200);

    const cookie = noOrigin.sessionCookie!;
    const logout = await h.api('POST', '/api/v1/auth/logout', { cookie, headers: { origin: 'http://localhost:80' } });
    expect(logout.status).toBe(204);
    expect((await h.api('GET', '/api/v1/session', { cookie })).status).toBe(401);
  });

  it('with PUBLIC_URL set, only that origin passes: a matching Host is not enough', async () => {
    await setUp(PUBLIC_URL);
    const login = (headers: Record<string, string>) =>
      h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: EMAIL, password: PASSWORD }, headers });

    expect((await login({ host: 'console.example.com', origin: PUBLIC_URL })).statusCode).toBe(200);
    expect((await login({ origin: PUBLIC_URL })).statusCode).toBe(200);
    expect((await login({})).statusCode).toBe(200);
    // A rebinding attacker controls both Host and Origin; PUBLIC_URL still decides.
    const rebound = await login({ host: 'evil.example', origin: 'https://evil.example' });
    expect(rebound.statusCode).toBe(403);
    expect(JSON.parse(rebound.body).code).toBe('cross_origin_request');
    expect((await login({ host: 'console.example.com', origin: 'http://console.example.com' })).statusCode).toBe(403);
  });

  it('behind https the session cookie is __Host-mpp_session: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain; HSTS is sent', async () => {
    await setUp(PUBLIC_URL);
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: EMAIL, password: PASSWORD },
      headers: { host: 'console.example.com' },
    });
    expect(login.statusCode).toBe(200);

    const cookie = parseSetCookie(login, '__Host-mpp_session');
    expect(cookie, String(login.headers['set-cookie'])).toBeDefined();
    expect(cookie!.attributes.has('secure')).toBe(true);
    expect(cookie!.attributes.has('httponly')).toBe(true);
    expect(cookie!.attributes.get('samesite')?.toLowerCase()).toBe('lax');
    expect(cookie!.attributes.get('path')).toBe('/');
    expect(cookie!.attributes.has('domain')).toBe(false);
    expect(parseSetCookie(login, 'mpp_session')).toBeUndefined();
    expect(login.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');

    // The prefixed cookie is the one read; the plain name is not accepted behind https.
    const token = cookie!.value;
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: `__Host-mpp_session=${token}` } })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: `mpp_session=${token}` } })).statusCode).toBe(401);

    const logout = await h.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: `__Host-mpp_session=${token}` } });
    expect(logout.statusCode).toBe(204);
    const cleared = parseSetCookie(logout, '__Host-mpp_session');
    expect(cleared?.value).toBe('');
    expect(cleared?.attributes.has('secure')).toBe(true);
    expect(cleared?.attributes.get('path')).toBe('/');
  });

  it('over plain http the cookie is mpp_session (HttpOnly, SameSite=Lax, Path=/, not Secure) and no HSTS is sent', async () => {
    await setUp();
    const login = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: EMAIL, password: PASSWORD } });
    const cookie = parseSetCookie(login, 'mpp_session');
    expect(cookie).toBeDefined();
    expect(cookie!.attributes.has('httponly')).toBe(true);
    expect(cookie!.attributes.get('samesite')?.toLowerCase()).toBe('lax');
    expect(cookie!.attributes.get('path')).toBe('/');
    expect(cookie!.attributes.has('secure')).toBe(false);
    expect(login.headers['strict-transport-security']).toBeUndefined();
    expect(parseCsp(login.headers['content-security-policy']).has('upgrade-insecure-requests')).toBe(false);
  });

  it('every answer, refusals included, carries CSP (script-src self, frame-ancestors none), no-referrer, DENY and nosniff', async () => {
    await setUp(PUBLIC_URL);
    const responses = {
      'GET /healthz 200': await h.app.inject({ method: 'GET', url: '/healthz' }),
      'POST login 200': await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: EMAIL, password: PASSWORD } }),
      'POST login 400': await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 1 } }),
      'GET session 401': await h.app.inject({ method: 'GET', url: '/api/v1/session' }),
      'GET unknown 404': await h.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }),
      'POST login 415': await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: 'x', headers: { 'content-type': 'text/plain' } }),
      'POST cross-origin 403': await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: {}, headers: { origin: 'https://evil.example' } }),
      'GET undecodable URL 400': await h.app.inject({ method: 'GET', url: '/api/v1/auth/challenges/%ZZ/verify' }),
    };
    for (const [label, response] of Object.entries(responses)) {
      const csp = parseCsp(response.headers['content-security-policy']);
      expect(csp.get('script-src'), label).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors'), label).toEqual(["'none'"]);
      expect(csp.get('default-src'), label).toEqual(["'self'"]);
      expect(csp.get('object-src'), label).toEqual(["'none'"]);
      expect(csp.has('upgrade-insecure-requests'), label).toBe(true);
      expect(response.headers['referrer-policy'], label).toBe('no-referrer');
      expect(response.headers['x-frame-options'], label).toBe('DENY');
      expect(response.headers['x-content-type-options'], label).toBe('nosniff');
      expect(response.headers['strict-transport-security'], label).toBe('max-age=31536000; includeSubDomains');
    }
  });

  it('no /api/ answer may be stored: a TOTP secret, recovery codes, the session, refusals and router errors all carry Cache-Control: no-store', async () => {
    await setUp();
    const cookie = await h.loginSession(EMAIL);
    const activation = await h.api('POST', '/api/v1/account/two-factor/activation', { cookie });
    expect(activation.status).toBe(201);
    const key = decodeTotpKey(activation.body.secret);
    const responses = {
      'POST login 200': await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } }),
      'GET session 200': await h.api('GET', '/api/v1/session', { cookie }),
      'POST activation 201 (secret)': activation,
      'POST activation verify 200 (recovery codes)': await h.api('POST', '/api/v1/account/two-factor/activation/verify', {
        cookie,
        body: { code: h.totp(key) },
      }),
      'GET session 401': await h.api('GET', '/api/v1/session'),
      'GET unknown 404': await h.api('GET', '/api/v1/nothing-here'),
      'GET undecodable URL 400': await h.api('GET', '/api/v1/auth/challenges/%ZZ/verify'),
      'GET openapi 200': await h.api('GET', '/api/v1/openapi.json'),
    };
    for (const [label, response] of Object.entries(responses)) expect(response.headers['cache-control'], label).toBe('no-store');
    // Health probes are not personal: they may be cached like any page.
    expect((await h.api('GET', '/healthz')).headers['cache-control']).toBeUndefined();
  });
});
