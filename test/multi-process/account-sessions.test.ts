/**
 * Issue 17 "Where you are signed in" across instances: two real `mpp-2fa serve` processes
 * on one PostgreSQL database. The session list, ending one session and "sign out everywhere
 * else" read and change only the shared database, so a session opened or ended on one
 * server is seen so at once on the other.
 *
 * Needs PostgreSQL (TEST_DATABASE_URL); skipped locally without it, an error under CI=true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDeployment,
  type Deployment,
  describeResult,
  ensureBuilt,
  freePort,
  http,
  type HttpResult,
  loginSession,
  PASSWORD,
  POSTGRES_URL,
  ServerProcess,
  SKIP_REASON,
} from './servers.js';

const EMAIL = 'sessions@example.com';

function expectUnauthenticated(response: HttpResult): void {
  expect(response.status, describeResult(response)).toBe(401);
  expect(response.body.code).toBe('unauthenticated');
}

describe.skipIf(!POSTGRES_URL)(`account sessions across two mpp-2fa serve processes on PostgreSQL${SKIP_REASON}`, () => {
  let deployment: Deployment | undefined;
  let A: ServerProcess | undefined;
  let B: ServerProcess | undefined;
  const a = () => A!.url;
  const b = () => B!.url;

  beforeAll(async () => {
    await ensureBuilt();
    deployment = await createDeployment();
    const d = deployment;
    const portA = await freePort();
    let portB = await freePort();
    for (let i = 0; i < 10 && portB === portA; i += 1) portB = await freePort();
    A = new ServerProcess('server A', portA, d.env);
    B = new ServerProcess('server B', portB, d.env);
    // The first CLI command migrates the fresh database.
    const superApp = await d.cli(['super-app', 'create', '--name', 'Sessions Tenant']);
    const [, , workspace] = await Promise.all([
      A.start(),
      B.start(),
      d.cli(['workspace', 'create', '--super-app', superApp.id, '--name', 'Sessions Workspace']),
      d.cli(['account', 'create', '--email', EMAIL, '--name', 'Sam', '--password-stdin'], `${PASSWORD}\n`),
    ]);
    await d.cli(['member', 'add', '--workspace', workspace.id, '--email', EMAIL, '--role', 'developer']);
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled([A?.kill(), B?.kill()]);
    await deployment?.dispose();
  });

  it('a session opened on A is listed by B; B ends it and A no longer knows it; sign out everywhere else on A ends B’s', async () => {
    const onA = await loginSession(a(), EMAIL);
    const onB = await loginSession(b(), EMAIL);
    const third = await loginSession(a(), EMAIL);

    const listed = await http(b(), 'GET', '/api/v1/account/sessions', { cookie: onB });
    expect(listed.status, describeResult(listed)).toBe(200);
    expect(listed.body.sessions).toHaveLength(3);
    expect(listed.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    // The same ids on both servers: they are derived from the stored session, not per process.
    const fromA = await http(a(), 'GET', '/api/v1/account/sessions', { cookie: onA });
    const ids = (r: HttpResult) => r.body.sessions.map((s: { id: string }) => s.id).sort();
    expect(ids(fromA)).toEqual(ids(listed));
    const currentOnA = fromA.body.sessions.find((s: { current: boolean }) => s.current).id;

    const ended = await http(b(), 'DELETE', `/api/v1/account/sessions/${currentOnA}`, { cookie: onB });
    expect(ended.status, describeResult(ended)).toBe(204);
    expectUnauthenticated(await http(a(), 'GET', '/api/v1/session', { cookie: onA }));
    expect((await http(a(), 'GET', '/api/v1/session', { cookie: third })).status).toBe(200);

    const everywhere = await http(a(), 'DELETE', '/api/v1/account/sessions', { cookie: third });
    expect(everywhere.status, describeResult(everywhere)).toBe(200);
    expect(everywhere.body).toEqual({ ended: 1 });
    expectUnauthenticated(await http(b(), 'GET', '/api/v1/session', { cookie: onB }));
    const left = await http(b(), 'GET', '/api/v1/account/sessions', { cookie: third });
    expect(left.body.sessions).toHaveLength(1);
    expect(left.body.sessions[0].current).toBe(true);
  });
});
