import { DefaultQueryCompiler, DefaultQueryExecutor, type RootOperationNode, type CompiledQuery, type QueryId } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, type Harness, PASSWORD, setCookieLines } from '../support/harness.js';

/**
 * The hot paths (session lookup, password login, second-factor verify) run only statements
 * compiled once (store/reusable-query.ts): once warm, they build no query. Every Kysely
 * query, built or raw, is compiled by DefaultQueryCompiler.compileQuery on both dialects.
 */
async function compiledDuring(run: () => Promise<void>): Promise<string[]> {
  const proto = DefaultQueryCompiler.prototype;
  const original = proto.compileQuery;
  const compiled: string[] = [];
  proto.compileQuery = function (this: DefaultQueryCompiler, node: RootOperationNode, queryId: QueryId): CompiledQuery {
    const result = original.call(this, node, queryId);
    compiled.push(result.sql);
    return result;
  };
  try {
    await run();
  } finally {
    proto.compileQuery = original;
  }
  return compiled;
}

/** The SQL of every statement run during `run` (built or reusable: all go through the executor's executeQuery). */
async function executedDuring(run: () => Promise<void>): Promise<string[]> {
  const base = Object.getPrototypeOf(DefaultQueryExecutor.prototype) as { executeQuery(query: CompiledQuery, queryId?: QueryId): Promise<unknown> };
  const original = base.executeQuery;
  const executed: string[] = [];
  base.executeQuery = function (this: unknown, query: CompiledQuery, queryId?: QueryId) {
    executed.push(query.sql);
    return original.call(this, query, queryId);
  };
  try {
    await run();
  } finally {
    base.executeQuery = original;
  }
  return executed;
}

function deviceCookieOf(response: ApiResponse): string {
  const line = setCookieLines(response).find((l) => l.startsWith('mpp_device='));
  if (!line) throw new Error('no device cookie was set');
  return line.split(';')[0]!;
}

describeEachDialect('hot paths build no query at run time (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('a warm login, TOTP verify and session lookup compile nothing', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, 'alice@example.com');
    await h.member(workspaceId, 'bob@example.com');
    const { key } = await h.activateTotp(await h.loginSession('alice@example.com'));
    const bobCookie = await h.loginSession('bob@example.com');
    let aliceDevice: string | undefined;

    const cycle = async () => {
      // Alice: password, then her authenticator; from the second round on from a known device.
      const login = await h.api('POST', '/api/v1/auth/login', {
        body: { email: 'alice@example.com', password: PASSWORD },
        headers: aliceDevice ? { cookie: aliceDevice } : {},
      });
      expect(login.body.status).toBe('second_factor_required');
      const verified = await h.api('POST', `/api/v1/auth/challenges/${login.body.challenge.id}/verify`, {
        body: { method: 'totp', code: h.totp(key) },
        headers: aliceDevice ? { cookie: aliceDevice } : {},
      });
      expect(verified.status, JSON.stringify(verified.body)).toBe(200);
      aliceDevice = deviceCookieOf(verified);
      // Bob: the password alone, and his session looked up (written back: a minute passed).
      await h.loginSession('bob@example.com');
      const session = await h.api('GET', '/api/v1/session', { cookie: bobCookie });
      expect(session.status).toBe(200);
      h.clock.advanceSeconds(90);
    };
    await cycle();
    await cycle();

    expect(await compiledDuring(cycle)).toEqual([]);
  });

  it('a session lookup runs three statements: the session with account, membership and language; the workspaces; the administered super apps', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    await h.member(workspaceId, 'bob@example.com');
    const cookie = await h.loginSession('bob@example.com');
    const statements = await executedDuring(async () => {
      const session = await h.api('GET', '/api/v1/session', { cookie });
      expect(session.status).toBe(200);
      expect(session.body.account.locale).toBeNull();
    });
    expect(statements).toHaveLength(3);
    expect(statements[0]).toContain('"accounts"."locale"');
    expect(statements.join('\n')).not.toMatch(/select \* from "accounts"/);
  });
});
