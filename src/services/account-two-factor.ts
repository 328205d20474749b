import { AppError } from '../domain/errors.js';
import { endRemembrancesOfAccount } from '../store/devices.js';
import { REAUTHENTICATION_WINDOW_SECONDS } from '../domain/limits.js';
import type { ChallengeMethod } from '../domain/policy.js';
import { type AccountRecord, findAccountById, lockAccountFactors } from '../store/accounts.js';
import { countUnusedRecoveryCodes, deleteRecoveryCodes } from '../store/recovery-codes.js';
import type { Tx } from '../store/schema.js';
import { deleteSessionsOfAccount, forgetSessionSecondFactors, markSessionAuthenticated } from '../store/sessions.js';
import { listSuperAppsOfAccount } from '../store/tenants.js';
import { deleteTotpFactor, findTotpFactor } from '../store/totp-factors.js';
import { deleteWebAuthnCredentialsOfAccount, hasWebAuthnCredential, listWebAuthnCredentials } from '../store/webauthn-credentials.js';
import { recordAudit } from './audit.js';
import type { Deps, RequestContext } from './deps.js';
import { type EmailCodeSent, sendEmailCode } from './email-codes.js';
import { verifyPassword } from './login.js';
import { type QueueMail, transactionWithMail } from './mail.js';
import { issueRecoveryCodes } from './recovery-codes.js';
import { hasOwnSecondFactor } from './second-factor/factors.js';
import { parseProof, type SecondFactorProof, type WebAuthnAssertion, type WebAuthnScope } from './second-factor/proof.js';
import { assertSecondFactorUnlocked, rejectSecondFactor, verifySecondFactor } from './second-factor/verify.js';
import { createWebAuthnRequestOptions } from './second-factor/webauthn.js';
import { createPendingTotp, type PendingTotp } from './totp-setup.js';

/** The caller: the signed-in account and its session id (hash). */
export interface Actor {
  accountId: string;
  sessionId: string;
  /** When the session last proved the password (sign-in or re-authentication). */
  authenticatedAt: string;
  context: RequestContext | null;
  /** Second-factor methods the session passed (absent or empty: the password alone). */
  secondFactorMethods?: readonly ChallengeMethod[];
  /** The session's current workspace. */
  workspaceId?: string;
}

/**
 * 401 `reauthentication_required` unless the actor entered the password within the last
 * 15 minutes: sensitive changes need a fresh proof, not just a cookie.
 */
export function assertRecentAuthentication(deps: Pick<Deps, 'clock'>, actor: Actor): void {
  const ageSeconds = (deps.clock.now().getTime() - Date.parse(actor.authenticatedAt)) / 1000;
  if (ageSeconds > REAUTHENTICATION_WINDOW_SECONDS) throw new AppError('reauthentication_required');
}

/** Re-enters the password for the session, renewing the 15-minute window for sensitive changes. */
export async function reauthenticate(deps: Deps, actor: Actor, password: string): Promise<string> {
  const account = await accountOrThrow(deps, actor.accountId);
  await verifyPassword(deps, account.email, password, actor.context);
  const now = deps.clock.now().toISOString();
  await markSessionAuthenticated(deps.db, actor.sessionId, now);
  return now;
}

async function accountOrThrow(deps: Deps, accountId: string): Promise<AccountRecord> {
  const account = await findAccountById(deps.db, accountId);
  if (!account) throw new AppError('unauthenticated');
  return account;
}

/** Super apps of the account that forbid deactivation, and every policy (for the status view). */
async function superAppPolicies(deps: Deps, accountId: string) {
  const rows = await listSuperAppsOfAccount(deps.db, accountId);
  const policies = rows.map((row) => ({ superApp: { id: row.id, name: row.name }, ...row.policy }));
  const forbiddenBy = policies.filter((p) => !p.allowDeactivation).map((p) => p.superApp);
  return { policies, forbiddenBy };
}

/** The view of a passkey: never its key material or credential id. */
export function toPasskeyView(credential: { id: string; name: string; createdAt: string; lastUsedAt: string | null }) {
  return { id: credential.id, name: credential.name, createdAt: credential.createdAt, lastUsedAt: credential.lastUsedAt };
}

/**
 * `GET /api/v1/account/two-factor`: `active` when the account has any second factor;
 * `method` and `activatedAt` describe the authenticator app (null without one), `passkeys`
 * the passkeys and security keys.
 */
