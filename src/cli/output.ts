import { AppError } from '../domain/errors.js';

/** Exit codes of API.md: 0 success, 1 refused operation, 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/** Bad command-line usage (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Output {
  json: boolean;
  stdout: (text: string) => void;
  /** Writes and waits until the stream can take more (backpressure, for exports of any size); defaults to `stdout`. */
  write?: (text: string) => Promise<void>;
  stderr: (text: string) => void;
}

/** Prints a result: exactly one JSON object with --json, else `key: value` lines. */
export function printResult(out: Output, result: Record<string, unknown>): void {
  if (out.json) {
    out.stdout(JSON.stringify(result) + '\n');
    return;
  }
  const lines = Object.entries(result).map(([key, value]) => `${key}: ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`);
  out.stdout(lines.join('\n') + '\n');
}

/** Reports an error on stderr (and as JSON on stdout with --json); returns the exit code. */
export function reportError(out: Output, error: unknown): number {
  if (error instanceof UsageError) {
    out.stderr(`mpp-2fa: ${error.message}\nRun "mpp-2fa --help" for usage.\n`);
    if (out.json) out.stdout(JSON.stringify({ error: { code: 'usage', message: error.message } }) + '\n');
    return EXIT_USAGE;
  }
  if (error instanceof AppError) {
    out.stderr(`mpp-2fa: ${error.message}\n`);
    if (out.json) out.stdout(JSON.stringify({ error: { code: error.code, message: error.message } }) + '\n');
    return EXIT_REFUSED;
  }
  out.stderr(`mpp-2fa: ${(error as Error).message ?? String(error)}\n`);
  if (out.json) out.stdout(JSON.stringify({ error: { code: 'internal_error', message: (error as Error).message } }) + '\n');
  return EXIT_REFUSED;
}
