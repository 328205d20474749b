import fc from 'fast-check';
import { Value } from 'typebox/value';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { isSixDigitCode, normalizeRecoveryCode } from '../../src/domain/codes.js';
import { ERROR_CATALOGUE } from '../../src/domain/errors.js';
import type { TSchema } from 'typebox';
import {
  ActivationVerifyBody,
  DeactivationBody,
  LoginBody,
  PolicyBody,
  ReauthenticateBody,
  RegenerateBody,
  SwitchWorkspaceBody,
  VerifyBody,
} from '../../src/http/schemas.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/**
 * SPEC: "Bad input of any kind gets a clear 4xx problem response, never a 5xx, a crash or a
 * half-written change." Property-based requests against every endpoint of API.md: random
 * JSON, wrong types, huge and unicode strings, junk in path ids, random methods and content
 * types, with and without a valid session. Each run checks every answer and that no table
 * (audit log and throttle counters aside) changed.
 */

const ALICE = 'alice@example.com';
/** Tables a refused request must leave exactly as they were. */
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
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;
type Method = (typeof METHODS)[number];

/** Real ids planted by `setUp`, used in paths and bodies so the fuzz reaches the handlers. */
interface Fixture {
  superAppId: string;
  workspaceId: string;
  aliceId: string;
  session: string;
  challengeId: string;
}

interface Endpoint {
  method: Method;
  path: string;
  /** Body fields the fuzz fills in. */
  fields?: string[];
  /** The route's body schema: only a body it accepts may get a 2xx. */
  body?: TSchema;
  /** Needs the session cookie to succeed. */
  session?: boolean;
}

/** Every endpoint of API.md plus the ones the brief lists: method, path template, body fields. */
const ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/api/v1/openapi.json' },
  { method: 'POST', path: '/api/v1/auth/login', fields: ['email', 'password', 'workspaceId'], body: LoginBody },
  { method: 'POST', path: '/api/v1/auth/challenges/{challengeId}/email-code' },
  { method: 'POST', path: '/api/v1/auth/challenges/{challengeId}/enrollment' },
  { method: 'POST', path: '/api/v1/auth/challenges/{challengeId}/verify', fields: ['method', 'code'], body: VerifyBody },
  { method: 'POST', path: '/api/v1/auth/logout' },
  { method: 'GET', path: '/api/v1/session', session: true },
  { method: 'POST', path: '/api/v1/session/reauthenticate', fields: ['password'], body: ReauthenticateBody, session: true },
  { method: 'POST', path: '/api/v1/session/workspace', fields: ['workspaceId'], body: SwitchWorkspaceBody, session: true },
  { method: 'GET', path: '/api/v1/account/two-factor', session: true },
  { method: 'POST', path: '/api/v1/account/two-factor/activation', session: true },
  { method: 'POST', path: '/api/v1/account/two-factor/activation/verify', fields: ['code'], body: ActivationVerifyBody, session: true },
  { method: 'POST', path: '/api/v1/account/two-factor/deactivation/email-code', session: true },
  { method: 'POST', path: '/api/v1/account/two-factor/deactivation', fields: ['password', 'method', 'code'], body: DeactivationBody, session: true },
  { method: 'POST', path: '/api/v1/account/two-factor/recovery-codes', fields: ['password', 'code'], body: RegenerateBody, session: true },
  { method: 'GET', path: '/api/v1/account/audit-events', session: true },
  { method: 'GET', path: '/api/v1/super-apps/{superAppId}/two-factor-policy', session: true },
  {
    method: 'PUT',
    path: '/api/v1/super-apps/{superAppId}/two-factor-policy',
    fields: ['required', 'primaryMethod', 'secondaryMethod', 'allowDeactivation'],
    body: PolicyBody,
    session: true,
  },
  { method: 'GET', path: '/api/v1/super-apps/{superAppId}/audit-events', session: true },
  { method: 'POST', path: '/api/v1/super-apps/{superAppId}/step-up', session: true },
  { method: 'GET', path: '/api/v1/workspaces/{workspaceId}/members', session: true },
  { method: 'POST', path: '/api/v1/workspaces/{workspaceId}/members/{accountId}/two-factor/reset', session: true },
];

