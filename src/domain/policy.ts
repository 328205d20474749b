/** Second-factor methods a super app can choose (SPEC: super app 2FA; `webauthn`: passkeys and security keys). */
export type PolicyMethod = 'totp' | 'email' | 'webauthn';

/**
 * Methods a login challenge can offer. `totp_enrollment` sets up an authenticator during
 * login; `webauthn` is a passkey or security key, `webauthn_enrollment` adds one during login.
 */
export type ChallengeMethod = 'totp' | 'email' | 'recovery_code' | 'totp_enrollment' | 'webauthn' | 'webauthn_enrollment';

/** Methods that set a factor up during login (enrolment). */
export const ENROLLMENT_METHODS: readonly ChallengeMethod[] = ['totp_enrollment', 'webauthn_enrollment'];

/** The account's own second factors: an active authenticator app, passkeys or security keys. */
export interface OwnSecondFactors {
  totp: boolean;
  webauthn: boolean;
}

/** A super app's 2FA policy for logins into its workspaces. */
export interface TwoFactorPolicy {
  required: boolean;
  primaryMethod: PolicyMethod;
  secondaryMethod: PolicyMethod | null;
  allowDeactivation: boolean;
  /** Only passkeys and security keys count (NIST SP 800-63B phishing resistance): for logins, switches and step-ups, whatever factors the account has. */
  phishingResistantOnly: boolean;
  /**
   * "Don't ask again on this browser": for how many days (0–`MAX_REMEMBER_DEVICE_DAYS`) a
   * login into this super app may skip the second factor on a browser that passed it and
   * asked to be remembered; 0: never.
   */
  rememberDeviceDays: number;
}

/** The longest a browser may be remembered. */
export const MAX_REMEMBER_DEVICE_DAYS = 30;

/** The policy of a super app that has never been configured: 2FA optional, authenticator first. */
export const DEFAULT_TWO_FACTOR_POLICY: TwoFactorPolicy = Object.freeze({
  required: false,
  primaryMethod: 'totp',
  secondaryMethod: null,
  allowDeactivation: true,
  phishingResistantOnly: false,
  // 2FA is the account's own choice here: its owner may tick "don't ask again" for up to 30 days.
  rememberDeviceDays: MAX_REMEMBER_DEVICE_DAYS,
});

/**
 * `rememberDeviceDays` after a change: as given; when not given, unchanged, except that
 * switching `required` on makes it 0 (a super app that requires 2FA asks every time until
 * an admin allows remembering).
 */
export function rememberDeviceDaysAfter(before: TwoFactorPolicy, required: boolean, given: number | undefined): number {
  if (given !== undefined) return given;
  return required && !before.required ? 0 : before.rememberDeviceDays;
}

/** A browser's remembrance (on its device row): until when, and the number of days it was granted under. */
export interface RememberedBrowser {
  rememberedUntil: string | null;
  rememberDays: number | null;
}

/**
 * True when a login into a super app with `policy` may skip the second factor on this
 * browser: it was remembered, the remembrance has not run out, and the policy still allows
 * at least the days it was granted under (a policy that lowered N no longer honours it).
 */
export function remembranceHolds(browser: RememberedBrowser, policy: TwoFactorPolicy, now: Date): boolean {
  const { rememberedUntil, rememberDays } = browser;
  if (rememberedUntil === null || rememberDays === null || rememberDays < 1) return false;
  return policy.rememberDeviceDays >= rememberDays && rememberedUntil > now.toISOString();
}

/** Why a login asks for a second factor. */
export type SecondFactorReason = 'account_two_factor' | 'super_app_policy';

/** What a login needs after a correct password. */
export type LoginDecision =
  | { kind: 'authenticated' }
  | {
      kind: 'second_factor_required' | 'enrollment_required';
      methods: ChallengeMethod[];
      primaryMethod: ChallengeMethod;
      reason: SecondFactorReason;
    };

/**
 * Why the policy is not coherent, or null when it is: the secondary method, if any, differs
 * from the primary; `rememberDeviceDays` is 0–30; phishing-resistant only means `webauthn` alone, with 2FA required.
 */
