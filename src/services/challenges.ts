import { sha256Hex } from '../adapters/tokens.js';
import { AppError } from '../domain/errors.js';
import { CHALLENGE_MAX_FAILURES } from '../domain/limits.js';
import type { ChallengeMethod } from '../domain/policy.js';
import { type Account, type AccountRecord, findAccountById, toAccount } from '../store/accounts.js';
import { type Challenge, completeChallenge, findChallengeById, killChallenge, markChallengeEmailPassed, reserveChallengeAttempt } from '../store/challenges.js';
import { findSuperAppById, findWorkspaceById, listMembershipsOfAccount, type MembershipView } from '../store/tenants.js';
import { recordAudit } from './audit.js';
import {
  assertChallengeOwner,
  assertEnrollmentAllowed,
  createSessionForChallenge,
  describeChallengeForEmail,
  needsEmailBeforeEnrollment,
} from './challenge-sessions.js';
import { endRemembrancesOfAccount } from '../store/devices.js';
import { noticeNewDevice, rememberBrowser, rememberDevice } from './devices.js';
import type { Deps, RequestContext } from './deps.js';
import { type EmailCodeSent, sendEmailCode } from './email-codes.js';
import { transactionWithMail } from './mail.js';
import { issueRecoveryCodes } from './recovery-codes.js';
import { findOwnSecondFactors } from './second-factor/factors.js';
import { createPasskeyCreationOptions } from './second-factor/pending-passkey.js';
import { parseProof, type WebAuthnAssertion, type WebAuthnAttestation } from './second-factor/proof.js';
import { assertSecondFactorUnlocked, rejectSecondFactor, type SecondFactorFailure, verifySecondFactor } from './second-factor/verify.js';
import { createWebAuthnRequestOptions } from './second-factor/webauthn.js';
import { createPendingTotp, type PendingTotp } from './totp-setup.js';

/** A verify body: a code for the code methods, the assertion (`credential`) for `webauthn`. */
export type VerifyInput = (
  | { method: Exclude<ChallengeMethod, 'webauthn' | 'webauthn_enrollment'>; code: string }
  | { method: 'webauthn'; credential: WebAuthnAssertion }
  | { method: 'webauthn_enrollment'; credential: WebAuthnAttestation; name?: string | undefined }
) & {
  /** Login only: "don't ask again on this browser" for the policy's `rememberDeviceDays` (nothing when 0). */
  rememberDevice?: boolean | undefined;
};

export interface VerifyResult {
  status: 'authenticated';
  account: Account;
  workspace: MembershipView['workspace'];
  sessionToken: string;
  /** After a login challenge: the `mpp_device` cookie to set (services/devices.ts). */
  deviceCookie?: string;
  /** Only after enrolment during login: the new recovery codes, shown once. */
  recoveryCodes?: string[];
  /** After `rememberDevice: true` on a login: until when this browser skips the second factor. */
  rememberedDeviceUntil?: string;
}

interface OpenChallenge {
  challenge: Challenge;
  account: AccountRecord;
}

/** The open, unexpired challenge the token names, with its account; 410 `challenge_expired` otherwise. */
async function findOpenChallenge(deps: Deps, token: string, method?: ChallengeMethod): Promise<OpenChallenge> {
  const challenge = token.length <= 200 ? await findChallengeById(deps.db, sha256Hex(token)) : undefined;
  const spent = challenge !== undefined && challenge.failures >= CHALLENGE_MAX_FAILURES;
  if (!challenge || spent || challenge.status !== 'open' || challenge.expiresAt <= deps.clock.now().toISOString()) {
    throw new AppError('challenge_expired');
  }
  if (method !== undefined && !challenge.methods.includes(method)) throw new AppError('method_not_allowed');
  const account = await findAccountById(deps.db, challenge.accountId);
  if (!account) throw new AppError('challenge_expired');
  return { challenge, account };
}

/** Sends an email code for a challenge that allows `email` (POST …/email-code). */
export async function sendChallengeEmailCode(deps: Deps, token: string, context: RequestContext | null): Promise<EmailCodeSent> {
  const { challenge, account } = await findOpenChallenge(deps, token, 'email');
  assertSecondFactorUnlocked(deps, account);
  const memberships = await listMembershipsOfAccount(deps.db, account.id);
  const workspace = memberships.find((m) => m.workspace.id === challenge.workspaceId)?.workspace;
  const target = challenge.superAppId === null ? undefined : await findSuperAppById(deps.db, challenge.superAppId);
  const use = describeChallengeForEmail(challenge, workspace, target?.name);
  return sendEmailCode(deps, account, { purpose: 'login', challengeId: challenge.id, workspaceId: challenge.workspaceId, use }, context);
}

