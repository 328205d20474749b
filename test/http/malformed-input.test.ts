import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/**
 * Bad input of any kind gets a 4xx problem, never a 5xx, and changes nothing (SPEC "Rules
 * that keep it safe"). Every case runs against a live account with active 2FA, an open
 * login challenge and a super app it administers, so a case that slipped through
 * validation would show up as a changed row.
 */

const EMAIL = 'alice@example.com';

interface Ctx {
  challengeId: string;
  /** The authenticator code of the current, still unused step. */
  code: string;
  recoveryCode: string;
  superAppId: string;
  workspaceId: string;
}

type Session = 'alice' | 'fresh' | 'none';

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: (c: Ctx) => string;
  payload?: (c: Ctx) => string;
  contentType?: string;
  /** `fresh`: a new password-only session of bob, made before the snapshot (for logout). */
  session: Session;
  /** Tables the request may legitimately write (a well-formed but wrong password is counted). */
  mayTouch?: string[];
}

interface Endpoint {
  method: 'POST' | 'PUT';
  path: string;
  url: (c: Ctx) => string;
  session: Session;
  /** A body that would be accepted; cases are broken variants of it. Absent: a body-less endpoint. */
  valid?: (c: Ctx) => Record<string, unknown>;
  codeFields?: string[];
  /** Fields where null is a legitimate value. */
  nullable?: string[];
  /** Fields that may be left out. */
  optional?: string[];
  /** More broken bodies specific to the endpoint. */
  extra?: [string, (c: Ctx) => unknown, string[]?][];
}

const BAD_CODES: [string, string][] = [
  ['5 digits', '12345'],
  ['7 digits', '1234567'],
  ['Arabic-Indic digits', '١٢٣٤٥٦'],
  ['full-width digits', '１２３４５６'],
  ['a leading space', ' 123456'],
  ['a trailing newline', '123456\n'],
  ['an inner space', '123 456'],
  ['a letter', '12345a'],
  ['a sign', '-12345'],
  ['exponent notation', '1e+05'],
  ['a NUL byte', '12345\u0000'],
];

const WRONG_TYPES: [string, unknown][] = [
  ['a number', 123456],
  ['a boolean', true],
  ['null', null],
  ['an object', { value: '123456' }],
  ['an array', ['123456']],
];

const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Broken bodies that no endpoint may accept, body-less ones included. */
const UNPARSEABLE: { name: string; payload: string; contentType?: string }[] = [
  { name: 'truncated JSON', payload: '{"code":' },
  { name: 'single-quoted JSON', payload: "{'code':'123456'}" },
  { name: 'a trailing comma', payload: '{"code":"123456",}' },
  { name: 'a bare word', payload: 'undefined' },
  { name: 'a NUL byte', payload: '\u0000' },
  { name: 'a __proto__ key', payload: '{"__proto__":{"admin":true},"code":"123456"}' },
  { name: 'a constructor.prototype key', payload: '{"constructor":{"prototype":{"admin":true}}}' },
  { name: 'a 40 kB body', payload: JSON.stringify({ pad: 'x'.repeat(40 * 1024) }) },
  { name: 'a form-encoded body', payload: 'code=123456&password=x', contentType: 'application/x-www-form-urlencoded' },
  { name: 'a text/plain body', payload: '{"code":"123456"}', contentType: 'text/plain' },
  { name: 'an XML body', payload: '<code>123456</code>', contentType: 'application/xml' },
  {
    name: 'a multipart body',
    payload: '--b\r\nContent-Disposition: form-data; name="code"\r\n\r\n123456\r\n--b--\r\n',
    contentType: 'multipart/form-data; boundary=b',
  },
];

