import Type from 'typebox';
import { afterEach, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { responsesOf } from '../../src/http/responses.js';
import { contractViolationOf, type OpenApiDocument, serializationLossOf } from '../support/contract.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/** The contract check itself must fail where it should, or every HTTP test would pass it vacuously. */
describeEachDialect('the contract check (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function documentOf(harness: Harness): Promise<OpenApiDocument> {
    return (await harness.api('GET', '/api/v1/openapi.json')).body as OpenApiDocument;
  }

  it('accepts a real answer and refuses a body that does not match, an undeclared status and an undeclared media type', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant();
    await h.member(workspaceId, 'alice@example.com');
    const document = await documentOf(h);
    const login = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'alice@example.com', password: PASSWORD } });
    const answer = { method: 'POST', route: '/api/v1/auth/login', status: 200, contentType: 'application/json; charset=utf-8', body: login.body };
    expect(contractViolationOf(document, answer)).toBeNull();

    const { account: _account, ...withoutAccount } = JSON.parse(login.body);
    expect(contractViolationOf(document, { ...answer, body: JSON.stringify(withoutAccount) })).toMatch(/does not match/);
    expect(contractViolationOf(document, { ...answer, body: JSON.stringify({ ...JSON.parse(login.body), status: 'maybe' }) })).toMatch(/does not match/);
    expect(contractViolationOf(document, { ...answer, status: 418 })).toMatch(/status not declared/);
    expect(contractViolationOf(document, { ...answer, contentType: 'text/html' })).toMatch(/content type text\/html not declared/);
    expect(contractViolationOf(document, { ...answer, route: '/api/v1/nope' })).toMatch(/not in the OpenAPI document/);
  });

  it('refuses a problem whose code the operation does not declare for that status', async () => {
    h = await createHarness(dialect);
    const document = await documentOf(h);
    const problem = (code: string, status: number) => ({
      method: 'GET',
      route: '/api/v1/session',
      status,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', status, code, title: 'x' }),
    });
    expect(contractViolationOf(document, problem('unauthenticated', 401))).toBeNull();
    expect(contractViolationOf(document, problem('invalid_code', 401))).toMatch(/does not match/);
    expect(contractViolationOf(document, problem('unauthenticated', 403))).toMatch(/status not declared/);
  });

  it('notices a field that serialization dropped or a value it changed', () => {
    expect(serializationLossOf({ a: 1 }, '{"a":1}')).toBeNull();
    expect(serializationLossOf({ a: 1, b: 2 }, '{"a":1}')).toMatch(/serialization changed the body/);
    expect(serializationLossOf({ a: 1.5 }, '{"a":1}')).toMatch(/serialization changed the body/);
  });

  it('every harness checks its answers: an undeclared field, success or problem, fails the request', async () => {
    h = await createHarness(dialect);
    const ok = Type.Object({ kept: Type.String() });
    h.app.get('/api/v1/contract-probe', { schema: { response: responsesOf({ method: 'GET', access: 'public', ok: { 200: ok } }) } }, async () => ({
      kept: 'x',
      leaked: 'y',
    }));
    h.app.get(
      '/api/v1/contract-probe/problem',
      { schema: { response: responsesOf({ method: 'GET', access: 'public', ok: { 200: ok }, problems: ['invalid_code'] }) } },
      async () => {
        throw new AppError('invalid_code', { undocumented: 1 });
      },
    );
    await expect(h.api('GET', '/api/v1/contract-probe')).rejects.toThrow(/sent \{"kept":"x","leaked":"y"\}, answered \{"kept":"x"\}/);
    await expect(h.api('GET', '/api/v1/contract-probe/problem')).rejects.toThrow(/"undocumented":1/);
    expect(h.contractViolations).toHaveLength(2);
    h.contractViolations.length = 0;
  });
});
