import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir } from '../support/cli.js';
import { findFreePort, ServeProcess, START_TIMEOUT_MS } from '../support/serve-process.js';

/** Request logs (LOG_LEVEL=info) never carry a bearer token from a URL path: challenge ids and reset tokens are masked. */
describe('mpp-2fa serve request logs', () => {
  const dataDir = makeDataDir();
  let server: ServeProcess;
  let port = 0;

  beforeAll(async () => {
    port = await findFreePort();
    server = new ServeProcess(['--port', String(port), '--no-demo'], dataDir, { LOG_LEVEL: 'info' });
    await server.started();
  }, START_TIMEOUT_MS);

  afterAll(() => {
    server?.kill();
    removeDataDir(dataDir);
  });

  it('masks the password-reset token and the challenge id in logged URLs', async () => {
    const resetToken = 'ResetTokenThatMustNeverBeLogged0123456789ab';
    const challengeId = 'ChallengeIdThatMustNeverBeLogged0123456789';
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/auth/password-reset/${resetToken}`)).status).toBe(410);
    const verify = await fetch(`http://127.0.0.1:${port}/api/v1/auth/challenges/${challengeId}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'totp', code: '123456' }),
    });
    expect(verify.status).toBe(410);
    await server.waitForStdout(/password-reset\/:token/);
    await server.waitForStdout(/challenges\/:id\/verify/);
    expect(server.stdout + server.stderr).not.toContain(resetToken);
    expect(server.stdout + server.stderr).not.toContain(challengeId);
  });

  it('logs each request once, when answered, with method, route, status, time and request id', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await server.waitForStdout(/"route":"\/healthz"/);
    const lines = server.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const healthz = lines.filter((line) => line.route === '/healthz');
    expect(healthz).toHaveLength(1);
    expect(healthz[0]).toMatchObject({ level: 30, msg: 'request', method: 'GET', status: 200, reqId: expect.any(String), ms: expect.any(Number) });
    const verify = lines.find((line) => line.route === '/api/v1/auth/challenges/:id/verify');
    expect(verify).toMatchObject({ method: 'POST', status: 410 });
  });
});
