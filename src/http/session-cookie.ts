import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../services/deps.js';

/** Cookie settings derived once from PUBLIC_URL. */
export interface CookiePolicy {
  name: string;
  secure: boolean;
}

/** `mpp_session`; behind https it is Secure and carries the `__Host-` prefix (bound to the exact host, path /). */
export function cookiePolicyFor(publicUrl: string | undefined): CookiePolicy {
  const secure = publicUrl?.startsWith('https://') ?? false;
  return { name: secure ? '__Host-mpp_session' : 'mpp_session', secure };
}

export function readSessionToken(request: FastifyRequest, policy: CookiePolicy): string | undefined {
  return request.cookies[policy.name];
}

export function setSessionCookie(reply: FastifyReply, policy: CookiePolicy, token: string, maxAgeSeconds: number): void {
  reply.setCookie(policy.name, token, { httpOnly: true, sameSite: 'lax', secure: policy.secure, path: '/', maxAge: maxAgeSeconds });
}

export function clearSessionCookie(reply: FastifyReply, policy: CookiePolicy): void {
  reply.clearCookie(policy.name, { httpOnly: true, sameSite: 'lax', secure: policy.secure, path: '/' });
}

/** Client address and user agent for the audit log. */
export function requestContext(request: FastifyRequest): RequestContext {
  const agent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof agent === 'string' ? agent : null };
}
