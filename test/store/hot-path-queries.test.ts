import { DefaultQueryCompiler, DefaultQueryExecutor, type CompiledQuery } from 'kysely';
import { afterEach, expect, it, type MockInstance, vi } from 'vitest';
import { describeEachDialect } from '../support/database.js';
import { type ApiResponse, createHarness, type Harness, PASSWORD, setCookieLines } from '../support/harness.js';

/** Runs `run` with `spy` on (the spied method still runs) and gives back its calls and results; the spy is removed after. */
async function callsDuring<T extends (...args: never[]) => unknown>(spy: MockInstance<T>, run: () => Promise<void>) {
  try {
    await run();
    return { calls: [...spy.mock.calls], results: spy.mock.results.map((r) => r.value as ReturnType<T>) };
  } finally {
    spy.mockRestore();
  }
}

/**
 * The hot paths (session lookup, password login, second-factor verify) run only statements
 * compiled once (store/reusable-query.ts): once warm, they build no query. Every Kysely
 * query, built or raw, is compiled by DefaultQueryCompiler.compileQuery on both dialects.
 */
async function compiledDuring(run: () => Promise<void>): Promise<string[]> {
  const { results } = await callsDuring(vi.spyOn(DefaultQueryCompiler.prototype, 'compileQuery'), run);
  return results.map((compiled) => compiled.sql);
}

/** The SQL of every statement run during `run` (built or reusable: all go through the executor's executeQuery). */
async function executedDuring(run: () => Promise<void>): Promise<string[]> {
  const base = Object.getPrototypeOf(DefaultQueryExecutor.prototype) as { executeQuery(query: CompiledQuery): Promise<unknown> };
  const { calls } = await callsDuring(vi.spyOn(base, 'executeQuery'), run);
  return calls.map(([query]) => query.sql);
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
