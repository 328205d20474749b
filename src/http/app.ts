import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import type { DestinationStream } from 'pino';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyRequest } from 'fastify';
import type { Deps } from '../services/deps.js';
import { requireSession } from '../services/sessions.js';
import { createOriginCheck } from './origin-check.js';
import { securityHeaders } from './security-headers.js';
import { compilersFactory } from './schema-compilers.js';
import { handleError, sendProblem } from './problems.js';
import { registerAccountRoutes } from './routes/account.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerPasskeyRoutes } from './routes/passkeys.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerTenantRoutes } from './routes/tenants.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { cookiePolicyFor, readSessionToken, requestContext } from './session-cookie.js';

import type { HttpApp } from './http-app.js';
import { type MetricsSource, registerMetricsRoute } from './metrics.js';

export type { HttpApp };

export interface AppOptions {
  publicUrl?: string | undefined;
  /**
   * Pino options (`stream`: where lines go, e.g. an asynchronous `pino.destination`), or
   * false for silence (tests). Each request is logged once, when answered, at `info`.
   */
  logger?: boolean | { level: string; stream?: DestinationStream };
  /** Folder of the built console; served at `/` with a fallback to index.html when present. */
  consoleDir?: string | undefined;
  /** Behind a load balancer: whose X-Forwarded-For to believe (client IP for throttling and the audit log). */
  trustProxy?: false | number | string;
  /** Registers `GET /bench/baseline`, a trivial JSON route for benchmarks. */
  benchRoutes?: boolean;
  /** `GET /metrics` for `Authorization: Bearer <token>` (METRICS_TOKEN); absent: no such route. */
  metrics?: { source: MetricsSource; token: string } | undefined;
}

/** Request bodies above this are refused with 413; every legitimate body is far smaller. */
const BODY_LIMIT_BYTES = 16 * 1024;