/**
 * Request options for the challenge's passkeys (POST …/webauthn): a new WebAuthn challenge
 * bound to this login challenge, 5 minutes, answered once; an earlier one dies.
 */
export async function startChallengeWebAuthn(deps: Deps, token: string): Promise<Awaited<ReturnType<typeof createWebAuthnRequestOptions>>> {
  const { challenge, account } = await findOpenChallenge(deps, token, 'webauthn');
  assertSecondFactorUnlocked(deps, account);
  return createWebAuthnRequestOptions(deps, account.id, { purpose: 'login', challengeId: challenge.id });
}

/**
 * Creation options for adding a passkey during a login that asks for one (POST
 * …/webauthn-enrollment), bound to this challenge, 5 minutes, once. When email is among the
 * challenge's methods, its emailed `code` must be passed first, as for authenticator enrolment.
 */
export async function startChallengePasskeyEnrollment(deps: Deps, token: string, code?: string, context: RequestContext | null = null) {
  const { challenge, account } = await findOpenChallenge(deps, token, 'webauthn_enrollment');
  assertSecondFactorUnlocked(deps, account);
  if (needsEmailBeforeEnrollment(challenge)) await passEmailBeforeEnrollment(deps, challenge, account, code, context);
  return createPasskeyCreationOptions(deps, account, { challengeId: challenge.id });
}

/**
 * Starts authenticator enrolment during a login that requires one (POST …/enrollment).
 * When email is among the challenge's methods, its emailed `code` must be passed first
 * (403 `email_code_required` without it; wrong codes count like any other).
 */
export async function startChallengeEnrollment(deps: Deps, token: string, code?: string, context: RequestContext | null = null): Promise<PendingTotp> {
  const { challenge, account } = await findOpenChallenge(deps, token, 'totp_enrollment');
  if (needsEmailBeforeEnrollment(challenge)) await passEmailBeforeEnrollment(deps, challenge, account, code, context);
  return createPendingTotp(deps, account, challenge.id);
}

/** Checks and uses up the challenge's emailed code and marks it passed, so enrolment may follow. */
async function passEmailBeforeEnrollment(
  deps: Deps,
  challenge: Challenge,
  account: AccountRecord,
  code: string | undefined,
  context: RequestContext | null,
): Promise<void> {
  if (code === undefined) throw new AppError('email_code_required');
  const proof = parseProof('email', { code }, { emailScope: { purpose: 'login', challengeId: challenge.id } });
  const now = deps.clock.now().toISOString();
  const outcome = await deps.db.transaction().execute(async (tx) => {
    const challengeAttempts = await reserveChallengeAttempt(tx, challenge.id, now, CHALLENGE_MAX_FAILURES);
    if (challengeAttempts === null) throw new AppError('challenge_expired');
    const verification = await verifySecondFactor(deps, tx, account, proof);
    if (!verification.ok) return { ok: false as const, failure: verification.failure, challengeAttempts };
    if (!(await markChallengeEmailPassed(tx, challenge.id, now))) throw new AppError('challenge_expired');
    return { ok: true as const };
  });
  if (!outcome.ok) await failVerification(deps, challenge, account, outcome.failure, outcome.challengeAttempts, context);
}

/**
 * Second factor of a login, switch or step-up. Checks the code, uses it up, closes the
 * challenge and creates a new session in one transaction, so a code or challenge wins once
 * even under races. Wrong codes count against the challenge (dead at 5) and the account's
 * lockout.
 */
