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
}

/** The policy of a super app that has never been configured: 2FA optional, authenticator first. */
export const DEFAULT_TWO_FACTOR_POLICY: TwoFactorPolicy = Object.freeze({
  required: false,
  primaryMethod: 'totp',
  secondaryMethod: null,
  allowDeactivation: true,
  phishingResistantOnly: false,
});

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
 * from the primary; phishing-resistant only means `webauthn` alone, with 2FA required.
 */
export function findTwoFactorPolicyProblem(policy: TwoFactorPolicy): string | null {
  if (policy.secondaryMethod === policy.primaryMethod) return 'The secondary method must differ from the primary method';
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
