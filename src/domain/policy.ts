/** Second-factor methods a super app can choose (SPEC: super app 2FA). */
export type PolicyMethod = 'totp' | 'email';

/** Methods a login challenge can offer. `totp_enrollment` sets up an authenticator during login; `webauthn` is a passkey or security key. */
export type ChallengeMethod = 'totp' | 'email' | 'recovery_code' | 'totp_enrollment' | 'webauthn';

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
}

/** The policy of a super app that has never been configured: 2FA optional, authenticator first. */
export const DEFAULT_TWO_FACTOR_POLICY: TwoFactorPolicy = Object.freeze({
  required: false,
  primaryMethod: 'totp',
  secondaryMethod: null,
  allowDeactivation: true,
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

/** True when the policy is coherent: the secondary method, if any, differs from the primary. */
export function isValidTwoFactorPolicy(policy: TwoFactorPolicy): boolean {
  return policy.secondaryMethod !== policy.primaryMethod;
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
  const own = ownFactorMethods({ totp: input.ownTotpActive, webauthn: input.ownWebAuthn === true });
  const [first] = own;
  if (first) return { kind: 'second_factor_required', methods: own, primaryMethod: first, reason: 'account_two_factor' };
  const { policy } = input;
  if (!policy.required) return { kind: 'authenticated' };
  const asChallengeMethod = (m: PolicyMethod): ChallengeMethod => (m === 'totp' ? 'totp_enrollment' : 'email');
  const methods = [policy.primaryMethod, policy.secondaryMethod].filter((m): m is PolicyMethod => m !== null).map(asChallengeMethod);
  const primaryMethod = asChallengeMethod(policy.primaryMethod);
  const kind = primaryMethod === 'totp_enrollment' ? 'enrollment_required' : 'second_factor_required';
  return { kind, methods: [...new Set(methods)], primaryMethod, reason: 'super_app_policy' };
}

/** What a proof shows: enrolling an authenticator proves it as much as a code from it. */
function provenBy(method: ChallengeMethod): ChallengeMethod[] {
  return method === 'totp' || method === 'totp_enrollment' ? ['totp', 'totp_enrollment'] : [method];
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
