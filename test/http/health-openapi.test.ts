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
    // Bodies with a passkey alternative are a union: the code form keeps its required fields, the passkey form sends `credential`.
    const requiredSets = (schema: any): string[][] => (schema?.anyOf ?? [schema]).map((alternative: any) => alternative?.required ?? []);
    expect(requiredSets(bodyOf('post', '/api/v1/auth/challenges/{id}/verify'))).toEqual([
      expect.arrayContaining(['method', 'code']),
      expect.arrayContaining(['method', 'credential']),
      expect.arrayContaining(['method', 'credential']),
    ]);
    expect(requiredSets(bodyOf('post', '/api/v1/account/two-factor/deactivation'))).toEqual([
      expect.arrayContaining(['password', 'method', 'code']),
      expect.arrayContaining(['password', 'method', 'credential']),
    ]);
    expect(bodyOf('put', '/api/v1/super-apps/{id}/two-factor-policy')?.required).toEqual(
      expect.arrayContaining(['required', 'primaryMethod', 'secondaryMethod', 'allowDeactivation']),
    );
  });

  it('every operation has an operationId, a summary, tags and a schema for each declared answer', async () => {
    h = await createHarness(dialect);
    const { paths } = (await h.api('GET', '/api/v1/openapi.json')).body;
    const incomplete: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const label = `${method.toUpperCase()} ${path}`;
        if (!operation.operationId || !operation.summary || !(operation.tags?.length > 0) || !Array.isArray(operation.security))
          incomplete.push(`${label}: id, summary, tags, security`);
        for (const [status, response] of Object.entries<any>(operation.responses)) {
          if (status === '204') continue;
          // A download (the audit export) declares its text media types instead of JSON.
          const download = status.startsWith('2') && response.content?.['text/csv']?.schema;
          const media = status.startsWith('2') ? 'application/json' : 'application/problem+json';
          if (!download && !response.content?.[media]?.schema) incomplete.push(`${label} ${status}: no ${media} schema`);
        }
        if (!Object.keys(operation.responses).some((s) => s.startsWith('4'))) incomplete.push(`${label}: no 4xx`);
      }
    }
    // The health probes answer no 4xx: nothing a client sends can be wrong there.
    expect(incomplete).toEqual(['GET /readyz: no 4xx', 'GET /healthz: no 4xx']);
  });

  it('the OpenAPI document declares the 201, 202 and 204 answers where the API gives them', async () => {
    h = await createHarness(dialect);
    const { paths } = (await h.api('GET', '/api/v1/openapi.json')).body;
    const statuses = (method: string, path: string) => Object.keys(paths[path][method].responses).filter((s) => s.startsWith('2'));
    expect(statuses('post', '/api/v1/account/two-factor/activation')).toEqual(['201']);
    expect(statuses('post', '/api/v1/auth/challenges/{id}/email-code')).toEqual(['202']);
    expect(statuses('post', '/api/v1/account/two-factor/deactivation/email-code')).toEqual(['202']);
    expect(statuses('post', '/api/v1/auth/logout')).toEqual(['204']);
    expect(paths['/api/v1/auth/logout'].post.responses['204'].content).toBeUndefined();
    expect(Object.keys(paths['/api/v1/auth/login'].post.responses)).toEqual(['200', '400', '401', '403', '413', '415', '429', '500']);
    expect(paths['/api/v1/auth/login'].post.responses['429'].headers?.['Retry-After']).toBeDefined();
  });

  it('operations that need a session declare the session cookie scheme, and it names the cookie', async () => {
    h = await createHarness(dialect);
    const document = (await h.api('GET', '/api/v1/openapi.json')).body;
    const needsSession = Object.entries<Record<string, any>>(document.paths).flatMap(([path, item]) =>
      Object.entries<any>(item)
        .filter(([, operation]) => JSON.stringify(operation.security) === JSON.stringify([{ session: [] }]))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(needsSession).toContain('GET /api/v1/session');
    expect(needsSession).toContain('GET /api/v1/account/devices');
    expect(needsSession).toContain('POST /api/v1/workspaces/{id}/members/{accountId}/two-factor/reset');
    expect(needsSession).not.toContain('POST /api/v1/auth/login');
    for (const operation of needsSession) {
      const [method, path] = operation.split(' ') as [string, string];
      expect(Object.keys(document.paths[path][method.toLowerCase()].responses), operation).toContain('401');
    }
    expect(document.paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect(document.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'mpp_session' });
  });

  it('the OpenAPI servers come from PUBLIC_URL, or name the serving host when it is unset', async () => {
    h = await createHarness(dialect);
    expect((await h.api('GET', '/api/v1/openapi.json')).body.servers).toEqual([expect.objectContaining({ url: '/' })]);
    await h.close();
    h = await createHarness(dialect, { publicUrl: 'https://console.example.org/' });
    const document = (await h.api('GET', '/api/v1/openapi.json')).body;
    expect(document.servers).toEqual([expect.objectContaining({ url: 'https://console.example.org' })]);
    expect(document.components.securitySchemes.session.name).toBe('__Host-mpp_session');
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
