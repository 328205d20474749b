import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir } from '../support/cli.js';
import { findFreePort, ServeProcess, START_TIMEOUT_MS } from '../support/serve-process.js';

const TOKEN = 'metrics-token-0123456789-abcdefghij-XYZ';

/** The value of one sample line (`name{labels} value`) in Prometheus text, or undefined. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('mpp-2fa serve with METRICS_TOKEN and METRICS_PORT', () => {
  const dataDir = makeDataDir();
  let server: ServeProcess;
  let port = 0;
  let metricsPort = 0;

  beforeAll(async () => {
    port = await findFreePort();
    metricsPort = await findFreePort();
    server = new ServeProcess(['--port', String(port)], dataDir, { METRICS_TOKEN: TOKEN, METRICS_PORT: String(metricsPort) });
    await server.started();
  }, START_TIMEOUT_MS);

  afterAll(() => {
    server?.kill();
    removeDataDir(dataDir);
  });

  const scrape = (headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}/metrics`, { headers });

  it('refuses /metrics on the public port without the bearer token, or with a wrong one (404, as if there were none)', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${TOKEN}x` }, { authorization: TOKEN }];
    for (const headers of attempts) {
      const response = await scrape(headers);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('mpp2fa_');
    }
  });

  it('counts logins by outcome, requests by route template, and the defaults; the same on the metrics port', async () => {
    const login = (password: string) =>
      fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@example.com', password }),
      });
    expect((await login('not the password')).status).toBe(401);
    const demoPassword = server.stdout.match(/^\s+password:\s+(\S+)\s*$/m)![1]!;
    expect((await login(demoPassword)).status).toBe(200);

    const response = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'mpp2fa_logins_total{outcome="invalid_credentials"}')).toBe(1);
    expect(sample(text, 'mpp2fa_logins_total{outcome="authenticated"}')).toBe(1);
    expect(sample(text, 'mpp2fa_http_requests_total{route="/api/v1/auth/login",method="POST",status="401"}')).toBe(1);
    expect(text).toContain('mpp2fa_http_request_duration_seconds_bucket{le="0.5",route="/api/v1/auth/login",method="POST"}');
    expect(text).toContain('mpp2fa_nodejs_eventloop_lag_seconds');
    // Nothing secret in the text: no password, token or email.
    for (const secret of [demoPassword, TOKEN, 'admin@example.com']) expect(text).not.toContain(secret);

    const own = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(own.status).toBe(200);
    expect(sample(await own.text(), 'mpp2fa_logins_total{outcome="authenticated"}')).toBe(1);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
  });

  it('prints where metrics are served', () => {
    expect(server.stdout).toContain(`Metrics: http://127.0.0.1:${metricsPort}/metrics`);
  });
});
