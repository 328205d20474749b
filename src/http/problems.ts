import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CATALOGUE, type ErrorCode } from '../domain/errors.js';

/** Writes an RFC 9457 problem: `{ type, status, code, title, detail?, ...extra }`, with Retry-After on 429. */
export function sendProblem(reply: FastifyReply, code: ErrorCode, extra: Record<string, unknown> = {}, detail?: string): FastifyReply {
  const { status, title } = ERROR_CATALOGUE[code];
  const retryAfter = extra.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
  const body: Record<string, unknown> = { type: 'about:blank', status, code, title };
  if (detail && detail !== title) body.detail = detail;
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ ...body, ...extra });
}

/** Fastify's own client-error codes, mapped onto the catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_request',
};

/** PostgreSQL errors caused by input no schema should have let through (bad bytes in text): still the client's fault. */
const POSTGRES_INPUT_ERRORS: Record<string, ErrorCode> = {
  '22021': 'invalid_request',
  '22P05': 'invalid_request',
};

/**
 * The one error handler: AppError → its problem; schema failures → 400 `invalid_request`;
 * other client errors → their nearest code; anything else → bare 500 (detail only in the log).
 */
export function handleError(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) return sendProblem(reply, error.code, error.extra, error.message);
  if ('validation' in error && error.validation) {
    return sendProblem(
      reply,
      'invalid_request',
      {},
      `${error.validationContext ?? 'request'}${error.validation[0]?.instancePath ?? ''} ${error.validation[0]?.message ?? 'is invalid'}`.trim(),
    );
  }
  const mapped = error.code ? (FASTIFY_CODES[error.code] ?? POSTGRES_INPUT_ERRORS[error.code]) : undefined;
  if (mapped) return sendProblem(reply, mapped);
  if (error instanceof SyntaxError || (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500)) {
    return sendProblem(reply, error.statusCode === 413 ? 'payload_too_large' : error.statusCode === 415 ? 'unsupported_media_type' : 'invalid_request');
  }
  request.log.error({ err: error }, 'unexpected error');
  return sendProblem(reply, 'internal_error');
}