function bodyCases(endpoint: Endpoint): Omit<Case, 'method' | 'url' | 'session'>[] {
  const cases: Omit<Case, 'method' | 'url' | 'session'>[] = [];
  const json = (name: string, body: (c: Ctx) => unknown, mayTouch?: string[]) =>
    cases.push({ name, payload: (c) => JSON.stringify(body(c)), contentType: 'application/json', ...(mayTouch ? { mayTouch } : {}) });
  const { valid } = endpoint;
  if (valid) {
    const fields = Object.keys(valid(sampleCtx));
    for (const field of fields) {
      if (!endpoint.optional?.includes(field)) json(`without ${field}`, (c) => Object.fromEntries(Object.entries(valid(c)).filter(([k]) => k !== field)));
      for (const [label, value] of WRONG_TYPES) {
        if (jsonType(value) === jsonType(valid(sampleCtx)[field])) continue;
        if (value === null && endpoint.nullable?.includes(field)) continue;
        json(`${field} as ${label}`, (c) => ({ ...valid(c), [field]: value }));
      }
      if (typeof valid(sampleCtx)[field] === 'string') {
        json(`${field} empty`, (c) => ({ ...valid(c), [field]: '' }));
        json(`${field} of 10 kB`, (c) => ({ ...valid(c), [field]: '7'.repeat(10 * 1024) }));
        json(`${field} of 100 kB`, (c) => ({ ...valid(c), [field]: '7'.repeat(100 * 1024) }));
      }
    }
    for (const field of endpoint.codeFields ?? []) {
      for (const [label, code] of BAD_CODES) json(`${field} with ${label}`, (c) => ({ ...valid(c), [field]: code }));
    }
    for (const [label, body, mayTouch] of endpoint.extra ?? []) json(label, body, mayTouch);
    json('an extra unknown field', (c) => ({ ...valid(c), isAdmin: true }));
    json('an empty object', () => ({}));
    json('the body inside an array', (c) => [valid(c)]);
    json('null', () => null);
    json('a JSON string', () => 'hello');
    json('a JSON number', () => 42);
    json('deeply nested arrays', () => JSON.parse('['.repeat(2000) + ']'.repeat(2000)));
    cases.push({ name: 'an empty body', payload: () => '', contentType: 'application/json' });
    cases.push({ name: 'no body at all' });
    cases.push({ name: 'a JSON body without a content type', payload: (c) => JSON.stringify(valid(c)) });
  }
  for (const raw of UNPARSEABLE) {
    cases.push({ name: raw.name, payload: () => raw.payload, contentType: raw.contentType ?? 'application/json' });
  }
  return cases;
}

const sampleCtx: Ctx = { challengeId: 'x', code: '123456', recoveryCode: 'x', superAppId: 'x', workspaceId: 'x' };
const challenge = (c: Ctx, action: string) => `/api/v1/auth/challenges/${c.challengeId}/${action}`;

