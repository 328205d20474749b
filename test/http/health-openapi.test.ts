import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, type Harness } from '../support/harness.js';

/** Every operation API.md fixes (the OpenAPI document itself aside), in OpenAPI path syntax. */
const CONTRACT: [string, string][] = [
  ['get', '/healthz'],
  ['post', '/api/v1/auth/login'],
  ['post', '/api/v1/auth/challenges/{id}/email-code'],
  ['post', '/api/v1/auth/challenges/{id}/enrollment'],
  ['post', '/api/v1/auth/challenges/{id}/verify'],
  ['post', '/api/v1/auth/logout'],
  ['get', '/api/v1/session'],
  ['get', '/api/v1/account/two-factor'],
  ['post', '/api/v1/account/two-factor/activation'],
  ['post', '/api/v1/account/two-factor/activation/verify'],
  ['post', '/api/v1/account/two-factor/deactivation/email-code'],
  ['post', '/api/v1/account/two-factor/deactivation'],
  ['post', '/api/v1/account/two-factor/recovery-codes'],
  ['get', '/api/v1/super-apps/{id}/two-factor-policy'],
  ['put', '/api/v1/super-apps/{id}/two-factor-policy'],
  ['get', '/api/v1/workspaces/{id}/members'],
];

function expectProblem(response: ApiResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.body.code).toBe(code);
  expect(response.body.status).toBe(status);
}

describeEachDialect('health and OpenAPI (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('GET /healthz answers 200 {status: ok} once the database answers', async () => {
    h = await createHarness(dialect);
    const response = await h.api('GET', '/healthz');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('GET /healthz needs no session and sets no cookie', async () => {
    h = await createHarness(dialect);
    const response = await h.api('GET', '/healthz', { cookie: 'not-a-session' });
    expect(response.status).toBe(200);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('GET /api/v1/openapi.json is an OpenAPI 3 document', async () => {
    h = await createHarness(dialect);
    const response = await h.api('GET', '/api/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.body.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(typeof response.body.info?.title).toBe('string');
    expect(typeof response.body.info?.version).toBe('string');
    expect(typeof response.body.paths).toBe('object');
  });

  it('the OpenAPI document lists every path and method of API.md', async () => {
    h = await createHarness(dialect);
    const { paths } = (await h.api('GET', '/api/v1/openapi.json')).body;
    const missing = CONTRACT.filter(([method, path]) => paths[path]?.[method] === undefined).map(([m, p]) => `${m.toUpperCase()} ${p}`);
    expect(missing).toEqual([]);
  });

  it('the OpenAPI document describes the request bodies of the JSON endpoints', async () => {
    h = await createHarness(dialect);
    const { paths } = (await h.api('GET', '/api/v1/openapi.json')).body;
    const bodyOf = (method: string, path: string) => paths[path][method].requestBody?.content?.['application/json']?.schema;
    expect(bodyOf('post', '/api/v1/auth/login')?.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(bodyOf('post', '/api/v1/auth/challenges/{id}/verify')?.required).toEqual(expect.arrayContaining(['method', 'code']));
    expect(bodyOf('post', '/api/v1/account/two-factor/deactivation')?.required).toEqual(expect.arrayContaining(['password', 'method', 'code']));
    expect(bodyOf('put', '/api/v1/super-apps/{id}/two-factor-policy')?.required).toEqual(
      expect.arrayContaining(['required', 'primaryMethod', 'secondaryMethod', 'allowDeactivation']),
    );
  });

  it('the OpenAPI document is served the same way on every request', async () => {
    h = await createHarness(dialect);
    const first = await h.api('GET', '/api/v1/openapi.json');
    const second = await h.api('GET', '/api/v1/openapi.json');
    expect(second.body).toEqual(first.body);
  });

  it('an unknown /api path answers a 404 problem', async () => {
    h = await createHarness(dialect);
    for (const [method, url] of [
      ['GET', '/api/v1/nope'],
      ['POST', '/api/v1/nope'],
      ['GET', '/api/v2/session'],
      ['GET', '/api/v1/account/two-factor/nope'],
      ['DELETE', '/api/v1/account/two-factor'],
      ['GET', '/api/v1/auth/login'],
    ] as const) {
      const response = await h.api(method, url);
      expectProblem(response, 404, 'not_found');
      expect(typeof response.body.title).toBe('string');
    }
  });

  it('an unknown path below /healthz answers a 404 problem', async () => {
    h = await createHarness(dialect);
    expectProblem(await h.api('GET', '/healthz/nope'), 404, 'not_found');
  });
});
