import { generateToken } from '../adapters/tokens.js';
import { normalizePassword } from '../domain/password-policy.js';
import { AppError } from '../domain/errors.js';
import { decideLogin } from '../domain/policy.js';
import { localeFromAcceptLanguage } from '../domain/locale.js';
import { type Account, type AccountRecord, findAccountByEmail, setAccountLocaleIfUnset, toAccount } from '../store/accounts.js';
import { findSuperAppById, listMembershipsOfAccount, type MembershipView } from '../store/tenants.js';
import { type ChallengeView, openChallenge } from './challenge-issue.js';
import type { Deps, RequestContext } from './deps.js';
import { releasePasswordAttempt, reservePasswordAttempt } from './throttle.js';
import { createSession } from './sessions.js';
import { findOwnSecondFactors } from './second-factor/factors.js';
import { findDeviceForEmail, findRememberedBrowser, noticeNewDevice, rememberDevice } from './devices.js';
import { recordAudit } from './audit.js';
import { transactionWithMail } from './mail.js';

export interface LoginInput {
  email: string;
  password: string;
  workspaceId?: string | undefined;
}

export type { ChallengeView } from './challenge-issue.js';

export type LoginResult =
  | {
      status: 'authenticated';
      account: Account;
      workspace: MembershipView['workspace'];
      sessionToken: string;
      deviceCookie: string;
      /** The second factor was skipped: this browser is remembered until then. */
      rememberedDeviceUntil?: string;
    }
  | { status: 'second_factor_required' | 'enrollment_required'; challenge: ChallengeView };

const dummyHashes = new WeakMap<object, Promise<string>>();

/** A real argon2id hash of a random password, so unknown emails cost the same time as wrong passwords. */
function dummyHash(deps: Deps): Promise<string> {
  let hash = dummyHashes.get(deps.hasher);
  if (!hash) {
    hash = deps.hasher.hash(generateToken(deps.random));
    dummyHashes.set(deps.hasher, hash);
  }
  return hash;
}

/**
 * Verifies email and password; 401 `invalid_credentials` for an unknown email and a wrong
 * password alike (same body, and a real hash either way so the time matches), 429 while
 * earlier wrong passwords impose a wait: those of the email and IP, or, from a known
 * device of the account (its `mpp_device` cookie), those of that device alone.
 */
export async function verifyPassword(deps: Deps, email: string, password: string, context: RequestContext | null): Promise<AccountRecord> {
  const device = await findDeviceForEmail(deps, context?.deviceCookies, email);
  // Reserved before the hash: the attempt is counted as a failure until it proves right.
  await reservePasswordAttempt(deps, email, context, device?.id);
  const account = await findAccountByEmail(deps.db, email);
  const matches = await deps.hasher.verify(account?.passwordHash ?? (await dummyHash(deps)), normalizePassword(password));
  if (!account || !matches) throw new AppError('invalid_credentials');
  await releasePasswordAttempt(deps, email, context, device?.id);
  return account;
}

/** Warms the dummy hash so the first unknown-email login is not faster than the rest. */
export async function prepareLogin(deps: Deps): Promise<void> {
  await dummyHash(deps);
}

/**
 * First factor. Decides what the login still needs (domain/policy `decideLogin`): a
 * session at once, or a challenge whose token the client must present with a code.
 * No session of any kind exists before the second factor passes.
 */
export async function login(deps: Deps, input: LoginInput, context: RequestContext | null): Promise<LoginResult> {
  try {
    const result = await signIn(deps, input, context);
    deps.metrics?.login(result.status);
    return result;
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_credentials') deps.metrics?.login('invalid_credentials');
    if (error instanceof AppError && error.code === 'too_many_attempts') deps.metrics?.login('throttled');
    throw error;
  }
}

/**
 * An account without an email language takes the browser's (`Accept-Language`) at its
 * first sign-in; a language already there, chosen or taken, stays. A header that does not
 * parse decides nothing.
 */
async function adoptBrowserLocale(deps: Deps, account: AccountRecord, context: RequestContext | null): Promise<AccountRecord> {
  if (account.locale !== null) return account;
  const locale = localeFromAcceptLanguage(context?.acceptLanguage);
  if (!locale || !(await setAccountLocaleIfUnset(deps.db, account.id, locale))) return account;
  return { ...account, locale };
}

async function signIn(deps: Deps, input: LoginInput, context: RequestContext | null): Promise<LoginResult> {
  const account = await adoptBrowserLocale(deps, await verifyPassword(deps, input.email, input.password, context), context);
  const memberships = await listMembershipsOfAccount(deps.db, account.id);
  const membership = input.workspaceId === undefined ? memberships[0] : memberships.find((m) => m.workspace.id === input.workspaceId);
  if (!membership) throw new AppError('not_a_member');
  const { workspace } = membership;
  const superApp = await findSuperAppById(deps.db, workspace.superApp.id);
  if (!superApp) throw new AppError('not_a_member');
  const own = await findOwnSecondFactors(deps.db, account.id);
  const decision = decideLogin({ ownTotpActive: own.totp, ownWebAuthn: own.webauthn, policy: superApp.policy });

  if (decision.kind === 'authenticated') {
    const { sessionToken, device } = await transactionWithMail(deps, async (tx, mail) => {
      const token = await createSession(deps, tx, { accountId: account.id, workspaceId: workspace.id, secondFactorMethods: [], context });
      const seen = await rememberDevice(deps, tx, account.id, context);
      await noticeNewDevice(mail, account, seen, context);
      return { sessionToken: token, device: seen };
    });
    return { status: 'authenticated', account: toAccount(account), workspace, sessionToken, deviceCookie: device.cookie };
  }
  // "Don't ask again on this browser": only an account that already has its second factor, on a browser remembered under days the policy still allows.
  const remembered =
    decision.kind === 'second_factor_required' ? await findRememberedBrowser(deps, account.id, context?.deviceCookies, superApp.policy) : undefined;
  if (remembered?.rememberedUntil) {
    const rememberedUntil = remembered.rememberedUntil;
    const { sessionToken, device } = await deps.db.transaction().execute(async (tx) => {
      // The session counts as the password alone: the tenant rule, admin actions and step-ups still ask for the second factor.
      const token = await createSession(deps, tx, { accountId: account.id, workspaceId: workspace.id, secondFactorMethods: [], context });
      const seen = await rememberDevice(deps, tx, account.id, context);
      await recordAudit(deps, tx, {
        type: 'second_factor.skipped',
        accountId: account.id,
        workspaceId: workspace.id,
        context,
        details: { reason: 'remembered_device', deviceId: remembered.id, rememberedUntil, rememberDays: remembered.rememberDays },
      });
      return { sessionToken: token, device: seen };
    });
    return {
      status: 'authenticated',
      account: toAccount(account),
      workspace,
      sessionToken,
      deviceCookie: device.cookie,
      rememberedDeviceUntil: rememberedUntil,
    };
  }
  const challenge = await openChallenge(deps, {
    account,
    workspace,
    superApp: workspace.superApp,
    decision,
    purpose: 'login',
    sessionId: null,
    rememberDeviceDays: superApp.policy.rememberDeviceDays,
  });
  return { status: decision.kind, challenge };
}