const ENDPOINTS: Endpoint[] = [
  {
    method: 'POST',
    path: '/auth/login',
    url: () => '/api/v1/auth/login',
    session: 'none',
    valid: (c) => ({ email: EMAIL, password: PASSWORD, workspaceId: c.workspaceId }),
    optional: ['workspaceId'],
    extra: [
      ['an email of 300 characters', () => ({ email: `${'a'.repeat(290)}@example.com`, password: PASSWORD })],
      ['a password of 2000 characters', () => ({ email: EMAIL, password: 'p'.repeat(2000) })],
      // Well-formed JSON for an email nobody has: at worst a counted wrong password, never a 500.
      ['a NUL byte in the email', () => ({ email: 'alice\u0000@example.com', password: PASSWORD }), ['throttles']],
      ['a NUL byte in the workspaceId', () => ({ email: EMAIL, password: PASSWORD, workspaceId: 'w\u0000' })],
    ],
  },
  {
    method: 'POST',
    path: '/auth/challenges/{id}/verify',
    url: (c) => challenge(c, 'verify'),
    session: 'none',
    valid: (c) => ({ method: 'totp', code: c.code }),
    codeFields: ['code'],
    extra: [
      ['an unknown method', (c) => ({ method: 'sms', code: c.code })],
      ['an upper-case method', (c) => ({ method: 'TOTP', code: c.code })],
      ['a method the challenge does not offer', (c) => ({ method: 'email', code: c.code })],
      ['a malformed recovery code', () => ({ method: 'recovery_code', code: 'not-a-code' })],
      ['a recovery code with a symbol', () => ({ method: 'recovery_code', code: 'abcd-efgh-jkmn-pqr!' })],
      ['a six-digit recovery code', (c) => ({ method: 'recovery_code', code: c.code })],
    ],
  },
  { method: 'POST', path: '/auth/challenges/{id}/email-code', url: (c) => challenge(c, 'email-code'), session: 'none' },
  { method: 'POST', path: '/auth/challenges/{id}/enrollment', url: (c) => challenge(c, 'enrollment'), session: 'none' },
  { method: 'POST', path: '/auth/logout', url: () => '/api/v1/auth/logout', session: 'fresh' },
  { method: 'POST', path: '/account/two-factor/activation', url: () => '/api/v1/account/two-factor/activation', session: 'alice' },
  {
    method: 'POST',
    path: '/account/two-factor/activation/verify',
    url: () => '/api/v1/account/two-factor/activation/verify',
    session: 'alice',
    valid: (c) => ({ code: c.code }),
    codeFields: ['code'],
  },
  { method: 'POST', path: '/account/two-factor/deactivation/email-code', url: () => '/api/v1/account/two-factor/deactivation/email-code', session: 'alice' },
  {
    method: 'POST',
    path: '/account/two-factor/deactivation',
    url: () => '/api/v1/account/two-factor/deactivation',
    session: 'alice',
    valid: (c) => ({ password: PASSWORD, method: 'totp', code: c.code }),
    codeFields: ['code'],
    extra: [
      ['an unknown method', (c) => ({ password: PASSWORD, method: 'totp_enrollment', code: c.code })],
      ['a malformed recovery code', () => ({ password: PASSWORD, method: 'recovery_code', code: 'not-a-code' })],
      ['a five-digit recovery code', () => ({ password: PASSWORD, method: 'recovery_code', code: '12345' })],
      ['Arabic-Indic digits as a recovery code', () => ({ password: PASSWORD, method: 'recovery_code', code: '١٢٣٤٥٦' })],
    ],
  },
  {
    method: 'POST',
    path: '/account/two-factor/recovery-codes',
    url: () => '/api/v1/account/two-factor/recovery-codes',
    session: 'alice',
    valid: (c) => ({ password: PASSWORD, code: c.code }),
    codeFields: ['code'],
    extra: [['a recovery code instead of an authenticator code', (c) => ({ password: PASSWORD, code: c.recoveryCode })]],
  },
  {
    method: 'PUT',
    path: '/super-apps/{id}/two-factor-policy',
    url: (c) => `/api/v1/super-apps/${c.superAppId}/two-factor-policy`,
    session: 'alice',
    valid: () => ({ required: true, primaryMethod: 'email', secondaryMethod: 'totp', allowDeactivation: false }),
    nullable: ['secondaryMethod'],
    extra: [
      ['an unknown primary method', () => ({ required: true, primaryMethod: 'sms', secondaryMethod: null, allowDeactivation: true })],
      ['the secondary method equal to the primary', () => ({ required: true, primaryMethod: 'email', secondaryMethod: 'email', allowDeactivation: true })],
      ['"none" as secondary method', () => ({ required: true, primaryMethod: 'email', secondaryMethod: 'none', allowDeactivation: true })],
      ['"true" as a string', () => ({ required: 'true', primaryMethod: 'email', secondaryMethod: null, allowDeactivation: true })],
      ['1 for a boolean', () => ({ required: 1, primaryMethod: 'email', secondaryMethod: null, allowDeactivation: true })],
    ],
  },
];

const PATH_JUNK: Case[] = [
  ...['%00', '%2e%2e', '..%2F..%2Fhealthz', '%F0%9F%92%A9', 'a'.repeat(300), '%E0%A4%A', "' OR 1=1 --", '%20'].flatMap((junk): Case[] => [
    {
      name: `verify with challenge id ${junk.slice(0, 20)}`,
      method: 'POST',
      url: () => `/api/v1/auth/challenges/${junk}/verify`,
      payload: (c) => JSON.stringify({ method: 'totp', code: c.code }),
      contentType: 'application/json',
      session: 'none',
    },
    { name: `email-code with challenge id ${junk.slice(0, 20)}`, method: 'POST', url: () => `/api/v1/auth/challenges/${junk}/email-code`, session: 'none' },
    {
      name: `policy of super app ${junk.slice(0, 20)}`,
      method: 'PUT',
      url: () => `/api/v1/super-apps/${junk}/two-factor-policy`,
      payload: () => JSON.stringify({ required: true, primaryMethod: 'email', secondaryMethod: null, allowDeactivation: false }),
      contentType: 'application/json',
      session: 'alice',
    },
    { name: `members of workspace ${junk.slice(0, 20)}`, method: 'GET', url: () => `/api/v1/workspaces/${junk}/members`, session: 'alice' },
  ]),
  {
    name: 'verify with an empty challenge id',
    method: 'POST',
    url: () => '/api/v1/auth/challenges//verify',
    payload: (c) => JSON.stringify({ method: 'totp', code: c.code }),
    contentType: 'application/json',
    session: 'none',
  },
  {
    name: 'verify with a NUL after a real challenge id',
    method: 'POST',
    url: (c) => `${challenge(c, 'verify').replace('/verify', '%00/verify')}`,
    payload: (c) => JSON.stringify({ method: 'totp', code: c.code }),
    contentType: 'application/json',
    session: 'none',
  },
  { name: 'verify with the code in the query string', method: 'POST', url: (c) => `${challenge(c, 'verify')}?method=totp&code=${c.code}`, session: 'none' },
  {
    name: 'a path below activation/verify',
    method: 'POST',
    url: () => '/api/v1/account/two-factor/activation/verify/again',
    payload: (c) => JSON.stringify({ code: c.code }),
    contentType: 'application/json',
    session: 'alice',
  },
  { name: 'GET on the login endpoint', method: 'GET', url: () => '/api/v1/auth/login', session: 'none' },
  { name: 'DELETE on the session endpoint', method: 'DELETE', url: () => '/api/v1/session', session: 'alice' },
  {
    name: 'PUT on deactivation',
    method: 'PUT',
    url: () => '/api/v1/account/two-factor/deactivation',
    payload: (c) => JSON.stringify({ password: PASSWORD, method: 'totp', code: c.code }),
    contentType: 'application/json',
    session: 'alice',
  },
];

