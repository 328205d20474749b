// Load helpers: autocannon runs with our own sub-millisecond latency record (autocannon's
// histogram has 1 ms resolution), a fixed-rate probe, and a small concurrent HTTP client for
// preparing cookies and challenges. Every loop is bounded in time; only 127.0.0.1 is used.
import http from 'node:http';
import autocannon from 'autocannon';

/** p-th percentile (0–100) of sorted samples; null when there are none. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

function summarize(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return {
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.length ? sorted[sorted.length - 1] : null),
  };
}

export function round(value, digits = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * One autocannon run against `url` (an origin). Either `duration` (seconds) or `amount`
 * (requests); `requests` as autocannon takes them. Stops by itself after `hardLimitSeconds`
 * whatever happens. `rps` and the latency percentiles cover 2xx answers (like autocannon's
 * latencies); `responsesPerSecond` counts every answer.
 */
export function runLoad({ url, connections = 10, duration, amount, requests, hardLimitSeconds = 120 }) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const statusCounts = {};
    let responses = 0;
    const started = performance.now();
    let lastResponseAt = started;
    const instance = autocannon(
      {
        url,
        connections,
        ...(amount !== undefined ? { amount } : { duration }),
        requests,
        timeout: 10,
        // Each connection keeps its requests on one socket, like a browser or API client.
        pipelining: 1,
      },
      (error, result) => {
        clearTimeout(guard);
        if (error) return reject(error);
        const elapsedSeconds = (lastResponseAt - started) / 1000;
        const non2xx = Object.entries(statusCounts)
          .filter(([code]) => !code.startsWith('2'))
          .reduce((sum, [, n]) => sum + n, 0);
        const ok = Object.entries(statusCounts)
          .filter(([code]) => code.startsWith('2'))
          .reduce((sum, [, n]) => sum + n, 0);
        resolve({
          requests: responses,
          ok,
          seconds: round(elapsedSeconds, 3),
          // Successful (2xx) answers per second: an error answer is not the work being measured.
          rps: round(elapsedSeconds > 0 ? ok / elapsedSeconds : 0, 1),
          responsesPerSecond: round(elapsedSeconds > 0 ? responses / elapsedSeconds : 0, 1),
          ...summarize(latencies),
          non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCounts,
          connections,
        });
      },
    );
    const guard = setTimeout(() => instance.stop(), hardLimitSeconds * 1000);
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      responses += 1;
      lastResponseAt = performance.now();
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/**
 * GETs `url` at a fixed rate (open loop: a slow answer does not delay the next request)
 * until `stop()` is called or `maxSeconds` pass; resolves with latency percentiles.
 */
export function startProbe(url, { rate = 20, maxSeconds = 120 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const latencies = [];
  let failures = 0;
  let sent = 0;
  let inFlight = 0;
  let stopped = false;
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  const settle = () => {
    if (stopped && inFlight === 0) {
      agent.destroy();
      const s = summarize(latencies);
      finish({ requests: sent, failures, ...s, rate });
    }
  };
  const fire = () => {
    sent += 1;
    inFlight += 1;
    const t0 = performance.now();
    const request = http.get(url, { agent, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () => {
        if (response.statusCode === 200) latencies.push(performance.now() - t0);
        else failures += 1;
        inFlight -= 1;
        settle();
      });
    });
    request.on('timeout', () => request.destroy(new Error('probe timeout')));
    request.on('error', () => {
      failures += 1;
      inFlight -= 1;
      settle();
    });
  };
  const timer = setInterval(fire, Math.round(1000 / rate));
  const stop = () => {
    if (stopped) return done;
    stopped = true;
    clearInterval(timer);
    clearTimeout(limit);
    settle();
    return done;
  };
  const limit = setTimeout(stop, maxSeconds * 1000);
  return { stop };
}

const jsonAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** A JSON request over keep-alive: { status, body, cookies } where cookies is "a=b; c=d". */
export function requestJson(url, { method = 'POST', body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const request = http.request(
      url,
      {
        method,
        agent: jsonAgent,
        timeout: 30_000,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...headers },
      },
      (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = text;
          }
          const setCookie = response.headers['set-cookie'] ?? [];
          const cookies = setCookie
            .map((c) => c.split(';')[0])
            .filter((c) => !/=$/.test(c))
            .join('; ');
          resolve({ status: response.statusCode, body: parsed, cookies });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timeout: ${method} ${url}`)));
    request.on('error', reject);
    if (payload) request.write(payload);
    request.end();
  });
}

/**
 * Runs `task(item)` over `items` with `concurrency` workers; stops taking new items after
 * `maxSeconds`. Resolves with the results of the tasks that ran (undefined results dropped).
 */
export async function mapPool(items, concurrency, task, { maxSeconds = 60, onProgress } = {}) {
  const deadline = performance.now() + maxSeconds * 1000;
  const results = [];
  let next = 0;
  let completed = 0;
  const worker = async () => {
    while (next < items.length && performance.now() < deadline) {
      const item = items[next];
      next += 1;
      const result = await task(item);
      completed += 1;
      onProgress?.(completed);
      if (result !== undefined) results.push(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return results;
}

export function closeAgents() {
  jsonAgent.destroy();
}
