import { generateToken, sha256Hex } from '../adapters/tokens.js';
import { AppError } from '../domain/errors.js';
import {
  EMAIL_CODES_PER_IP_PER_HOUR,
  PASSWORD_RESET_RESEND_SECONDS,
  PASSWORD_RESET_TTL_SECONDS,
  PASSWORD_RESET_WINDOW_SECONDS,
  PASSWORD_RESETS_PER_EMAIL_PER_HOUR,
} from '../domain/limits.js';
import { assertAcceptablePassword, normalizePassword } from '../domain/password-policy.js';
import { addSeconds } from '../domain/ports.js';
import { type AccountRecord, emailKey, findAccountByEmail, findAccountById, updatePasswordHash } from '../store/accounts.js';
import { deleteDeviceOfAccount, deleteDevicesOfAccount, endRemembrancesOfAccount } from '../store/devices.js';
import { claimPasswordReset, findLivePasswordReset, killPasswordResetsOfAccount, replacePasswordReset } from '../store/password-resets.js';
import type { Tx } from '../store/schema.js';
import { deleteSession, deleteSessionsOfAccount, listSessionsOfAccount, markSessionAuthenticated } from '../store/sessions.js';
import { bumpThrottle } from '../store/throttles.js';
import type { Actor } from './account-two-factor.js';
import { recordAudit } from './audit.js';
import type { Deps, RequestContext } from './deps.js';
import { currentDeviceOf } from './devices.js';
import { verifyPassword } from './login.js';
import { deliverQueued, type QueueMail, queueMail, transactionWithMail } from './mail.js';
import { findOwnSecondFactors } from './second-factor/factors.js';
import { parseProof, type WebAuthnAssertion, type WebAuthnScope } from './second-factor/proof.js';
import { assertSecondFactorUnlocked, rejectSecondFactor, verifySecondFactor } from './second-factor/verify.js';
import { createWebAuthnRequestOptions } from './second-factor/webauthn.js';
import { countEmailSendFromIp } from './throttle.js';

/** The id a session is shown under: derived from its stored hash, so the list never reveals what the cookie is checked against. */
function publicSessionId(sessionId: string): string {
  return sha256Hex(`mpp-2fa session view:${sessionId}`).slice(0, 32);
}

/** `GET /api/v1/account/sessions`: where the account is signed in, most recently active first, this one marked. */
export async function listAccountSessions(deps: Deps, actor: Actor) {
  const sessions = await listSessionsOfAccount(deps.db, actor.accountId, deps.clock.now().toISOString());
  return {
    sessions: sessions.map((session) => ({
      id: publicSessionId(session.id),
      workspace: { id: session.workspaceId, name: session.workspaceName },
      ip: session.ip,
      userAgent: session.userAgent,
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      secondFactorVerified: session.secondFactorVerified,
      current: session.id === actor.sessionId,
    })),
  };
}

/** Ends one of the account's sessions (404 `not_found` for an id it does not have); true when it was the caller's own. */
export async function endAccountSession(deps: Deps, actor: Actor, publicId: string): Promise<{ current: boolean }> {
  const sessions = await listSessionsOfAccount(deps.db, actor.accountId, deps.clock.now().toISOString());
  const session = sessions.find((s) => publicSessionId(s.id) === publicId);
  if (!session || !(await deleteSession(deps.db, session.id))) throw new AppError('not_found');
  return { current: session.id === actor.sessionId };
}

/** "Sign out everywhere else": ends every session of the account but the caller's. */
export async function endOtherSessions(deps: Deps, actor: Actor): Promise<{ ended: number }> {
  return { ended: await deleteSessionsOfAccount(deps.db, actor.accountId, actor.sessionId) };
}

/** Forgets one known device of the account (its cookie then counts as a new browser); 404 `not_found` otherwise. */
export async function forgetDevice(deps: Deps, actor: Actor, deviceId: string): Promise<void> {
  if (deviceId.length > 200 || !(await deleteDeviceOfAccount(deps.db, actor.accountId, deviceId))) throw new AppError('not_found');
}

/** A second-factor code when one is given. */
/** The account's own second factor given with a password change or reset: a code, a passkey's assertion, or nothing. */
export type OptionalProof =
  { method?: 'totp' | 'recovery_code' | undefined; code?: string | undefined } | { method: 'webauthn'; credential: WebAuthnAssertion };

type OwnFactorMethod = 'webauthn' | 'totp' | 'recovery_code';

/** What may prove the account here: its passkeys, its authenticator, and the recovery codes they came with; none without a factor. */
async function ownFactorMethods(deps: Deps, accountId: string): Promise<OwnFactorMethod[]> {
  const own = await findOwnSecondFactors(deps.db, accountId);
  if (!own.totp && !own.webauthn) return [];
  return [...(own.webauthn ? (['webauthn'] as const) : []), ...(own.totp ? (['totp'] as const) : []), 'recovery_code'];
}

