import { AppError } from '../domain/errors.js';
import {
  PASSWORD_FAILURE_WINDOW_SECONDS,
  PASSWORD_FREE_FAILURES_PER_ACCOUNT,
  PASSWORD_FREE_FAILURES_PER_IP,
  PASSWORD_MAX_DELAY_SECONDS_ACCOUNT,
  PASSWORD_MAX_DELAY_SECONDS_IP,
  throttleDelaySeconds,
} from '../domain/limits.js';
import { addSeconds } from '../domain/ports.js';
import { emailKey } from '../store/accounts.js';
import { bumpThrottle, clearThrottle, findThrottle } from '../store/throttles.js';
import type { Deps, RequestContext } from './deps.js';

/** Throttle keys of a password attempt: the email (known or not, so nothing leaks) and the IP. */
function passwordKeys(email: string, context: RequestContext | null) {
  const keys = [{ key: `password:account:${emailKey(email)}`, free: PASSWORD_FREE_FAILURES_PER_ACCOUNT, max: PASSWORD_MAX_DELAY_SECONDS_ACCOUNT }];
  if (context?.ip) keys.push({ key: `password:ip:${context.ip}`, free: PASSWORD_FREE_FAILURES_PER_IP, max: PASSWORD_MAX_DELAY_SECONDS_IP });
  return keys;
}

/** 429 `too_many_attempts` (with Retry-After) while wrong passwords for this email or IP still impose a wait. */
export async function assertPasswordAttemptAllowed(deps: Deps, email: string, context: RequestContext | null): Promise<void> {
  const now = deps.clock.now();
  const windowStart = addSeconds(now, -PASSWORD_FAILURE_WINDOW_SECONDS).toISOString();
  for (const { key, free, max } of passwordKeys(email, context)) {
    const state = await findThrottle(deps.db, key, windowStart);
    if (!state) continue;
    const delay = throttleDelaySeconds(state.count, free, max);
    const waitMs = Date.parse(state.lastAt) + delay * 1000 - now.getTime();
    if (waitMs > 0) throw new AppError('too_many_attempts', { retryAfterSeconds: Math.ceil(waitMs / 1000) });
  }
}

/** Counts a wrong password against the email and the IP. */
export async function recordPasswordFailure(deps: Deps, email: string, context: RequestContext | null): Promise<void> {
  const now = deps.clock.now();
  const windowStart = addSeconds(now, -PASSWORD_FAILURE_WINDOW_SECONDS).toISOString();
  for (const { key } of passwordKeys(email, context)) await bumpThrottle(deps.db, key, now.toISOString(), windowStart);
}

/** Forgets the email's failures after a correct password (the IP's count stays). */
export async function clearPasswordFailures(deps: Deps, email: string): Promise<void> {
  await clearThrottle(deps.db, `password:account:${emailKey(email)}`);
}

/**
 * Counts one email send from the IP in the current hour; 429 `too_many_codes` past `limit`.
 * No IP (CLI, tests) means no per-IP limit.
 */
export async function countEmailSendFromIp(deps: Deps, context: RequestContext | null, limit: number): Promise<void> {
  if (!context?.ip) return;
  const now = deps.clock.now();
  const count = await bumpThrottle(deps.db, `email:ip:${context.ip}`, now.toISOString(), addSeconds(now, -3600).toISOString());
  if (count > limit) throw new AppError('too_many_codes', { retryAfterSeconds: 3600 });
}