export async function getTwoFactorStatus(deps: Deps, accountId: string) {
  const factor = await findTotpFactor(deps.db, accountId);
  const totp = factor?.status === 'active';
  const passkeys = (await listWebAuthnCredentials(deps.db, accountId)).map(toPasskeyView);
  const active = totp || passkeys.length > 0;
  const { policies, forbiddenBy } = await superAppPolicies(deps, accountId);
  return {
    active,
    method: totp ? ('totp' as const) : null,
    methods: [...(totp ? (['totp'] as const) : []), ...(passkeys.length > 0 ? (['webauthn'] as const) : [])],
    activatedAt: totp ? factor.activatedAt : null,
    passkeys,
    recoveryCodesRemaining: active ? await countUnusedRecoveryCodes(deps.db, accountId) : 0,
    deactivation: { allowed: forbiddenBy.length === 0, forbiddenBy },
    superAppPolicies: policies,
  };
}

/** Starts activation from Settings: a new pending secret (10 minutes). */
export async function startActivation(deps: Deps, actor: Actor): Promise<PendingTotp> {
  assertRecentAuthentication(deps, actor);
  return createPendingTotp(deps, await accountOrThrow(deps, actor.accountId), null);
}

/**
 * Confirms activation with the pending key's first code; returns the recovery codes (shown
 * once). Wrong codes count towards the account's lockout, as at any other second-factor step.
 */
export async function verifyActivation(deps: Deps, actor: Actor, code: string): Promise<string[]> {
  const proof = parseProof('totp_enrollment', { code }, { enrollmentChallengeId: null });
  const account = await accountOrThrow(deps, actor.accountId);
  const outcome = await transactionWithMail(deps, async (tx, mail) => {
    const verification = await verifySecondFactor(deps, tx, account, proof);
    if (!verification.ok) return verification;
    const codes = await issueRecoveryCodes(deps, tx, account.id);
    // Sessions elsewhere signed in with the password alone; from now on a sign-in needs the authenticator.
    await deleteSessionsOfAccount(tx, account.id, actor.sessionId);
    await endRemembrancesOfAccount(tx, account.id);
    await recordAudit(deps, tx, { type: 'two_factor.activated', accountId: account.id, context: actor.context });
    await mail(account, { kind: 'activated' });
    return { ok: true as const, codes };
  });
  if (!outcome.ok) throw await rejectSecondFactor(deps, account, outcome.failure, { context: actor.context, workspaceId: null, purpose: 'activation' });
  return outcome.codes;
}

/** Refuses with 403 `deactivation_not_allowed` (naming the first super app) when a policy forbids it. */
async function assertDeactivationAllowed(deps: Deps, accountId: string): Promise<void> {
  const { forbiddenBy } = await superAppPolicies(deps, accountId);
  const [first] = forbiddenBy;
  if (first)
    throw new AppError('deactivation_not_allowed', { superApp: first, forbiddenBy }, `${first.name} does not allow deactivating two-factor authentication`);
}

/** The account, or 409 `two_factor_not_active` when it has no second factor (neither an authenticator nor a passkey). */
async function activeAccountOrThrow(deps: Deps, accountId: string): Promise<AccountRecord> {
  const account = await accountOrThrow(deps, accountId);
  if (!(await hasOwnSecondFactor(deps.db, accountId))) throw new AppError('two_factor_not_active');
  return account;
}

/** The scope of an identity check in Settings (deactivation, recovery codes) with a passkey. */
const IDENTITY_WEBAUTHN_SCOPE: WebAuthnScope = { purpose: 'identity', challengeId: null };

/** Request options for proving identity in Settings with a passkey (5 minutes, once); 400 `method_not_allowed` without one. */
export async function startIdentityWebAuthn(deps: Deps, actor: Actor) {
  const account = await activeAccountOrThrow(deps, actor.accountId);
  assertSecondFactorUnlocked(deps, account);
  return createWebAuthnRequestOptions(deps, account.id, IDENTITY_WEBAUTHN_SCOPE);
}

/** Sends the email code that can prove identity for deactivation. */
export async function sendDeactivationEmailCode(deps: Deps, actor: Actor): Promise<EmailCodeSent> {
  const account = await activeAccountOrThrow(deps, actor.accountId);
  await assertDeactivationAllowed(deps, account.id);
  assertSecondFactorUnlocked(deps, account);
  return sendEmailCode(deps, account, { purpose: 'deactivation', challengeId: null, workspaceId: null, use: { kind: 'deactivation' } }, actor.context);
}

/**
 * Checks the password, then the second factor, and runs `change` in the transaction that
 * uses up the code, so a code authorises exactly one change. Wrong codes count towards the
 * account's lockout.
 */
