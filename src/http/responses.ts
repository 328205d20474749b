import type { TSchema } from 'typebox';
import { ERROR_CATALOGUE, type ErrorCode } from '../domain/errors.js';
import { ProblemSchema } from './contract.js';

/**
 * The `response` map of a route: its success bodies by status, and for each error status
 * the problem shape (`application/problem+json`) with the codes the route can answer.
 */

/** Who may call an operation: anyone, a session (the `session` cookie scheme), or either. */
export type Access = 'public' | 'session' | 'optional_session';

const SECURITY: Record<Access, Record<string, string[]>[]> = {
  public: [],
  session: [{ session: [] }],
  optional_session: [{}, { session: [] }],
};

/** The OpenAPI `security` of an operation. */
export function securityOf(access: Access): Record<string, string[]>[] {
  return SECURITY[access];
}

/** Codes every route of its kind can answer, whatever its handler does. */
const SESSION_CODES: ErrorCode[] = ['unauthenticated'];
/** A body is parsed for these methods and the origin check refuses foreign origins (http/origin-check.ts). */
const UNSAFE_METHOD_CODES: ErrorCode[] = ['invalid_request', 'cross_origin_request', 'payload_too_large', 'unsupported_media_type'];

export interface ResponsesInput<R extends Record<number, TSchema>> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  access: Access;
  /** Success bodies by status. */
  ok: R;
  /** Codes the handler itself can answer (the ones implied by method and access are added). */
  problems?: ErrorCode[];
}

interface ProblemResponse {
  description: string;
  headers?: Record<string, TSchema>;
  content: { 'application/problem+json': { schema: TSchema } };
}

/**
 * Success bodies and one problem response per error status; `internal_error` (500) is always
 * possible. Typed as the success map alone, so the type provider checks what handlers return
 * against it (problems leave through `sendProblem`, which returns the reply).
 */
export function responsesOf<R extends Record<number, TSchema>>(input: ResponsesInput<R>): R {
  const codes = new Set<ErrorCode>([
    ...(input.access === 'session' ? SESSION_CODES : []),
    ...(input.method === 'GET' ? [] : UNSAFE_METHOD_CODES),
    ...(input.problems ?? []),
    'internal_error',
  ]);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = ERROR_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const problems: Record<number, ProblemResponse> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    problems[status] = {
      description: list.map((code) => `\`${code}\`: ${ERROR_CATALOGUE[code].title}`).join('; '),
      ...(status === 429 && { headers: { 'Retry-After': { type: 'integer', description: 'Seconds to wait' } as TSchema } }),
      content: { 'application/problem+json': { schema: ProblemSchema(list, status) } },
    };
  }
  return { ...input.ok, ...problems } as R;
}