export async function verifyChallenge(
  deps: Deps,
  token: string,
  input: VerifyInput,
  context: RequestContext | null,
  sessionToken?: string,
): Promise<VerifyResult> {
  const { challenge, account } = await findOpenChallenge(deps, token, input.method);
  assertChallengeOwner(challenge, sessionToken);
  assertEnrollmentAllowed(challenge, input.method);
  const proof = parseProof(input.method, input, {
    emailScope: { purpose: 'login', challengeId: challenge.id },
    enrollmentChallengeId: challenge.id,
    webAuthnScope: { purpose: 'login', challengeId: challenge.id },
    passkeyEnrollmentChallengeId: challenge.id,
  });
  const enrolsPasskey = input.method === 'webauthn_enrollment';
  const now = deps.clock.now().toISOString();
  const rememberDays = input.rememberDevice === true && challenge.purpose === 'login' ? await rememberDeviceDaysOf(deps, challenge.workspaceId) : 0;

  const outcome = await transactionWithMail(deps, async (tx, mail) => {
    const challengeAttempts = await reserveChallengeAttempt(tx, challenge.id, now, CHALLENGE_MAX_FAILURES);
    if (challengeAttempts === null) throw new AppError('challenge_expired');
    const hadFactor = enrolsPasskey ? Object.values(await findOwnSecondFactors(tx, account.id)).some(Boolean) : true;
    const verification = await verifySecondFactor(deps, tx, account, proof);
    // A wrong code commits the reservations: the attempt stays counted.
    if (!verification.ok) return { ok: false as const, failure: verification.failure, challengeAttempts };
    if (!(await completeChallenge(tx, challenge.id, now))) throw new AppError('challenge_expired');
    // Recovery codes come with the first factor of any kind (an authenticator enrolment always answers them).
    const issueCodes = input.method === 'totp_enrollment' || (enrolsPasskey && !hadFactor);
    const recoveryCodes = issueCodes ? await issueRecoveryCodes(deps, tx, account.id) : undefined;
    const sessionToken = await createSessionForChallenge(deps, tx, challenge, input.method, context);
    // A login is a full sign-in from this browser: it becomes (or stays) a known device.
    const device = challenge.purpose === 'login' ? await rememberDevice(deps, tx, account.id, context) : undefined;
    // Enrolment is a second-factor change: remembrances granted before it end, whatever this login asks.
    if (input.method === 'totp_enrollment' || enrolsPasskey) await endRemembrancesOfAccount(tx, account.id);
    const rememberedDeviceUntil = device && rememberDays > 0 ? await rememberBrowser(deps, tx, device.deviceId, rememberDays) : undefined;
    await recordAudit(deps, tx, {
      type: 'second_factor.succeeded',
      accountId: account.id,
      workspaceId: challenge.workspaceId,
      superAppId: challenge.superAppId,
      context,
      details: { method: input.method, purpose: challenge.purpose, ...(rememberedDeviceUntil && { rememberedDeviceUntil, rememberDays }) },
    });
    if (input.method === 'totp_enrollment' || (enrolsPasskey && !hadFactor)) {
      await recordAudit(deps, tx, {
        type: 'two_factor.activated',
        accountId: account.id,
        workspaceId: challenge.workspaceId,
        context,
        details: enrolsPasskey ? { during: 'login', method: 'webauthn' } : { during: 'login' },
      });
    }
    if (enrolsPasskey)
      await recordAudit(deps, tx, { type: 'passkey.added', accountId: account.id, workspaceId: challenge.workspaceId, context, details: { during: 'login' } });
    if (input.method === 'recovery_code') {
      await recordAudit(deps, tx, { type: 'recovery_code.used', accountId: account.id, workspaceId: challenge.workspaceId, context });
    }
    if (input.method === 'totp_enrollment') await mail(account, { kind: 'activated' });
    if (enrolsPasskey) await mail(account, { kind: 'passkey_added' });
    if (input.method === 'recovery_code') await mail(account, { kind: 'recovery_code_used' });
    if (device) await noticeNewDevice(mail, account, device, context);
    return { ok: true as const, sessionToken, device, recoveryCodes, rememberedDeviceUntil };
  });

  if (!outcome.ok) return failVerification(deps, challenge, account, outcome.failure, outcome.challengeAttempts, context);
  const workspace = (await listMembershipsOfAccount(deps.db, account.id)).find((m) => m.workspace.id === challenge.workspaceId)!.workspace;
  return {
    status: 'authenticated',
    account: toAccount(account),
    workspace,
    sessionToken: outcome.sessionToken,
    ...(outcome.device && { deviceCookie: outcome.device.cookie }),
    recoveryCodes: outcome.recoveryCodes,
    ...(outcome.rememberedDeviceUntil && { rememberedDeviceUntil: outcome.rememberedDeviceUntil }),
  };
}

/** The `rememberDeviceDays` of the policy of the workspace's super app (0 when there is none). */
async function rememberDeviceDaysOf(deps: Deps, workspaceId: string): Promise<number> {
  const workspace = await findWorkspaceById(deps.db, workspaceId);
  const superApp = workspace && (await findSuperAppById(deps.db, workspace.superAppId));
  return superApp?.policy.rememberDeviceDays ?? 0;
}

/** Answers a wrong code: 429 when this attempt locked the account, else 401 with the hint and the challenge's attempts left. */
async function failVerification(
  deps: Deps,
  challenge: Challenge,
  account: AccountRecord,
  failure: SecondFactorFailure,
  challengeAttempts: number,
  context: RequestContext | null,
): Promise<never> {
  if (challengeAttempts >= CHALLENGE_MAX_FAILURES) await killChallenge(deps.db, challenge.id);
  throw await rejectSecondFactor(deps, account, failure, {
    context,
    workspaceId: challenge.workspaceId,
    purpose: challenge.purpose,
    extra: { attemptsRemaining: Math.max(0, CHALLENGE_MAX_FAILURES - challengeAttempts) },
  });
}
