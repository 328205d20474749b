import { api } from './api';
import type {
  AccountSessions,
  AccountTwoFactor,
  ActivationResult,
  AuditEventPage,
  CodeMethod,
  EmailCodeSent,
  KnownDevices,
  LoginResult,
  MemberList,
  Passkey,
  PasskeyAdded,
  PasskeyCreationOptions,
  PasskeyRequestOptions,
  PasswordResetAccepted,
  PasswordResetLink,
  ReauthenticationResult,
  RecoveryCodesResult,
  Session,
  SessionsEnded,
  StepUpResult,
  TotpSecret,
  TwoFactorOff,
  TwoFactorPolicy,
  VerifyResult,
  WebhookCreated,
  WebhookDelivery,
  WebhookView,
} from './types';
import type * as Request from './requests';

/** Every HTTP call the console makes, one function per endpoint of API.md. */

const seg = encodeURIComponent;

export const fetchSession = () => api<Session>('GET', '/api/v1/session');

export const logIn = (email: string, password: string, workspaceId?: string) =>
  api<LoginResult>('POST', '/api/v1/auth/login', (workspaceId ? { email, password, workspaceId } : { email, password }) satisfies Request.Login);

export const switchWorkspace = (workspaceId: string) =>
  api<StepUpResult>('POST', '/api/v1/session/workspace', { workspaceId } satisfies Request.SwitchWorkspace);

export const stepUpSuperApp = (superAppId: string) => api<StepUpResult>('POST', `/api/v1/super-apps/${seg(superAppId)}/step-up`);

export const logOut = () => api<void>('POST', '/api/v1/auth/logout');

export const sendChallengeEmailCode = (challengeId: string) => api<EmailCodeSent>('POST', `/api/v1/auth/challenges/${seg(challengeId)}/email-code`);

/** Without `code` when the challenge offers no email; with the emailed code first when it does (the server asks for it). */
export const startChallengeEnrollment = (challengeId: string, code?: string) =>
  api<TotpSecret>('POST', `/api/v1/auth/challenges/${seg(challengeId)}/enrollment`, code === undefined ? undefined : ({ code } satisfies Request.Enrollment));

export const verifyChallenge = (challengeId: string, method: CodeMethod, code: string, options: { rememberDevice?: boolean } = {}) =>
  api<VerifyResult>('POST', `/api/v1/auth/challenges/${seg(challengeId)}/verify`, {
    method,
    code,
    ...(options.rememberDevice && { rememberDevice: true }),
  } satisfies Request.Verify);

/** Request options for signing in with a passkey or security key in this challenge. */
export const startChallengeWebAuthn = (challengeId: string) => api<PasskeyRequestOptions>('POST', `/api/v1/auth/challenges/${seg(challengeId)}/webauthn`);

/** Creation options for adding a passkey during sign-in (the emailed code first when the challenge offers email, as for enrolment). */
export const startChallengeWebAuthnEnrollment = (challengeId: string, code?: string) =>
  api<PasskeyCreationOptions>(
    'POST',
    `/api/v1/auth/challenges/${seg(challengeId)}/webauthn-enrollment`,
    code === undefined ? undefined : ({ code } satisfies Request.Enrollment),
  );

export const verifyChallengeWithPasskey = (challengeId: string, credential: Request.WebAuthnAssertion) =>
  api<VerifyResult>('POST', `/api/v1/auth/challenges/${seg(challengeId)}/verify`, { method: 'webauthn', credential } satisfies Request.Verify);

export const verifyChallengeWithNewPasskey = (challengeId: string, credential: Request.WebAuthnAttestation, name: string) =>
  api<VerifyResult>('POST', `/api/v1/auth/challenges/${seg(challengeId)}/verify`, {
    method: 'webauthn_enrollment',
    credential,
    name,
  } satisfies Request.Verify);

export const fetchAccountTwoFactor = () => api<AccountTwoFactor>('GET', '/api/v1/account/two-factor');

export const startActivation = () => api<TotpSecret>('POST', '/api/v1/account/two-factor/activation');

export const verifyActivation = (code: string) =>
  api<ActivationResult>('POST', '/api/v1/account/two-factor/activation/verify', { code } satisfies Request.ActivationVerify);

export const startPasskeyRegistration = () => api<PasskeyCreationOptions>('POST', '/api/v1/account/two-factor/passkeys/registration');

export const addPasskey = (name: string, credential: Request.WebAuthnAttestation) =>
  api<PasskeyAdded>('POST', '/api/v1/account/two-factor/passkeys', { name, credential } satisfies Request.PasskeyRegistration);

export const renamePasskey = (passkeyId: string, name: string) =>
  api<Passkey>('PATCH', `/api/v1/account/two-factor/passkeys/${seg(passkeyId)}`, { name } satisfies Request.PasskeyRename);

export const removePasskey = (passkeyId: string) => api<void>('DELETE', `/api/v1/account/two-factor/passkeys/${seg(passkeyId)}`);

/** Removes the authenticator app while a passkey keeps 2FA on (409 `last_second_factor` otherwise). */
export const removeAuthenticator = () => api<void>('DELETE', '/api/v1/account/two-factor/totp');

/** Request options for proving identity with a passkey in Settings (deactivation, new recovery codes). */
export const startSettingsWebAuthn = () => api<PasskeyRequestOptions>('POST', '/api/v1/account/two-factor/webauthn');

export const sendDeactivationEmailCode = () => api<EmailCodeSent>('POST', '/api/v1/account/two-factor/deactivation/email-code');

/** A second factor proving identity in Settings: a code, or a passkey's answer to startSettingsWebAuthn's options. */
export type SettingsProof = { method: 'totp' | 'email' | 'recovery_code'; code: string } | { method: 'webauthn'; credential: Request.WebAuthnAssertion };

