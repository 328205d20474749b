import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../services/deps.js';

/** Cookie settings derived once from PUBLIC_URL. */
export interface CookiePolicy {
  name: string;
  /** The long-lived device cookie's name (services/devices.ts). */
  deviceName: string;
  secure: boolean;
}

/**
 * `mpp_session` and `mpp_device`; behind https both are Secure and carry the `__Host-`
 * prefix (bound to the exact host, path /).
 */
export function cookiePolicyFor(publicUrl: string | undefined): CookiePolicy {
  const secure = publicUrl?.startsWith('https://') ?? false;
  const prefix = secure ? '__Host-' : '';
  return { name: `${prefix}mpp_session`, deviceName: `${prefix}mpp_device`, secure };
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

/** A known device keeps its cookie as long as browsers allow; each sign-in with it renews it. */
export function setDeviceCookie(reply: FastifyReply, policy: CookiePolicy, value: string, maxAgeSeconds: number): void {
  reply.setCookie(policy.deviceName, value, { httpOnly: true, sameSite: 'lax', secure: policy.secure, path: '/', maxAge: maxAgeSeconds });
}

/**
 * Every value the request sends for the device cookie, at most three: a browser may hold
 * a second cookie of that name (set for a parent domain or a longer path) that would
 * otherwise shadow the real one.
 */
export function readDeviceCookies(request: FastifyRequest, policy: CookiePolicy): string[] {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || !header.includes(policy.deviceName)) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0 && part.slice(0, equals).trim() === policy.deviceName) values.push(part.slice(equals + 1).trim());
    if (values.length === 3) break;
  }
  return values;
}

/** Client address and user agent for the audit log, the device cookies and the `Accept-Language` header as sent. */
export function requestContext(request: FastifyRequest, policy: CookiePolicy): RequestContext {
  const agent = request.headers['user-agent'];
  const languages = request.headers['accept-language'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof agent === 'string' ? agent : null,
    deviceCookies: readDeviceCookies(request, policy),
    ...(typeof languages === 'string' ? { acceptLanguage: languages } : {}),
  };
}
