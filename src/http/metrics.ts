import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** Renders the Prometheus exposition text (prom-client's registry). */
export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics` on the public port, only for `Authorization: Bearer <METRICS_TOKEN>`
 * (compared in constant time); any other caller gets 404, as if there were no such route.
 * Not in the OpenAPI document: it is for operators, not integrators.
 */
export function registerMetricsRoute(app: FastifyInstance, source: MetricsSource, token: string): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!sameToken(given, token)) return reply.callNotFound();
    return reply
      .type(source.contentType)
      .header('cache-control', 'no-store')
      .send(await source.metrics());
  });
}

/** `METRICS_PORT`: `/metrics` alone on a port of its own (keep it off the public network). Resolves once listening. */
export async function startMetricsServer(source: MetricsSource, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    source.metrics().then(
      (text) => response.writeHead(200, { 'content-type': source.contentType, 'cache-control': 'no-store' }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