// ---- arbitraries -------------------------------------------------------------------------

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);
const unicodeText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  // Lone surrogates and control characters.
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((units) => String.fromCharCode(...units)),
);
const hugeText = fc.tuple(fc.integer({ min: 1_000, max: 20_000 }), fc.constantFrom('a', 'é', '😀', '"', '\\', '0', '\u0000', '%')).map(([n, c]) => c.repeat(n));
const anyText = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 2, arbitrary: unicodeText }, { weight: 1, arbitrary: hugeText });

/** A value for a body field: plausible, or of the wrong type. */
function fieldValue(name: string, ids: Fixture): fc.Arbitrary<unknown> {
  const plausible: Record<string, fc.Arbitrary<unknown>> = {
    email: fc.oneof(fc.constant(ALICE), fc.constant(ALICE.toUpperCase()), fc.emailAddress(), anyText),
    password: anyText,
    workspaceId: fc.oneof(fc.constant(ids.workspaceId), anyText),
    method: fc.oneof(fc.constantFrom('totp', 'email', 'recovery_code', 'totp_enrollment', 'TOTP', ''), anyText),
    code: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.stringMatching(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/), fc.stringMatching(/^\d{5,7}$/), anyText),
    required: fc.boolean(),
    allowDeactivation: fc.boolean(),
    primaryMethod: fc.constantFrom('totp', 'email', 'sms', null),
    secondaryMethod: fc.constantFrom('totp', 'email', 'sms', null),
  };
  return fc.oneof({ weight: 3, arbitrary: plausible[name] ?? anyText }, { weight: 1, arbitrary: wrongType });
}

/** An object shaped like the endpoint's body: fields present or not, maybe extra keys. */
function shapedBody(fields: string[], ids: Fixture): fc.Arbitrary<unknown> {
  const model = Object.fromEntries(fields.map((f) => [f, fieldValue(f, ids)]));
  return fc
    .tuple(
      fc.record(model, { requiredKeys: [] }),
      fc.option(
        fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), fc.jsonValue({ maxDepth: 1 }), {
          maxKeys: 2,
        }),
      ),
    )
    .map(([body, extra]) => (extra ? { ...body, ...extra } : body));
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function payloadFor(fields: string[] | undefined, ids: Fixture): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 5, arbitrary: shapedBody(fields ?? ['email', 'password', 'code'], ids).map(safeStringify) },
    { weight: 2, arbitrary: fc.jsonValue().map(safeStringify) },
    {
      weight: 1,
      arbitrary: fc
        .anything({
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
          withNullPrototype: true,
          withObjectString: true,
        })
        .map(safeStringify),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.tuple(hugeText, hugeText).map(([a, b]) => JSON.stringify({ email: a, password: b, code: a })) },
    { weight: 1, arbitrary: hugeText },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json; charset=utf-16',
      'application/problem+json',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      '*/*',
      '',
      ';;',
      'application/json, text/plain',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);