async function withVerifiedIdentity<T>(
  deps: Deps,
  account: AccountRecord,
  password: string,
  proof: SecondFactorProof,
  actor: Actor,
  change: (tx: Tx, mail: QueueMail) => Promise<T>,
): Promise<T> {
  await verifyPassword(deps, account.email, password, actor.context);
  await markSessionAuthenticated(deps.db, actor.sessionId, deps.clock.now().toISOString());
  const outcome = await transactionWithMail(deps, async (tx, mail) => {
    const verification = await verifySecondFactor(deps, tx, account, proof);
    if (!verification.ok) return verification;
    return { ok: true as const, value: await change(tx, mail) };
  });
  if (outcome.ok) return outcome.value;
  throw await rejectSecondFactor(deps, account, outcome.failure, { context: actor.context, workspaceId: null, purpose: 'identity' });
}

/** Password plus a code, or plus a passkey's assertion. */
export type IdentityInput = { password: string } & (
  { method: 'totp' | 'email' | 'recovery_code'; code: string } | { method: 'webauthn'; credential: WebAuthnAssertion }
);

/**
 * Turns the account's 2FA off after password + a second factor: the authenticator, every
 * passkey and the recovery codes go; its other sessions end.
 */
export async function deactivateTwoFactor(deps: Deps, actor: Actor, input: IdentityInput): Promise<void> {
  const proof = parseProof(input.method, input, { emailScope: { purpose: 'deactivation', challengeId: null }, webAuthnScope: IDENTITY_WEBAUTHN_SCOPE });
  const account = await activeAccountOrThrow(deps, actor.accountId);
  await assertDeactivationAllowed(deps, account.id);
  await withVerifiedIdentity(deps, account, input.password, proof, actor, async (tx, mail) => {
    await deleteTotpFactor(tx, account.id);
    await deleteWebAuthnCredentialsOfAccount(tx, account.id);
    await deleteRecoveryCodes(tx, account.id);
    await deleteSessionsOfAccount(tx, account.id, actor.sessionId);
    // The factors are gone, so proofs from them no longer count for any super app's rule.
    await forgetSessionSecondFactors(tx, actor.sessionId, ['totp', 'recovery_code', 'totp_enrollment', 'webauthn']);
    await endRemembrancesOfAccount(tx, account.id);
    await recordAudit(deps, tx, { type: 'two_factor.deactivated', accountId: account.id, context: actor.context, details: { method: input.method } });
    await mail(account, { kind: 'deactivated' });
  });
}

/**
 * Removes the authenticator app alone (recent password) while the account keeps a passkey,
 * as removing one passkey of several: two-factor authentication stays on, so this is not a
 * deactivation. Without a passkey the authenticator is the last second factor and only
 * deactivation removes it (409 `last_second_factor`). The account's other sessions end and
 * this one forgets the authenticator among the factors it passed. 404 `not_found` without one.
 */
export async function removeAuthenticator(deps: Deps, actor: Actor): Promise<void> {
  assertRecentAuthentication(deps, actor);
  const account = await activeAccountOrThrow(deps, actor.accountId);
  await transactionWithMail(deps, async (tx, mail) => {
    // Serialises factor changes of the account: a passkey removed meanwhile is seen here.
    await lockAccountFactors(tx, account.id);
    if ((await findTotpFactor(tx, account.id))?.status !== 'active') throw new AppError('not_found');
    if (!(await hasWebAuthnCredential(tx, account.id))) throw new AppError('last_second_factor');
    if (!(await deleteTotpFactor(tx, account.id, 'active'))) throw new AppError('not_found');
    await deleteSessionsOfAccount(tx, account.id, actor.sessionId);
    await forgetSessionSecondFactors(tx, actor.sessionId, ['totp', 'totp_enrollment']);
    await endRemembrancesOfAccount(tx, account.id);
    await recordAudit(deps, tx, { type: 'totp.removed', accountId: account.id, context: actor.context });
    await mail(account, { kind: 'totp_removed' });
  });
}

/** New recovery codes after password + a current authenticator code or a passkey; the old ones die. */
export async function regenerateRecoveryCodes(
  deps: Deps,
  actor: Actor,
  input: { password: string; code: string } | { password: string; method: 'webauthn'; credential: WebAuthnAssertion },
): Promise<string[]> {
  const proof = 'credential' in input ? parseProof('webauthn', input, { webAuthnScope: IDENTITY_WEBAUTHN_SCOPE }) : parseProof('totp', input);
  const account = await activeAccountOrThrow(deps, actor.accountId);
  return withVerifiedIdentity(deps, account, input.password, proof, actor, async (tx, mail) => {
    const issued = await issueRecoveryCodes(deps, tx, account.id);
    await recordAudit(deps, tx, { type: 'recovery_codes.regenerated', accountId: account.id, context: actor.context });
    await mail(account, { kind: 'recovery_codes_regenerated' });
    return issued;
  });
}

export { resetTwoFactor } from './two-factor-reset.js';
