import { useCallback } from 'react';
import { isApiError, retryAfterSeconds } from './api';
import { formatSeconds } from './labels';
import { phrase } from './phrases';
import type { ProblemCode } from './types';
import { useCountdown } from './use-countdown';

/**
 * Seconds to wait after a refusal that did not say how long. The server sends
 * `retryAfterSeconds` with every 429 (docs/errors.md); a proxy's 429 may not.
 */
export const DEFAULT_LOCKOUT_SECONDS = 60;

/** Seconds a refusal asks to wait: its `retryAfterSeconds` / `Retry-After`, else DEFAULT_LOCKOUT_SECONDS. */
export function lockoutSeconds(error: unknown): number {
  return retryAfterSeconds(error) ?? DEFAULT_LOCKOUT_SECONDS;
}

export interface Lockout {
  /** Seconds until the wait ends; 0 when there is none. */
  secondsLeft: number;
  locked: boolean;
  /** "Too many attempts. Try again in 0:45." while locked; undefined otherwise. */
  message: string | undefined;
  /** Starts the wait when `error` has one of the hook's codes; true when it did (show no other error then). */
  lockOn: (error: unknown) => boolean;
  /** Starts a wait of `seconds` the server announced in a success (an email code's resend cooldown). */
  start: (seconds: number) => void;
}

const TOO_MANY_ATTEMPTS: readonly ProblemCode[] = ['too_many_attempts'];

/**
 * The wait after a refusal: every form that sends a password or a code locks itself with
 * this hook while the server refuses attempts (`codes`, `too_many_attempts` unless told),
 * counting down the seconds the server gave; `initialSeconds` is a wait already running.
 */
export function useLockout(codes: readonly ProblemCode[] = TOO_MANY_ATTEMPTS, initialSeconds = 0): Lockout {
  const [secondsLeft, start] = useCountdown(initialSeconds);
  const lockOn = useCallback(
    (error: unknown): boolean => {
      // isApiError with no codes matches any ApiError: an empty list must lock on nothing.
      if (codes.length === 0 || !isApiError(error, ...codes)) return false;
      start(lockoutSeconds(error));
      return true;
    },
    [codes, start],
  );
  const locked = secondsLeft > 0;
  const message = locked ? phrase('notice.locked_out', { time: formatSeconds(secondsLeft) }) : undefined;
  return { secondsLeft, locked, message, lockOn, start };
}