/**
 * Runs `change` in one transaction, after the account's own second factor when it has one,
 * an authenticator app or a passkey (403 `second_factor_code_required` without a proof,
 * naming the methods it may be; wrong ones count towards the lockout like at every other
 * step). The proof is an authenticator code, a passkey's assertion answering the options of
 * `webAuthnScope`, or a recovery code. Email codes do not count here: a password reset
 * arrives by the same mailbox, and a password change must not be weaker than the reset.
 */
async function withOwnSecondFactor<T>(
  deps: Deps,
  account: AccountRecord,
  input: OptionalProof,
  where: { context: RequestContext | null; purpose: string; webAuthnScope: WebAuthnScope },
  change: (tx: Tx, mail: QueueMail) => Promise<T>,
): Promise<T> {
  // An authenticator app or a passkey: either way the password alone must not do.
  const methods = await ownFactorMethods(deps, account.id);
  if (methods.length === 0) return transactionWithMail(deps, change);
  const answer = 'credential' in input ? { credential: input.credential } : { code: input.code };
  if (input.method === undefined || (answer.code === undefined && answer.credential === undefined)) {
    throw new AppError('second_factor_code_required', { methods });
  }
  const proof = parseProof(input.method, answer, { webAuthnScope: where.webAuthnScope });
  const outcome = await transactionWithMail(deps, async (tx, mail) => {
    const verification = await verifySecondFactor(deps, tx, account, proof);
    if (!verification.ok) return verification;
    return { ok: true as const, value: await change(tx, mail) };
  });
  if (outcome.ok) return outcome.value;
  throw await rejectSecondFactor(deps, account, outcome.failure, { context: where.context, purpose: where.purpose, workspaceId: null });
}

/** A passkey answering Settings identity options (POST /account/two-factor/webauthn) also proves a password change. */
const PASSWORD_CHANGE_WEBAUTHN_SCOPE: WebAuthnScope = { purpose: 'identity', challengeId: null };
/** Reset options belong to one reset link. */
const resetWebAuthnScope = (resetId: string): WebAuthnScope => ({ purpose: 'password_reset', challengeId: resetId });

/**
 * Changes the password (Settings → Account → Password): the current password (throttled like
 * a login), a policy-compliant new one, and the account's own second factor when it has one.
 * Every other session ends and every other known device is forgotten; the owner is emailed.
 */
export async function changePassword(deps: Deps, actor: Actor, input: OptionalProof & { currentPassword: string; newPassword: string }): Promise<void> {
  const account = await findAccountById(deps.db, actor.accountId);
  if (!account) throw new AppError('unauthenticated');
  assertAcceptablePassword(input.newPassword);
  await verifyPassword(deps, account.email, input.currentPassword, actor.context);
  const passwordHash = await deps.hasher.hash(normalizePassword(input.newPassword));
  const current = await currentDeviceOf(deps, actor.accountId, actor.context?.deviceCookies);
  const where = { context: actor.context, purpose: 'password_change', webAuthnScope: PASSWORD_CHANGE_WEBAUTHN_SCOPE };
  await withOwnSecondFactor(deps, account, input, where, async (tx, mail) => {
    await updatePasswordHash(tx, account.id, passwordHash);
    await deleteSessionsOfAccount(tx, account.id, actor.sessionId);
    await deleteDevicesOfAccount(tx, account.id, current?.id);
    // The browser kept is asked for the second factor again, like any other.
    await endRemembrancesOfAccount(tx, account.id);
    await killPasswordResetsOfAccount(tx, account.id);
    await markSessionAuthenticated(tx, actor.sessionId, deps.clock.now().toISOString());
    await recordAudit(deps, tx, { type: 'password.changed', accountId: account.id, context: actor.context });
    await mail(account, { kind: 'password_changed' });
  });
}

/** What `POST /api/v1/auth/password-reset` answers, whatever the email: nothing tells whether it has an account. */
export const PASSWORD_RESET_ACCEPTED = { expiresInMinutes: PASSWORD_RESET_TTL_SECONDS / 60 } as const;

/**
 * "Forgot password": emails a single-use link valid 30 minutes to the account of `email`, if
 * there is one. The answer is the same either way and so is the work before it (the same
 * counters per email, known or not, and one account lookup); the link is written and sent
 * after the answer. At most one link a minute and five an hour per email; thirty emails an
 * hour per client address (429 `too_many_codes`, which says nothing about the email).
 */
