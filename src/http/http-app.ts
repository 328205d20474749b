import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Actor } from '../services/account-two-factor.js';
import type { Deps } from '../services/deps.js';
import type { SessionContext } from '../services/sessions.js';
import type { CookiePolicy } from './session-cookie.js';

/**
 * The app as routes see it: Fastify with TypeBox types and the decorations `buildApp`
 * (app.ts) adds. Routes import this, never app.ts, so app.ts → routes has no way back.
 */
declare module 'fastify' {
  interface FastifyInstance {
    deps: Deps;
    cookiePolicy: CookiePolicy;
    /** The request's live session, or 401 `unauthenticated`. */
    requireSession(request: FastifyRequest): Promise<SessionContext>;
    /** The session as an actor for services (account, session id, request context). */
    requireActor(request: FastifyRequest): Promise<Actor>;
  }
}

export type HttpApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;
