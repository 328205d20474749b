/**
 * Shapes of the JSON the console exchanges with the mpp-2fa HTTP API, taken from the
 * server's own schemas (src/http/contract.ts: the same TypeBox schemas the routes declare,
 * serialize with and publish in the OpenAPI document), so they cannot drift from what the
 * server answers. Only types are imported: nothing of the server reaches the bundle.
 */
import type { Static } from 'typebox';
import type * as Contract from '../../src/http/contract.js';

export type NamedRef = Static<typeof Contract.SuperAppRef>;
export type Account = Static<typeof Contract.AccountView>;
export type WorkspaceRole = Static<typeof Contract.Role>;
/** A workspace with the account's role in it and its super app. */
export type WorkspaceRef = Static<typeof Contract.WorkspaceView>;

/** `GET /api/v1/session`. */
export type Session = Static<typeof Contract.SessionView>;

export type FactorMethod = Static<typeof Contract.PolicyMethod>;
export type ChallengeMethod = Static<typeof Contract.ChallengeMethod>;
/** The methods answered with a code (the others with a passkey or security key). */
export type CodeMethod = Exclude<ChallengeMethod, 'webauthn' | 'webauthn_enrollment'>;
export const isCodeMethod = (method: ChallengeMethod): method is CodeMethod => method !== 'webauthn' && method !== 'webauthn_enrollment';

/** A challenge as login, a workspace switch and a step-up open it; `id` is its bearer token. */
export type Challenge = Static<typeof Contract.ChallengeView>;

/** `POST /api/v1/auth/login`: signed in at once, or a challenge. Never recovery codes (only a verify after enrolment sends them). */
export type LoginResult = Static<typeof Contract.SignInStep>;
/** Switching workspace or stepping up into a super app: done at once, or a challenge like login's. */
export type StepUpResult = Static<typeof Contract.SignInStep>;
/** `POST /api/v1/auth/challenges/{id}/verify`; `recoveryCodes` only after enrolling an authenticator. */
export type VerifyResult = Static<typeof Contract.VerifyResult>;

/** A pending authenticator key (activation or enrolment), valid until `expiresAt`. */
export type TotpSecret = Static<typeof Contract.PendingTotp>;
/** `202` of the email-code endpoints. */
export type EmailCodeSent = Static<typeof Contract.EmailCodeSent>;
export type TwoFactorPolicy = Static<typeof Contract.PolicyView>;
/** `GET /api/v1/account/two-factor`. */
export type AccountTwoFactor = Static<typeof Contract.TwoFactorStatus>;
/** `POST /api/v1/account/two-factor/activation/verify`. */
export type ActivationResult = Static<typeof Contract.ActivationVerified>;
/** `POST /api/v1/account/two-factor/deactivation` and a member's reset. */
export type TwoFactorOff = Static<typeof Contract.TwoFactorOff>;
/** `POST /api/v1/account/two-factor/recovery-codes`. */
export type RecoveryCodesResult = Static<typeof Contract.RecoveryCodes>;
/** `POST /api/v1/session/reauthenticate`. */
export type ReauthenticationResult = Static<typeof Contract.Reauthenticated>;
/** `GET /api/v1/workspaces/{id}/members`. */
export type MemberList = Static<typeof Contract.Members>;
export type Member = MemberList['members'][number];
/** `GET /api/v1/account/sessions`: where the account is signed in, most recently active first. */
export type AccountSessions = Static<typeof Contract.AccountSessions>;
export type AccountSession = AccountSessions['sessions'][number];
/** `DELETE /api/v1/account/sessions`. */
export type SessionsEnded = Static<typeof Contract.SessionsEnded>;
/** `GET /api/v1/account/devices`: browsers that signed in, most recently seen first. */
export type KnownDevices = Static<typeof Contract.Devices>;
export type KnownDevice = KnownDevices['devices'][number];
/** `GET …/audit-events`: one page of security events, newest first. */
export type AuditEventPage = Static<typeof Contract.AuditEvents>;
export type AuditEvent = AuditEventPage['events'][number];
export type AuditEventType = AuditEvent['type'];
/** `202` of `POST /api/v1/auth/password-reset`, the same whatever the email. */
export type PasswordResetAccepted = Static<typeof Contract.PasswordResetAccepted>;
/** `GET /api/v1/auth/password-reset/{token}`: the link works; what the reset needs besides the new password. */
export type PasswordResetLink = Static<typeof Contract.PasswordResetView>;

/**
 * Every problem `code` the server sends: its catalogue (src/domain/errors.ts, docs/errors.md),
 * imported as a type only, so a new code fails the console's type-check until it has a phrase.
 */
export type { ErrorCode as ProblemCode } from '../../src/domain/errors.js';

/**
 * Problem details body (RFC 9457) as the server sends it; the extra fields depend on `code`
 * (docs/errors.md). Partial: the console also builds problems of its own (network errors)
 * and reads bodies a proxy may have written.
 */
export type ProblemBody = Partial<Contract.Problem>;
/** A passkey or security key of the account. */
export type Passkey = Static<typeof Contract.Passkey>;
export type PasskeyInfo = Static<typeof Contract.PasskeyView>;
/** `POST /api/v1/account/two-factor/passkeys`; `recoveryCodes` when it was the account's first second factor. */
export type PasskeyAdded = Static<typeof Contract.PasskeyAdded>;
/** Options for `navigator.credentials.create()` (adding a passkey). */
export type PasskeyCreationOptions = Static<typeof Contract.PasskeyRegistrationOptions>;
/** Options for `navigator.credentials.get()` (signing with a passkey). */
export type PasskeyRequestOptions = Static<typeof Contract.PasskeyRequestOptions>;

/** `GET /api/v1/super-apps/{id}/webhooks` items, the create answer (with its secret, once) and the delivery log. */
export type WebhookView = Static<typeof Contract.WebhookView>;
export type WebhookCreated = Static<typeof Contract.WebhookCreated>;
export type WebhookDelivery = Static<typeof Contract.WebhookDeliveryView>;
