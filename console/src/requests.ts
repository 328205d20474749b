/**
 * Request bodies the console sends, from the server's request schemas (src/http/schemas.ts,
 * re-exported by src/http/contract.ts): the same ones the routes validate with.
 */
import type { Static } from 'typebox';
import type * as Contract from '../../src/http/contract.js';

export type Login = Static<typeof Contract.LoginBody>;
export type SwitchWorkspace = Static<typeof Contract.SwitchWorkspaceBody>;
export type Verify = Static<typeof Contract.VerifyBody>;
export type Enrollment = Static<typeof Contract.EnrollmentBody>;
export type ActivationVerify = Static<typeof Contract.ActivationVerifyBody>;
export type Deactivation = Static<typeof Contract.DeactivationBody>;
export type Regenerate = Static<typeof Contract.RegenerateBody>;
export type Reauthenticate = Static<typeof Contract.ReauthenticateBody>;
export type Policy = Static<typeof Contract.PolicyBody>;
export type ChangePassword = Static<typeof Contract.ChangePasswordBody>;
export type PasswordResetRequest = Static<typeof Contract.PasswordResetRequestBody>;
export type PasswordReset = Static<typeof Contract.PasswordResetBody>;
export type PasskeyRegistration = Static<typeof Contract.PasskeyRegistrationBody>;
export type PasskeyRename = Static<typeof Contract.PasskeyRenameBody>;
/** A passkey's signed answer (`AuthenticationResponseJSON`), as `@simplewebauthn/browser` gives it. */
export type WebAuthnAssertion = Static<typeof Contract.WebAuthnAssertion>;
/** A new credential (`RegistrationResponseJSON`). */
export type WebAuthnAttestation = Static<typeof Contract.WebAuthnAttestation>;