/** Trusts the nearest `hops` proxies' X-Forwarded-For entries. */
function hopsOf(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

/**
 * API answers carry sessions, TOTP secrets and recovery codes: no browser, proxy or CDN
 * may keep any of them (OWASP ASVS 5.0 V14.3).
 */
const API_CACHE_CONTROL = 'no-store';
const isApiUrl = (url: string) => url.startsWith('/api/');

/** The URL with bearer tokens in paths (challenge ids, password-reset tokens) masked, for logs. */
function redactUrl(url: string): string {
  return url.replace(/\/challenges\/[^/?]+/, '/challenges/:id').replace(/\/password-reset\/[^/?]+/, '/password-reset/:token');
}

/**
 * Files under assets/ carry a content hash in their names: a new build has new names, so
 * browsers may keep them for a year without asking. index.html must be revalidated, so a
 * new build is picked up on the next visit.
 */
function cacheControlOf(path: string): string {
  return /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** The OpenAPI `servers` entry: PUBLIC_URL, or the host that serves the document. */
function serverOf(publicUrl: string | undefined): { url: string; description: string } {
  if (publicUrl) return { url: publicUrl.replace(/\/+$/, ''), description: 'PUBLIC_URL' };
  return { url: '/', description: 'The server this document came from (PUBLIC_URL is not set)' };
}

const API_TAGS = [
  { name: 'auth', description: 'Login, second factor, logout and the current session' },
  { name: 'account two-factor', description: "The signed-in account's own two-factor authentication, devices and audit log" },
  { name: 'account', description: "The signed-in account's password, sessions and known browsers" },
  { name: 'password reset', description: 'Forgot password: an emailed single-use link, never a way around the second factor' },
  { name: 'super app', description: "A super app's two-factor policy, audit log and step-up" },
  { name: 'workspace', description: 'Workspace members and their two-factor authentication' },
  { name: 'health', description: 'Liveness and readiness' },
];

/** Builds the HTTP application (no listen), so tests can `inject` requests. */
export async function buildApp(deps: Deps, options: AppOptions = {}): Promise<HttpApp> {
  const headers = securityHeaders(options.publicUrl?.startsWith('https://') ?? false);
  const logging = options.logger !== undefined && options.logger !== false;
  const app = Fastify({
    logger: logging
      ? {
          ...(typeof options.logger === 'object' ? options.logger : {}),
          serializers: {
            req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
          },
        }
      : false,
    // One line per request when it is answered (the hook below), instead of Fastify's two with a serialized request and response each.
    disableRequestLogging: true,
    bodyLimit: BODY_LIMIT_BYTES,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    schemaController: { compilersFactory },
    return503OnClosing: true,
    trustProxy: typeof options.trustProxy === 'number' ? hopsOf(options.trustProxy) : (options.trustProxy ?? false),
    // Ids fit the schemas' 200 characters; longer or badly encoded URLs answer a problem, not Fastify's echo of the URL.
    routerOptions: { maxParamLength: 256 },
    // Router errors skip every hook (helmet's too), so they get the headers by hand.
    frameworkErrors: (_error, _request, reply) => {
      if (isApiUrl(_request.url)) reply.header('cache-control', API_CACHE_CONTROL);
      void sendProblem(reply.headers(headers), 'invalid_request', {}, 'The URL is not valid');
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const cookiePolicy = cookiePolicyFor(options.publicUrl);
  app.decorate('deps', deps);
  app.decorate('cookiePolicy', cookiePolicy);
  app.decorate('requireSession', (request: FastifyRequest) => requireSession(deps, readSessionToken(request, cookiePolicy)));
  app.decorate('requireActor', async (request: FastifyRequest) => {
    const ctx = await requireSession(deps, readSessionToken(request, cookiePolicy));
    return {
      accountId: ctx.account.id,
      sessionId: ctx.sessionId,
      authenticatedAt: ctx.session.authenticatedAt,
      context: requestContext(request, cookiePolicy),
      secondFactorMethods: ctx.session.secondFactorMethods,
      workspaceId: ctx.workspace.id,
    };
  });

  // Body-less POSTs may still say `Content-Type: application/json`; an empty body is no body.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined);
    else parseJson(request, body as string, done);
  });
  app.setErrorHandler(handleError);
  await app.register(fastifyCookie);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    if (isApiUrl(request.url)) reply.header('cache-control', API_CACHE_CONTROL);
    done();
  });
  // After the headers, so a refused cross-origin request carries them too.
  app.addHook('onRequest', createOriginCheck(options.publicUrl));
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'mpp-2fa',
        version: '1',
        description: 'Two-factor authentication for the Mini Program Platform console. Errors are application/problem+json (RFC 9457) with a stable `code`.',
        license: { name: 'UNLICENSED' },
      },
      servers: [serverOf(options.publicUrl)],
      tags: API_TAGS,
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: cookiePolicy.name, description: 'The session cookie set by a sign-in' } },
      },
    },
  });

  if (logging) {
    // Method, route (its pattern: ids and tokens in paths never reach the log), status, time, request id (reqId) and client address.
    app.addHook('onResponse', (request, reply, done) => {
      request.log.info(
        {
          method: request.method,
          route: request.routeOptions.url ?? redactUrl(request.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 100) / 100,
          ip: request.ip,
        },
        'request',
      );
      done();
    });
  }
  if (deps.metrics) {
    const { metrics } = deps;
    app.addHook('onResponse', (request, reply, done) => {
      metrics.httpRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
  if (options.metrics) registerMetricsRoute(app, options.metrics.source, options.metrics.token);
  registerHealthRoutes(app);
  registerAuthRoutes(app);
  registerAccountRoutes(app);
  registerPasskeyRoutes(app);
  registerTenantRoutes(app);
  registerWebhookRoutes(app);
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (options.benchRoutes) app.get('/bench/baseline', { schema: { hide: true } }, async () => ({ ok: true }));

  const indexHtml = options.consoleDir ? join(options.consoleDir, 'index.html') : undefined;
  const hasConsole = indexHtml !== undefined && existsSync(indexHtml);
  if (hasConsole) {
    await app.register(fastifyStatic, {
      root: options.consoleDir!,
      wildcard: false,
      index: ['index.html'],
      // The build writes .br and .gz beside each file (console/vite.config.ts).
      preCompressed: true,
      setHeaders: (response, path) => response.header('cache-control', cacheControlOf(path)),
    });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const isPage = request.method === 'GET' && !['/api/', '/healthz', '/metrics'].some((prefix) => request.url.startsWith(prefix));
    if (hasConsole && isPage) return reply.type('text/html; charset=utf-8').sendFile('index.html');
    return sendProblem(reply, 'not_found');
  });
  return app;
}