export function findTwoFactorPolicyProblem(policy: TwoFactorPolicy): string | null {
  if (policy.secondaryMethod === policy.primaryMethod) return 'The secondary method must differ from the primary method';
  if (!Number.isInteger(policy.rememberDeviceDays) || policy.rememberDeviceDays < 0 || policy.rememberDeviceDays > MAX_REMEMBER_DEVICE_DAYS) {
    return `rememberDeviceDays must be a whole number from 0 to ${MAX_REMEMBER_DEVICE_DAYS}`;
  }
  if (policy.phishingResistantOnly && (!policy.required || policy.primaryMethod !== 'webauthn' || policy.secondaryMethod !== null)) {
    return 'phishingResistantOnly needs required: true, primaryMethod webauthn and no secondary method';
  }
  return null;
}

/** True when the policy is coherent (`findTwoFactorPolicyProblem` finds nothing). */
export function isValidTwoFactorPolicy(policy: TwoFactorPolicy): boolean {
  return findTwoFactorPolicyProblem(policy) === null;
}

/** The methods of the account's own factors: passkeys first (phishing-resistant), then the authenticator, recovery codes last; empty when it has none. */
export function ownFactorMethods(own: OwnSecondFactors): ChallengeMethod[] {
  if (!own.totp && !own.webauthn) return [];
  return [...(own.webauthn ? (['webauthn'] as const) : []), ...(own.totp ? (['totp'] as const) : []), 'recovery_code'];
}

/**
 * The second-factor rule of SPEC "The two kinds of 2FA": the account's own factors win
 * (passkeys first, then the authenticator, recovery codes as fallback); otherwise a super app that requires 2FA imposes its
 * methods, primary first, where `totp` for an account without one means enrolment;
 * otherwise the password alone signs in.
 */
export function decideLogin(input: { ownTotpActive: boolean; ownWebAuthn?: boolean; policy: TwoFactorPolicy }): LoginDecision {
  const { policy } = input;
  const ownWebAuthn = input.ownWebAuthn === true;
  // Phishing-resistant only: a passkey, whatever else the account has; without one it adds one now.
  if (policy.required && policy.phishingResistantOnly) {
    return ownWebAuthn
      ? { kind: 'second_factor_required', methods: ['webauthn'], primaryMethod: 'webauthn', reason: 'super_app_policy' }
      : { kind: 'enrollment_required', methods: ['webauthn_enrollment'], primaryMethod: 'webauthn_enrollment', reason: 'super_app_policy' };
  }
  const own = ownFactorMethods({ totp: input.ownTotpActive, webauthn: ownWebAuthn });
  const [first] = own;
  if (first) return { kind: 'second_factor_required', methods: own, primaryMethod: first, reason: 'account_two_factor' };
  if (!policy.required) return { kind: 'authenticated' };
  // The account has no factor of its own: an authenticator or passkey method means enrolling one.
  const asChallengeMethod = (m: PolicyMethod): ChallengeMethod => (m === 'totp' ? 'totp_enrollment' : m === 'webauthn' ? 'webauthn_enrollment' : 'email');
  const methods = [policy.primaryMethod, policy.secondaryMethod].filter((m): m is PolicyMethod => m !== null).map(asChallengeMethod);
  const primaryMethod = asChallengeMethod(policy.primaryMethod);
  const kind = ENROLLMENT_METHODS.includes(primaryMethod) ? 'enrollment_required' : 'second_factor_required';
  return { kind, methods: [...new Set(methods)], primaryMethod, reason: 'super_app_policy' };
}

/** What a proof shows: enrolling an authenticator (a passkey) proves it as much as a code from it (an assertion). */
function provenBy(method: ChallengeMethod): ChallengeMethod[] {
  if (method === 'totp' || method === 'totp_enrollment') return ['totp', 'totp_enrollment'];
  if (method === 'webauthn' || method === 'webauthn_enrollment') return ['webauthn', 'webauthn_enrollment'];
  return [method];
}

/**
 * True when a session that passed `passed` (second-factor methods, any order) meets the
 * login decision: it asks for nothing, or one of its methods was passed. The tenant rule
 * of SPEC "Authority is bounded by the tenant's rule", evaluated on every request.
 */
export function satisfiesLoginDecision(decision: LoginDecision, passed: readonly ChallengeMethod[]): boolean {
  if (decision.kind === 'authenticated') return true;
  const proven = new Set(passed.flatMap(provenBy));
  return decision.methods.some((m) => proven.has(m));
}