const CASES: Case[] = [
  ...ENDPOINTS.flatMap((endpoint) =>
    bodyCases(endpoint).map((c) => ({
      ...c,
      name: `${endpoint.method} ${endpoint.path}: ${c.name}`,
      method: endpoint.method,
      url: endpoint.url,
      session: endpoint.session,
    })),
  ),
  ...PATH_JUNK.map((c) => ({ ...c, name: `path junk: ${c.name}` })),
];

/** Every row of every table but the audit log, in a stable order. */
async function snapshot(h: Harness, skip: string[] = []): Promise<Record<string, string[]>> {
  const tables = (await h.deps.db.introspection.getTables())
    .map((t) => t.name)
    .filter((name) => name !== 'audit_events' && !skip.includes(name))
    .sort();
  const result: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await h.deps.db
      .selectFrom(table as 'accounts')
      .selectAll()
      .execute();
    result[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return result;
}

describeEachDialect('malformed input (%s)', (dialect) => {
  let h: Harness;
  let ctx: Ctx;
  let aliceCookie: string;

  beforeAll(async () => {
    h = await createHarness(dialect);
    const { superAppId, workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, EMAIL);
    await h.member(workspaceId, 'bob@example.com', 'developer');
    await h.makeSuperAppAdmin(superAppId, EMAIL);
    const { key, recoveryCodes } = await h.activateTotp(await h.loginSession(EMAIL));
    const first = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    const verified = await h.api('POST', `/api/v1/auth/challenges/${first.body.challenge.id}/verify`, { body: { method: 'totp', code: h.totp(key) } });
    aliceCookie = verified.sessionCookie!;
    h.clock.advanceSeconds(30);
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    ctx = { challengeId: login.body.challenge.id, code: h.totp(key), recoveryCode: recoveryCodes[0]!, superAppId, workspaceId };
    // Touch the sessions now, so no case's request counts as new activity.
    await h.api('GET', '/api/v1/session', { cookie: aliceCookie });
  });
  afterAll(async () => h?.close());

  for (const testCase of CASES)
    it(`${testCase.name} → 4xx problem, nothing changed`, async () => {
      const cookie = testCase.session === 'alice' ? aliceCookie : testCase.session === 'fresh' ? await h.loginSession('bob@example.com') : undefined;
      const before = await snapshot(h, testCase.mayTouch);

      const payload = testCase.payload?.(ctx);
      const response = await h.app.inject({
        method: testCase.method,
        url: testCase.url(ctx),
        headers: { ...(cookie ? { cookie: `mpp_session=${cookie}` } : {}), ...(testCase.contentType ? { 'content-type': testCase.contentType } : {}) },
        ...(payload === undefined ? {} : { payload }),
      });

      expect(response.statusCode, response.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json();
      expect(problem.status).toBe(response.statusCode);
      expect(problem.code).toMatch(/^[a-z_]+$/);
      expect(typeof problem.title).toBe('string');
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(await snapshot(h, testCase.mayTouch)).toEqual(before);
    });

  it('the 2FA of the account is intact after all of it', async () => {
    const status = await h.api('GET', '/api/v1/account/two-factor', { cookie: aliceCookie });
    expect(status.body).toMatchObject({ active: true, recoveryCodesRemaining: 10 });
    const verified = await h.api('POST', `/api/v1/auth/challenges/${ctx.challengeId}/verify`, { body: { method: 'totp', code: ctx.code } });
    expect(verified.status).toBe(200);
  });
});