export async function requestPasswordReset(deps: Deps, email: string, context: RequestContext | null): Promise<typeof PASSWORD_RESET_ACCEPTED> {
  if (email.length > 254) throw new AppError('invalid_request', {}, 'Not an email address');
  await countEmailSendFromIp(deps, context, EMAIL_CODES_PER_IP_PER_HOUR);
  const now = deps.clock.now();
  const key = emailKey(email);
  const spaced =
    (await bumpThrottle(deps.db, `email:reset:wait:${key}`, now.toISOString(), addSeconds(now, -PASSWORD_RESET_RESEND_SECONDS).toISOString())) === 1;
  const hourly = await bumpThrottle(deps.db, `email:reset:hour:${key}`, now.toISOString(), addSeconds(now, -PASSWORD_RESET_WINDOW_SECONDS).toISOString());
  const account = await findAccountByEmail(deps.db, email);
  if (account && spaced && hourly <= PASSWORD_RESETS_PER_EMAIL_PER_HOUR) {
    // After the answer has gone, not merely after this function returns: with SQLite the
    // link's transaction would otherwise run before the reply and make known emails slower
    // (test/security/password-reset-timing.test.ts measured about 1 ms).
    setImmediate(() => {
      void issueResetLink(deps, account, context).catch((error: Error) => deps.logger.error({ err: error.message }, 'password reset link could not be issued'));
    });
  }
  return PASSWORD_RESET_ACCEPTED;
}

/**
 * Writes a new link for the account (its older links die) and queues its email in the same
 * transaction: sent at once, retried while the link lives, never after it expired.
 */
async function issueResetLink(deps: Deps, account: AccountRecord, context: RequestContext | null): Promise<void> {
  const token = generateToken(deps.random);
  const now = deps.clock.now();
  const expiresAt = addSeconds(now, PASSWORD_RESET_TTL_SECONDS);
  // The token travels in the fragment: browsers never send it to a server or in a Referer.
  const link = `${(deps.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, '')}/reset-password#${token}`;
  const mailId = await deps.db.transaction().execute(async (tx) => {
    await replacePasswordReset(tx, { id: sha256Hex(token), accountId: account.id, expiresAt: expiresAt.toISOString(), now: now.toISOString() });
    await recordAudit(deps, tx, { type: 'password_reset.requested', accountId: account.id, context });
    return queueMail(deps, tx, account, { kind: 'password_reset_link', link, validMinutes: PASSWORD_RESET_TTL_SECONDS / 60 }, { notAfter: expiresAt });
  });
  deliverQueued(deps, [mailId]);
}

/** The live link the token names, with its account; 410 `password_reset_expired` otherwise. */
async function liveReset(deps: Deps, token: string) {
  const reset = token.length <= 200 ? await findLivePasswordReset(deps.db, sha256Hex(token), deps.clock.now().toISOString()) : undefined;
  const account = reset && (await findAccountById(deps.db, reset.accountId));
  if (!reset || !account) throw new AppError('password_reset_expired');
  return { reset, account };
}

/** `GET /api/v1/auth/password-reset/{token}`: whether the link still works and what the reset page must ask for. */
export async function describePasswordReset(deps: Deps, token: string) {
  const { reset, account } = await liveReset(deps, token);
  const methods = await ownFactorMethods(deps, account.id);
  return { expiresAt: reset.expiresAt, secondFactorRequired: methods.length > 0, methods };
}

/**
 * `POST /api/v1/auth/password-reset/{token}/webauthn`: request options over the account's
 * passkeys, bound to this link (5 minutes, once), for the reset's second factor. 400
 * `method_not_allowed` without a passkey; 429 while the account's second factor is locked.
 */
export async function startPasswordResetWebAuthn(deps: Deps, token: string) {
  const { reset, account } = await liveReset(deps, token);
  assertSecondFactorUnlocked(deps, account);
  return createWebAuthnRequestOptions(deps, account.id, resetWebAuthnScope(reset.id));
}

/**
 * Sets a new password with a reset link. Never bypasses the second factor: an account with
 * one must also give an authenticator or recovery code (wrong codes count towards the
 * lockout and the link stays usable until it expires). The link is used up in the same
 * transaction; every session ends and every known device is forgotten; the owner is told.
 * It signs no one in.
 */
export async function resetPassword(deps: Deps, token: string, input: OptionalProof & { newPassword: string }, context: RequestContext | null): Promise<void> {
  const { reset, account } = await liveReset(deps, token);
  assertAcceptablePassword(input.newPassword);
  const passwordHash = await deps.hasher.hash(normalizePassword(input.newPassword));
  await withOwnSecondFactor(deps, account, input, { context, purpose: 'password_reset', webAuthnScope: resetWebAuthnScope(reset.id) }, async (tx, mail) => {
    if (!(await claimPasswordReset(tx, reset.id, deps.clock.now().toISOString()))) throw new AppError('password_reset_expired');
    await updatePasswordHash(tx, account.id, passwordHash);
    await deleteSessionsOfAccount(tx, account.id);
    await deleteDevicesOfAccount(tx, account.id);
    await recordAudit(deps, tx, { type: 'password.reset', accountId: account.id, context });
    await mail(account, { kind: 'password_reset' });
  });
}
