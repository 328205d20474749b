import { AppError } from '../domain/errors.js';
import {
  PASSWORD_FAILURE_WINDOW_SECONDS,
  PASSWORD_FREE_FAILURES_PER_ACCOUNT,
  PASSWORD_FREE_FAILURES_PER_DEVICE,
  PASSWORD_FREE_FAILURES_PER_IP,
  PASSWORD_MAX_DELAY_SECONDS_ACCOUNT,
  PASSWORD_MAX_DELAY_SECONDS_DEVICE,
  PASSWORD_MAX_DELAY_SECONDS_IP,
  PASSWORD_RESET_WINDOW_SECONDS,
  REPLAY_NOTICE_INTERVAL_SECONDS,
  throttleDelaySeconds,
} from '../domain/limits.js';
import { addSeconds } from '../domain/ports.js';
import { emailKey } from '../store/accounts.js';
import { bumpThrottle, clearThrottle, findThrottle, releaseThrottle, reserveThrottle } from '../store/throttles.js';
import type { Deps, RequestContext } from './deps.js';

/** Email sends are counted per IP in windows of this length. */
const EMAIL_SEND_WINDOW_SECONDS = 3600;

/**
 * Every family of throttle keys, with how long one of its counters matters: a row whose
 * window began `windowSeconds` ago or earlier is as good as absent (the next attempt
 * starts a new window, and `findThrottle` no longer sees it), and `maxDelaySeconds` is the
 * longest wait its count can impose after its last event. Retention deletes a counter only
 * once both have passed; a key of a family missing here is never deleted.
 */
export const THROTTLE_FAMILIES: readonly { prefix: string; windowSeconds: number; maxDelaySeconds: number }[] = [
  {
    prefix: 'password:',
    windowSeconds: PASSWORD_FAILURE_WINDOW_SECONDS,
    maxDelaySeconds: Math.max(PASSWORD_MAX_DELAY_SECONDS_ACCOUNT, PASSWORD_MAX_DELAY_SECONDS_IP, PASSWORD_MAX_DELAY_SECONDS_DEVICE),
  },
  { prefix: 'email:ip:', windowSeconds: EMAIL_SEND_WINDOW_SECONDS, maxDelaySeconds: 0 },
  // services/account-security.ts `requestPasswordReset`: one link a minute (`email:reset:wait:`) and five an hour (`email:reset:hour:`) per email.
  { prefix: 'email:reset:', windowSeconds: PASSWORD_RESET_WINDOW_SECONDS, maxDelaySeconds: 0 },
  // services/second-factor.ts `noticeReplay`: at most one replay notice per interval.
  { prefix: 'notice:replayed:', windowSeconds: REPLAY_NOTICE_INTERVAL_SECONDS, maxDelaySeconds: 0 },
];

/**
 * Throttle keys of a password attempt: from a known device of the account (`deviceId`),
 * that device's own counter only; otherwise the email (known or not, so nothing leaks)
 * and the IP. So guessing from anywhere else never slows the owner's own browser, and a
 * stolen device cookie adds no more guesses than that device's own counter allows.
 */
function passwordKeys(email: string, context: RequestContext | null, deviceId: string | undefined) {
  if (deviceId !== undefined) return [{ key: `password:device:${deviceId}`, free: PASSWORD_FREE_FAILURES_PER_DEVICE, max: PASSWORD_MAX_DELAY_SECONDS_DEVICE }];
  const keys = [{ key: `password:account:${emailKey(email)}`, free: PASSWORD_FREE_FAILURES_PER_ACCOUNT, max: PASSWORD_MAX_DELAY_SECONDS_ACCOUNT }];
  if (context?.ip) keys.push({ key: `password:ip:${context.ip}`, free: PASSWORD_FREE_FAILURES_PER_IP, max: PASSWORD_MAX_DELAY_SECONDS_IP });
  return keys;
}

/** The first count whose wait is the longest one (every later count waits as long). */
function firstCountAtMaxDelay(free: number, max: number): number {
  let count = free;
  while (throttleDelaySeconds(count, free, max) < max) count += 1;
  return count;
}

/**
 * Reserves a password attempt for the email and for the IP before any password is
 * hashed: one conditional upsert per counter, both in one transaction, so a refused one
 * takes the other back. The reservation counts as a failure until the password proves
 * right. 429 `too_many_attempts` (with Retry-After) while earlier attempts impose a wait:
 * a burst of parallel attempts gets no more hashes than the same attempts one by one.
 */
export async function reservePasswordAttempt(deps: Deps, email: string, context: RequestContext | null, deviceId?: string): Promise<void> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const windowStart = addSeconds(now, -PASSWORD_FAILURE_WINDOW_SECONDS).toISOString();
  await deps.db.transaction().execute(async (tx) => {
    for (const { key, free, max } of passwordKeys(email, context, deviceId)) {
      const lastAllowedAt = (count: number) => addSeconds(now, -throttleDelaySeconds(count, free, max)).toISOString();
      const reserved = await reserveThrottle(tx, key, nowIso, windowStart, free, lastAllowedAt, firstCountAtMaxDelay(free, max));
      if (reserved !== undefined) continue;
      const state = await findThrottle(tx, key, windowStart);
      const waitMs = state ? Date.parse(state.lastAt) + throttleDelaySeconds(state.count, free, max) * 1000 - now.getTime() : 1000;
      throw new AppError('too_many_attempts', { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
    }
  });
}

/**
 * A correct password: the email's failures are forgotten and the IP's reservation is
 * given back (a correct password is no failure of the address; its earlier failures stay).
 * From a known device only that device's failures are forgotten: the owner signing in
 * must not clear the counter someone elsewhere is guessing against.
 */
export async function releasePasswordAttempt(deps: Deps, email: string, context: RequestContext | null, deviceId?: string): Promise<void> {
  if (deviceId !== undefined) {
    await clearThrottle(deps.db, `password:device:${deviceId}`);
    return;
  }
  await clearThrottle(deps.db, `password:account:${emailKey(email)}`);
  if (context?.ip) await releaseThrottle(deps.db, `password:ip:${context.ip}`);
}

/**
 * Counts one email send from the IP in the current hour; 429 `too_many_codes` past `limit`.
 * No IP (CLI, tests) means no per-IP limit.
 */
export async function countEmailSendFromIp(deps: Deps, context: RequestContext | null, limit: number): Promise<void> {
  if (!context?.ip) return;
  const now = deps.clock.now();
  const count = await bumpThrottle(deps.db, `email:ip:${context.ip}`, now.toISOString(), addSeconds(now, -EMAIL_SEND_WINDOW_SECONDS).toISOString());
  if (count > limit) throw new AppError('too_many_codes', { retryAfterSeconds: EMAIL_SEND_WINDOW_SECONDS });
}
