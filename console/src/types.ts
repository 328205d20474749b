/** Shapes of the JSON the console exchanges with the mpp-2fa HTTP API (see API.md). */

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

export interface Session {
  account: Account;
  workspace: WorkspaceRef;
  secondFactorVerified: boolean;
  administeredSuperApps?: NamedRef[];
  /** Every workspace of the account. */
  workspaces?: WorkspaceRef[];
}

export type FactorMethod = 'totp' | 'email';
export type ChallengeMethod = FactorMethod | 'recovery_code' | 'totp_enrollment';

export interface Challenge {
  id: string;
  methods: ChallengeMethod[];
  primaryMethod?: ChallengeMethod;
  expiresAt?: string;
  reason?: 'account_two_factor' | 'super_app_policy';
  superApp?: NamedRef;
  workspace?: NamedRef;
  sentTo?: string;
}

export type LoginResult =
  | { status: 'authenticated'; account?: Account; recoveryCodes?: string[] }
  | { status: 'second_factor_required' | 'enrollment_required'; challenge: Challenge };

/** Switching workspace or stepping up into a super app: done at once, or a challenge like login's. */
export type StepUpResult =
  | { status: 'authenticated' }
  | { status: 'second_factor_required' | 'enrollment_required'; challenge: Challenge };

export interface VerifyResult {
  status: 'authenticated';
  recoveryCodes?: string[];
}

export interface TotpSecret {
  secret: string;
  otpauthUri: string;
  expiresAt: string;
}

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

export interface AccountTwoFactor {
  active: boolean;
  method: 'totp' | null;
  activatedAt: string | null;
  recoveryCodesRemaining: number;
  deactivation: { allowed: boolean; forbiddenBy: NamedRef[] };
  superAppPolicies: Array<TwoFactorPolicy & { superApp: NamedRef }>;
}

export interface Member {
  account: Account;
  role: WorkspaceRole;
  twoFactorActive: boolean;
}

export interface MemberList {
  members: Member[];
  canResetTwoFactor?: boolean;
}
