/**
 * Shapes of the JSON the console exchanges with the mpp-2fa HTTP API (see API.md), checked
 * by hand against what the routes (src/http/routes) and services (src/services) answer.
 * A field is optional here only when the server may leave it out.
 */

export interface NamedRef {
  id: string;
  name: string;
}

export interface Account {
  id: string;
  email: string;
  name: string;
}

export type WorkspaceRole = 'admin' | 'developer';

export type WorkspaceRef = NamedRef & { role: WorkspaceRole; superApp: NamedRef };

/** `GET /api/v1/session` (services/sessions.ts `describeSession`). */
export interface Session {
  account: Account;
  workspace: WorkspaceRef;
  secondFactorVerified: boolean;
  administeredSuperApps: NamedRef[];
  /** Every workspace of the account, the current one included. */
  workspaces: WorkspaceRef[];
}

export type FactorMethod = 'totp' | 'email';
export type ChallengeMethod = FactorMethod | 'recovery_code' | 'totp_enrollment';

/** A challenge as login, a workspace switch and a step-up open it (services/challenge-issue.ts `ChallengeView`). */
export interface Challenge {
  /** The bearer token naming the challenge. */
  id: string;
  methods: ChallengeMethod[];
  primaryMethod: ChallengeMethod;
  expiresAt: string;
  reason: 'account_two_factor' | 'super_app_policy';
  superApp: NamedRef;
  workspace: NamedRef;
  /** The account's email, masked ("w***@acme.test"). */
  sentTo: string;
}

/** What a sign-in (password, switch or challenge) answers once it is done. */
interface Authenticated {
  status: 'authenticated';
  account: Account;
  workspace: WorkspaceRef;
}

/** The answer that asks for a second factor (or an authenticator set-up) first. */
interface ChallengeRequired {
  status: 'second_factor_required' | 'enrollment_required';
  challenge: Challenge;
}

/** `POST /api/v1/auth/login`: signed in at once, or a challenge. Never recovery codes (only a verify after enrolment sends them). */
export type LoginResult = Authenticated | ChallengeRequired;

/** Switching workspace or stepping up into a super app: done at once, or a challenge like login's. */
export type StepUpResult = Authenticated | ChallengeRequired;

/** `POST /api/v1/auth/challenges/{id}/verify`. */
export interface VerifyResult extends Authenticated {
  /** Only after enrolling an authenticator in the challenge: the new recovery codes, shown once. */
  recoveryCodes?: string[];
}

/** A pending authenticator key (activation or enrolment), valid until `expiresAt`. */
export interface TotpSecret {
  secret: string;
  otpauthUri: string;
  expiresAt: string;
}

/** `202` of the email-code endpoints. */
export interface EmailCodeSent {
  sentTo: string;
  resendAfterSeconds: number;
}

export interface TwoFactorPolicy {
  required: boolean;
  primaryMethod: FactorMethod;
  secondaryMethod: FactorMethod | null;
  allowDeactivation: boolean;
}

/** `GET /api/v1/account/two-factor`. */
export interface AccountTwoFactor {
  active: boolean;
  method: 'totp' | null;
  activatedAt: string | null;
  recoveryCodesRemaining: number;
  deactivation: { allowed: boolean; forbiddenBy: NamedRef[] };
  superAppPolicies: Array<TwoFactorPolicy & { superApp: NamedRef }>;
}

/** `POST /api/v1/account/two-factor/activation/verify`. */
export interface ActivationResult {
  active: true;
  recoveryCodes: string[];
}

/** `POST /api/v1/account/two-factor/deactivation` and a member's reset. */
export interface TwoFactorOff {
  active: false;
}

/** `POST /api/v1/account/two-factor/recovery-codes`. */
export interface RecoveryCodesResult {
  recoveryCodes: string[];
}

/** `POST /api/v1/session/reauthenticate`. */
export interface ReauthenticationResult {
  authenticatedAt: string;
}

export interface Member {
  account: Account;
  role: WorkspaceRole;
  twoFactorActive: boolean;
}

/** `GET /api/v1/workspaces/{id}/members`. */
export interface MemberList {
  members: Member[];
  canResetTwoFactor: boolean;
}

/**
 * Every problem `code` the server sends: its catalogue (src/domain/errors.ts, docs/errors.md),
 * imported as a type only, so a new code fails the console's type-check until it has a phrase.
 */
export type { ErrorCode as ProblemCode } from '../../src/domain/errors.js';

/** Problem details body (RFC 9457) as the server sends it; the extra fields depend on `code` (docs/errors.md). */
export interface ProblemBody {
  type?: string;
  status?: number;
  code?: string;
  title?: string;
  detail?: string;
  /** `invalid_code` on a challenge. */
  attemptsRemaining?: number;
  /** Every 429 (also in `Retry-After`). */
  retryAfterSeconds?: number;
  /** `invalid_code` for an authenticator code that matches a phone clock off by more than 30 s. */
  clockDriftSeconds?: number;
  /** `deactivation_not_allowed` (the first forbidding one), `second_factor_required_for_super_app`. */
  superApp?: NamedRef;
  /** `deactivation_not_allowed`: every super app of the account that forbids it. */
  forbiddenBy?: NamedRef[];
  /** `reset_forbidden_by_super_app`: the forbidding super apps the admin does not administer. */
  superApps?: NamedRef[];
  /** `second_factor_required_for_super_app`: the methods that would satisfy its rule. */
  methods?: ChallengeMethod[];
  /** `admin_second_factor_required` when switching a requirement on needs the admin's own authenticator. */
  ownTwoFactorRequired?: boolean;
}
