import type { ProblemBody } from './types';

export type { ProblemBody } from './types';

/** A failed request: HTTP `status` (0 when the server was unreachable) and the stable `code`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: ProblemBody;

  constructor(status: number, code: string, body: ProblemBody) {
    super(body.title ?? code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

type UnauthenticatedListener = () => void;
let onUnauthenticated: UnauthenticatedListener | undefined;

/** Registers what happens when any call answers 401 `unauthenticated` (the session died). */
export function setUnauthenticatedListener(listener: UnauthenticatedListener | undefined): void {
  onUnauthenticated = listener;
}

function retryAfterFromHeader(response: Response): number | undefined {
  const header = response.headers.get('Retry-After');
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function readProblem(response: Response): Promise<ProblemBody> {
  const text = await response.text().catch(() => '');
  let body: ProblemBody = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === 'object') body = parsed as ProblemBody;
  } catch {
    body = {};
  }
  if (response.status === 429 && typeof body.retryAfterSeconds !== 'number') {
    const fromHeader = retryAfterFromHeader(response);
    if (fromHeader !== undefined) body.retryAfterSeconds = fromHeader;
  }
  return body;
}

/**
 * Calls the API on the same origin with a JSON body; resolves with the parsed JSON
 * (undefined for 204) or throws ApiError.
 */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', { title: 'The server could not be reached' });
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    const code = typeof problem.code === 'string' ? problem.code : `http_${response.status}`;
    if (code === 'unauthenticated') onUnauthenticated?.();
    throw new ApiError(response.status, code, problem);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Seconds to wait that a 429 answer gave (its `retryAfterSeconds` or `Retry-After`); undefined when it gave none. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const seconds = error.body.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : undefined;
}

/** True when `error` is an ApiError with one of `codes`. */
export function isApiError(error: unknown, ...codes: string[]): error is ApiError {
  return error instanceof ApiError && (codes.length === 0 || codes.includes(error.code));
}