/** Path segments an HTTP client can send: percent-encoded unicode, raw punctuation, traversal, long ids. */
const SPECIAL = [
  '/',
  '..',
  '.',
  '%',
  '%00',
  '%2F',
  '%2f',
  '%ZZ',
  '%E0%A4%A',
  '%C0%AF',
  '?',
  '#',
  ';',
  '\\',
  '*',
  ':id',
  '{id}',
  "'",
  '"',
  '<script>',
  '%20',
  '+',
  '&',
  '=',
  '~',
  '@',
  '$',
  ',',
  '[',
  ']',
  '|',
  '`',
  '^',
  '%25',
  '%u0041',
];
const junkSegment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent),
  fc.array(fc.oneof(fc.constantFrom(...SPECIAL), fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/)), { maxLength: 8 }).map((parts) => parts.join('')),
  fc.integer({ min: 90, max: 400 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom('', '0', '-1', 'null', 'undefined', 'true', '[]', '{}', "'%20OR%201=1%20--", '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f'),
);
/** True when the router can decode the segment: well-formed percent-encoding and at most 90 characters. */
function isRoutable(segment: string): boolean {
  try {
    decodeURIComponent(segment);
  } catch {
    return false;
  }
  return segment.length <= 90;
}
/** Segments the router cannot take: malformed percent-encodings, ids longer than any real one. */
const unroutableSegment = fc
  .oneof(
    fc
      .tuple(
        fc.stringMatching(/^[A-Za-z0-9_-]{0,10}$/),
        fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4%A', '%u0041', '%C0', '%ED%A0%80', '%F8%80%80%80%80'),
        fc.stringMatching(/^[A-Za-z0-9_-]{0,10}$/),
      )
      .map((parts) => parts.join('')),
    fc.integer({ min: 101, max: 2_000 }).chain((n) => fc.constantFrom('x', '%41', '-').map((c) => c.repeat(n))),
  )
  .filter((s) => !isRoutable(s));
/** Ids that stay within what the router accepts (well-formed encoding, at most 90 characters). */
const tameSegment = fc.oneof(
  fc
    .string({ unit: 'binary', maxLength: 20 })
    .map(encodeURIComponent)
    .filter((s) => s.length > 0 && s.length <= 90),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
);

interface FuzzRequest {
  method: Method;
  url: string;
  headers: Record<string, string>;
  payload: string | undefined;
  remoteAddress: string;
}

function fillPath(template: string, ids: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
}

// ---- the properties ------------------------------------------------------------------------

describeEachDialect('fuzzing every endpoint (%s)', (dialect) => {
  const scale = dialect === 'sqlite' ? 1 : 0.25;
  let h: Harness;
  let ids: Fixture;
  let sent = 0;
  let fiveHundreds = 0;
  /** 2xx answers, each checked to be for a well-formed request. */
  let successes = 0;
  let total = 0;
  let totalFiveHundreds = 0;

  beforeEach(async () => {
    h = await createHarness(dialect);
    const { superAppId, workspaceId } = await h.tenant('Acme');
    const alice = await h.member(workspaceId, ALICE, 'admin');
    await h.member(workspaceId, 'bob@example.com', 'developer');
    await h.makeSuperAppAdmin(superAppId, ALICE);
    const { key } = await h.activateTotp(await h.loginSession(ALICE));
    // A deactivation code was just mailed: with the clock frozen every resend is refused, so
    // even a valid session cannot make the fuzz send mail.
    const first = await h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password: PASSWORD } });
    const verified = await h.api('POST', `/api/v1/auth/challenges/${first.body.challenge.id}/verify`, { body: { method: 'totp', code: h.totp(key) } });
    const session = verified.sessionCookie!;
    expect((await h.api('POST', '/api/v1/account/two-factor/deactivation/email-code', { cookie: session })).status).toBe(202);
    const open = await h.api('POST', '/api/v1/auth/login', { body: { email: ALICE, password: PASSWORD } });
    ids = { superAppId, workspaceId, aliceId: alice.id, session, challengeId: open.body.challenge.id };
    sent = 0;
    fiveHundreds = 0;
    successes = 0;
  });

  afterEach(async () => {
    total += sent;
    totalFiveHundreds += fiveHundreds;
    await h?.close();
  });

  afterAll(() => {
    console.log(`fuzz (${dialect}): ${total} requests in all, ${totalFiveHundreds} 5xx`);
  });

  async function snapshot(): Promise<Record<string, string[]>> {
    const tables: Record<string, string[]> = {};
    for (const table of TABLES) tables[table] = (await h.deps.db.selectFrom(table).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
    return tables;
  }

  function pathIds(segment: fc.Arbitrary<string>): fc.Arbitrary<Record<string, string>> {
    const real = (value: string) => fc.oneof({ weight: 2, arbitrary: fc.constant(value) }, { weight: 3, arbitrary: segment });
    return fc.record({
      challengeId: real(ids.challengeId),
      superAppId: real(ids.superAppId),
      workspaceId: real(ids.workspaceId),
      // Never another member's id: resetting a real member is a legitimate change.
      accountId: real(ids.aliceId),
    });
  }

  const cookieHeader = () =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 4, arbitrary: fc.constant(`mpp_session=${ids.session}`) },
      {
        weight: 1,
        arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => `mpp_session=${s.replace(/[^\x21-\x7e]/g, '').replace(/;/g, '')}`),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          `mpp_session=${'a'.repeat(5000)}`,
          'mpp_session',
          '=; ;=',
          `mpp_session=${ids.session}; mpp_session=junk`,
          `mpp_session=junk; mpp_session=${ids.session}`,
          `mpp_session="${ids.session}"`,
          `MPP_SESSION=${ids.session}`,
        ),
      },
    );

  function requestArb(segment: fc.Arbitrary<string>): fc.Arbitrary<FuzzRequest> {
    // Built once: constructing arbitraries such as fc.anything() is far costlier than drawing from them.
    const payloadArbs = new Map(ENDPOINTS.map((e) => [e.fields, payloadFor(e.fields, ids)] as const));
    return fc
      .record({
        endpoint: fc.constantFrom(...ENDPOINTS),
        otherMethod: fc.option(fc.constantFrom(...METHODS), { freq: 5 }),
        ids: pathIds(segment),
        query: fc.option(fc.oneof(tameSegment, fc.constantFrom('a=1&a=2', 'x=%ZZ', '__proto__[x]=1', 'email=a@b')), { freq: 6 }),
        cookie: cookieHeader(),
        origin: fc.option(fc.constantFrom('https://evil.example', 'http://localhost:80', 'null'), { freq: 6 }),
        contentType,
        remoteAddress: fc.oneof(fc.ipV4(), fc.ipV6()),
      })
      .chain((r) =>
        payloadArbs.get(r.endpoint.fields)!.map((payload) => {
          const headers: Record<string, string> = {};
          if (r.cookie !== undefined) headers.cookie = r.cookie;
          if (r.origin !== null) headers.origin = r.origin;
          if (r.contentType !== undefined && (payload !== undefined || r.contentType === 'application/json')) headers['content-type'] = r.contentType;
          const url = fillPath(r.endpoint.path, r.ids) + (r.query === null ? '' : `?${r.query}`);
          return { method: r.otherMethod ?? r.endpoint.method, url, headers, payload, remoteAddress: r.remoteAddress };
        }),
      );
  }

  /** Requests whose effect is a legitimate change (not bad input): left out of the fuzz. */
  function changesStateByDesign(r: FuzzRequest): boolean {
    const path = r.url.split('?')[0];
    const withSession = (r.headers.cookie ?? '').includes(ids.session);
    let body: any;
    try {
      body = r.payload === undefined ? undefined : JSON.parse(r.payload);
    } catch {
      body = undefined;
    }
    if (r.method === 'POST' && path === '/api/v1/auth/logout' && withSession) return true;
    // A valid switch replaces the session, as it should.
    if (r.method === 'POST' && path === '/api/v1/session/workspace' && withSession && Value.Check(SwitchWorkspaceBody, body)) return true;
    if (r.method === 'PUT' && path === `/api/v1/super-apps/${ids.superAppId}/two-factor-policy` && withSession && Value.Check(PolicyBody, body)) return true;
    if (r.method === 'POST' && path === `/api/v1/auth/challenges/${ids.challengeId}/verify` && Value.Check(VerifyBody, body)) {
      // A well-formed wrong code is counted against the challenge and the account, as it should be.
      return body.method === 'totp' ? isSixDigitCode(body.code) : body.method === 'recovery_code' && normalizeRecoveryCode(body.code) !== null;
    }
    return false;
  }

  /**
   * Whether `r` is a well-formed request that an endpoint may answer with a 2xx: the
   * endpoint's method on its path with the real ids, a body the route's schema accepts
   * (sent as JSON), the session cookie where one is needed, and no foreign origin on a
   * change. Anything else must get a 4xx.
   */
  function isWellFormed(r: FuzzRequest): boolean {
    const path = r.url.split('?')[0];
    const endpoint = ENDPOINTS.find(
      (e) => fillPath(e.path, ids as unknown as Record<string, string>) === path && (e.method === r.method || (r.method === 'HEAD' && e.method === 'GET')),
    );
    if (!endpoint) return false;
    if (endpoint.session && !(r.headers.cookie ?? '').includes(ids.session)) return false;
    if (r.method !== 'GET' && r.method !== 'HEAD' && r.headers.origin === 'https://evil.example') return false;
    // A GET's body is not read, nor is the body of a route that declares none.
    if (r.method === 'GET' || r.method === 'HEAD' || endpoint.body === undefined) return true;
    const jsonType = /^application\/json/i.test(r.headers['content-type'] ?? '');
    if (r.payload === undefined) return endpoint.body === undefined;
    if (!jsonType) return false;
    let body: unknown;
    try {
      body = JSON.parse(r.payload);
    } catch {
      return false;
    }
    return endpoint.body === undefined || Value.Check(endpoint.body, body);
  }

  async function send(r: FuzzRequest): Promise<void> {
    const response = await h.app.inject({
      method: r.method,
      url: r.url,
      headers: r.headers,
      remoteAddress: r.remoteAddress,
      ...(r.payload === undefined ? {} : { payload: r.payload }),
    });
    sent += 1;
    const status = response.statusCode;
    if (status >= 500) fiveHundreds += 1;
    const label = `${r.method} ${r.url.slice(0, 200)} → ${status} ${response.body.slice(0, 300)}`;
    expect(status, label).toBeLessThan(500);
    expect(status, label).toBeGreaterThanOrEqual(200);
    if (status < 300) {
      successes += 1;
      expect(isWellFormed(r), `${label}: a 2xx for a request that is not well-formed`).toBe(true);
    }
    const session = response.cookies.find((c) => c.name === 'mpp_session');
    expect(session?.value ?? '', `${label}: no session may be issued`).toBe('');
    if (status === 429) expect(response.headers['retry-after'], label).toBeDefined();
    if (!r.url.startsWith('/api/') || r.method === 'HEAD' || status === 204) return;
    const type = String(response.headers['content-type'] ?? '');
    if (status >= 400) {
      expect(type, label).toMatch(/^application\/problem\+json/);
      const body = JSON.parse(response.body);
      expect(Object.keys(ERROR_CATALOGUE), label).toContain(body.code);
      expect(body.status, label).toBe(status);
      expect(typeof body.title, label).toBe('string');
    } else {
      expect(type, label).toMatch(/^application\/json/);
      JSON.parse(response.body);
    }
  }

  async function runBatches(arb: fc.Arbitrary<FuzzRequest[]>, numRuns: number): Promise<void> {
    await fc.assert(
      fc.asyncProperty(arb, async (batch) => {
        const before = await snapshot();
        for (const r of batch) await send(r);
        expect(await snapshot()).toEqual(before);
      }),
      { numRuns: Math.max(20, Math.round(numRuns * scale)), endOnFailure: true },
    );
  }

  it(
    'random bodies, types, methods, content types and cookies on every endpoint: never a 5xx, a 2xx only for a well-formed request, otherwise a problem, no change',
    { timeout: 240_000 },
    async () => {
      const started = Date.now();
      try {
        await runBatches(
          fc.array(
            requestArb(tameSegment).filter((r) => !changesStateByDesign(r)),
            { minLength: 1, maxLength: 6 },
          ),
          1400,
        );
      } finally {
        console.log(`fuzz (${dialect}) bodies: ${sent} requests, ${successes} 2xx (each well-formed), ${fiveHundreds} 5xx, ${Date.now() - started} ms`);
      }
      expect(successes, 'the fuzz reaches the handlers with well-formed requests too').toBeGreaterThan(0);
      // The valid session survived everything thrown at it.
      expect((await h.api('GET', '/api/v1/session', { cookie: ids.session })).status).toBe(200);
    },
  );

  it('junk in path ids (special characters, traversal, encoded unicode): a 4xx problem wherever an id is junk, no change', { timeout: 240_000 }, async () => {
    const started = Date.now();
    const routable = junkSegment.filter(isRoutable);
    const randomPath = fc.array(routable, { minLength: 1, maxLength: 5 }).map((segments) => `/api/v1/${segments.join('/')}`);
    const arb = fc
      .oneof(
        { weight: 4, arbitrary: requestArb(routable) },
        {
          weight: 1,
          arbitrary: fc
            .record({ method: fc.constantFrom(...METHODS), url: randomPath, cookie: cookieHeader(), remoteAddress: fc.ipV4() })
            .map((r): FuzzRequest => ({
              method: r.method,
              url: r.url,
              headers: r.cookie ? { cookie: r.cookie } : {},
              payload: undefined,
              remoteAddress: r.remoteAddress,
            })),
        },
      )
      .filter((r) => !changesStateByDesign(r));
    try {
      await runBatches(fc.array(arb, { minLength: 1, maxLength: 4 }), 500);
    } finally {
      console.log(`fuzz (${dialect}) paths: ${sent} requests, ${successes} 2xx (each well-formed), ${fiveHundreds} 5xx, ${Date.now() - started} ms`);
    }
  });

  it(
    'NUL bytes, control characters and lone surrogates in every field, id and cookie: a 4xx problem on every dialect, no change',
    { timeout: 120_000 },
    async () => {
      const badStrings = ['\u0000', 'a\u0000b', `${ALICE}\u0000`, '\u0001\u001f\u007f', '\ud800', 'x\udfffy', '\u202e\ufeff', '123\u000056'];
      const badSegments = ['%00', 'a%00b', '%01', '%7F', '%ED%A0%80', '%EF%BB%BF', '%C3%A4%00'];
      const requests: FuzzRequest[] = [];
      for (const cookie of [undefined, `mpp_session=${ids.session}`]) {
        const headers: Record<string, string> = { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) };
        for (const endpoint of ENDPOINTS) {
          const url = fillPath(endpoint.path, ids as unknown as Record<string, string>);
          for (const field of endpoint.fields ?? []) {
            for (const bad of badStrings) {
              const body = Object.fromEntries(
                (endpoint.fields ?? []).map((f) => [
                  f,
                  f === field ? bad : (({ method: 'totp', code: '123456', email: ALICE, password: 'not the password' } as Record<string, unknown>)[f] ?? 'x'),
                ]),
              );
              requests.push({ method: endpoint.method, url, headers, payload: JSON.stringify(body), remoteAddress: '10.9.9.9' });
            }
          }
          if (!endpoint.path.includes('{')) continue;
          for (const bad of badSegments) {
            const junkIds = { challengeId: bad, superAppId: bad, workspaceId: bad, accountId: bad };
            requests.push({
              method: endpoint.method,
              url: fillPath(endpoint.path, junkIds),
              headers,
              payload: endpoint.fields ? '{}' : undefined,
              remoteAddress: '10.9.9.9',
            });
          }
        }
      }
      for (const bad of ['%00', 'a%00b', '\u0001', '%ED%A0%80']) {
        requests.push({ method: 'GET', url: '/api/v1/session', headers: { cookie: `mpp_session=${bad}` }, payload: undefined, remoteAddress: '10.9.9.9' });
      }
      const before = await snapshot();
      for (const r of requests.filter((q) => !changesStateByDesign(q))) await send(r);
      expect(await snapshot()).toEqual(before);
      // Every one of these carries a bad character somewhere: none may succeed.
      expect(successes).toBe(0);
      console.log(`fuzz (${dialect}) control characters: ${sent} requests, ${fiveHundreds} 5xx`);
    },
  );

  it('undecodable percent-encodings and over-long ids in paths also get a problem response, not the framework default', { timeout: 120_000 }, async () => {
    const started = Date.now();
    try {
      await runBatches(
        fc.array(
          requestArb(unroutableSegment).filter((r) => !changesStateByDesign(r)),
          { minLength: 1, maxLength: 2 },
        ),
        100,
      );
    } finally {
      console.log(`fuzz (${dialect}) unroutable paths: ${sent} requests, ${fiveHundreds} 5xx, ${Date.now() - started} ms`);
    }
  });
});
