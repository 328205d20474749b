import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problems.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Same-origin rule of API.md: an unsafe request whose Origin header is neither PUBLIC_URL
 * nor the origin of the Host it reached answers 403 `cross_origin_request`. Requests with
 * no Origin (scripts, curl) pass; SameSite=Lax cookies already keep browsers' cross-site
 * form posts sessionless.
 */
export function createOriginCheck(publicUrl: string | undefined) {
  const configured = publicUrl ? new URL(publicUrl).origin : undefined;
  return async function checkOrigin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!UNSAFE_METHODS.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin === undefined) return;
    const host = request.headers.host;
    const allowed = configured ? origin === configured : host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
    if (!allowed) await sendProblem(reply, 'cross_origin_request');
  };
}