export const deactivateTwoFactor = (password: string, proof: SettingsProof) =>
  api<TwoFactorOff>('POST', '/api/v1/account/two-factor/deactivation', { password, ...proof } satisfies Request.Deactivation);

/** `code`: an authenticator code; or a passkey's assertion. */
export const regenerateRecoveryCodes = (password: string, proof: { code: string } | { method: 'webauthn'; credential: Request.WebAuthnAssertion }) =>
  api<RecoveryCodesResult>('POST', '/api/v1/account/two-factor/recovery-codes', { password, ...proof } satisfies Request.Regenerate);

export const fetchTwoFactorPolicy = (superAppId: string) => api<TwoFactorPolicy>('GET', `/api/v1/super-apps/${seg(superAppId)}/two-factor-policy`);

export const saveTwoFactorPolicy = (superAppId: string, policy: Request.Policy) =>
  api<TwoFactorPolicy>('PUT', `/api/v1/super-apps/${seg(superAppId)}/two-factor-policy`, policy);

const webhooksPath = (superAppId: string) => `/api/v1/super-apps/${seg(superAppId)}/webhooks`;
export const fetchWebhooks = (superAppId: string) => api<{ webhooks: WebhookView[] }>('GET', webhooksPath(superAppId));
export const createWebhook = (superAppId: string, url: string, events: string[]) => api<WebhookCreated>('POST', webhooksPath(superAppId), { url, events });
export const deleteWebhook = (superAppId: string, webhookId: string) => api<void>('DELETE', `${webhooksPath(superAppId)}/${seg(webhookId)}`);
export const sendWebhookTest = (superAppId: string, webhookId: string) =>
  api<{ eventId: string }>('POST', `${webhooksPath(superAppId)}/${seg(webhookId)}/test`);
export const fetchWebhookDeliveries = (superAppId: string, webhookId: string) =>
  api<{ deliveries: WebhookDelivery[] }>('GET', `${webhooksPath(superAppId)}/${seg(webhookId)}/deliveries`);

export const fetchMembers = (workspaceId: string) => api<MemberList>('GET', `/api/v1/workspaces/${seg(workspaceId)}/members`);

export const resetMemberTwoFactor = (workspaceId: string, accountId: string) =>
  api<TwoFactorOff>('POST', `/api/v1/workspaces/${seg(workspaceId)}/members/${seg(accountId)}/two-factor/reset`);

export const reauthenticate = (password: string) =>
  api<ReauthenticationResult>('POST', '/api/v1/session/reauthenticate', { password } satisfies Request.Reauthenticate);

/** A second factor given with a password change or reset: an authenticator code, a recovery code, or a passkey's assertion. */
export type OwnFactorProof = { method: 'totp' | 'recovery_code'; code: string } | { method: 'webauthn'; credential: Request.WebAuthnAssertion };

export const changePassword = (currentPassword: string, newPassword: string, proof?: OwnFactorProof) =>
  api<void>('POST', '/api/v1/account/password', { currentPassword, newPassword, ...proof } satisfies Request.ChangePassword);

export const fetchAccountSessions = () => api<AccountSessions>('GET', '/api/v1/account/sessions');

export const endAccountSession = (sessionId: string) => api<void>('DELETE', `/api/v1/account/sessions/${seg(sessionId)}`);

export const endOtherSessions = () => api<SessionsEnded>('DELETE', '/api/v1/account/sessions');

export const fetchKnownDevices = () => api<KnownDevices>('GET', '/api/v1/account/devices');

export const forgetKnownDevice = (deviceId: string) => api<void>('DELETE', `/api/v1/account/devices/${seg(deviceId)}`);

export const requestPasswordReset = (email: string) =>
  api<PasswordResetAccepted>('POST', '/api/v1/auth/password-reset', { email } satisfies Request.PasswordResetRequest);

/** The token travels only in the path of these two calls (never in a query string). */
export const fetchPasswordReset = (token: string) => api<PasswordResetLink>('GET', `/api/v1/auth/password-reset/${seg(token)}`);

/** Request options for a reset's second factor with a passkey, bound to the link. */
export const startPasswordResetWebAuthn = (token: string) => api<PasskeyRequestOptions>('POST', `/api/v1/auth/password-reset/${seg(token)}/webauthn`);

export const resetPassword = (token: string, newPassword: string, proof?: OwnFactorProof) =>
  api<void>('POST', `/api/v1/auth/password-reset/${seg(token)}`, { newPassword, ...proof } satisfies Request.PasswordReset);

/** The filters of a super app's activity (all optional). */
export interface ActivityFilter {
  type?: string | undefined;
  accountId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

function query(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Settings → Account → Security activity: one page of the account's own events. */
export const fetchAccountActivity = (cursor?: string, limit = 20) => api<AuditEventPage>('GET', `/api/v1/account/audit-events${query({ cursor, limit })}`);

/** Settings → Tenant → Security activity: one page of the super app's events, filtered. */
export const fetchSuperAppActivity = (superAppId: string, filter: ActivityFilter, cursor?: string, limit = 20) =>
  api<AuditEventPage>('GET', `/api/v1/super-apps/${seg(superAppId)}/audit-events${query({ ...filter, cursor, limit })}`);

/** Where the browser downloads the filtered events (the session cookie goes along). */
export const superAppActivityExportUrl = (superAppId: string, filter: ActivityFilter, format: 'csv' | 'jsonl') =>
  `/api/v1/super-apps/${seg(superAppId)}/audit-events/export${query({ ...filter, format })}`;

/** The account's language, so emails and later sessions use it (204). */
export const saveLocale = (locale: 'en' | 'zh-CN') => api<void>('PUT', '/api/v1/account/locale', { locale });
