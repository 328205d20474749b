import { isSixDigitCode, normalizeRecoveryCode } from '../../domain/codes.js';
import { AppError } from '../../domain/errors.js';
import type { ChallengeMethod } from '../../domain/policy.js';
import type { EmailCodePurpose } from '../../store/email-codes.js';
import type { WebAuthnChallengePurpose } from '../../store/webauthn-challenges.js';

/** What an emailed code was sent for: its purpose and, for a login, the challenge. */
export interface EmailScope {
  purpose: EmailCodePurpose;
  challengeId: string | null;
}

/** What a WebAuthn assertion's challenge was issued for: a login challenge (its id), or an identity check in Settings (null). */
export interface WebAuthnScope {
  purpose: Exclude<WebAuthnChallengePurpose, 'registration'>;
  challengeId: string | null;
}

/** Fields of a credential's JSON form (`PublicKeyCredential#toJSON()`, base64url), as the HTTP schema admits them. */
interface CredentialJson {
  id: string;
  rawId: string;
  type: 'public-key';
  clientExtensionResults: object;
  authenticatorAttachment?: string | null | undefined;
}

/** A passkey's or security key's answer to `navigator.credentials.get()`, as JSON. */
export interface WebAuthnAssertion extends CredentialJson {
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string | null | undefined };
}

/** A new credential from `navigator.credentials.create()`, as JSON. */
export interface WebAuthnAttestation extends CredentialJson {
  response: {
    clientDataJSON: string;
    attestationObject: string;
    authenticatorData?: string | undefined;
    transports?: string[] | undefined;
    publicKeyAlgorithm?: number | undefined;
    publicKey?: string | undefined;
  };
}

/** `platform` or `cross-platform`; anything else is dropped. */
export function authenticatorAttachmentOf(credential: CredentialJson): 'platform' | 'cross-platform' | undefined {
  const value = credential.authenticatorAttachment;
  return value === 'platform' || value === 'cross-platform' ? value : undefined;
}

/**
 * A proof of the second factor, parsed once where it enters: the method, a code of the
 * right shape or an assertion, and what it is bound to (the email it was sent for, the
 * pending key, the WebAuthn challenge's scope).
 */
export type SecondFactorProof =
  | { method: 'totp'; code: string }
  | { method: 'recovery_code'; code: string }
  | { method: 'email'; code: string; scope: EmailScope }
  /** The first code of a pending authenticator key: created in the login challenge `challengeId`, or in Settings (null). */
  | { method: 'totp_enrollment'; code: string; challengeId: string | null }
  | { method: 'webauthn'; assertion: WebAuthnAssertion; scope: WebAuthnScope }
  /** A new passkey registered during the login challenge `challengeId` (a phishing-resistant or passkey policy). */
  | { method: 'webauthn_enrollment'; attestation: WebAuthnAttestation; name: string; challengeId: string };

/** What a proof may be bound to; the flow knows it, the client does not send it. */
export interface ProofBinding {
  emailScope?: EmailScope;
  /** Enrolment: the challenge the pending key belongs to (null: Settings). */
  enrollmentChallengeId?: string | null;
  webAuthnScope?: WebAuthnScope;
  /** Passkey enrolment: the login challenge the registration options belong to. */
  passkeyEnrollmentChallengeId?: string;
}

/** What the client sent: a `code` for the code methods, a `credential` (assertion) for `webauthn`. */
export interface ProofAnswer {
  code?: string | undefined;
  credential?: WebAuthnAssertion | WebAuthnAttestation | undefined;
  /** Passkey enrolment: what to call the new passkey. */
  name?: string | undefined;
}

const isAttestation = (credential: WebAuthnAssertion | WebAuthnAttestation): credential is WebAuthnAttestation => 'attestationObject' in credential.response;

/** The name a passkey enrolled at login gets when the client sends none. */
export const DEFAULT_PASSKEY_NAME = 'Passkey';

/**
 * Parses the answer for `method` into a proof; 400 `invalid_request` when the code has the
 * wrong shape or the field the method needs is missing (it then costs no attempt), 400
 * `method_not_allowed` when the flow has nothing to bind it to.
 */
export function parseProof(method: ChallengeMethod, answer: ProofAnswer, binding: ProofBinding = {}): SecondFactorProof {
  if (method === 'webauthn') {
    if (answer.credential === undefined || isAttestation(answer.credential))
      throw new AppError('invalid_request', {}, 'A passkey answer needs `credential`, an assertion');
    if (!binding.webAuthnScope) throw new AppError('method_not_allowed');
    return { method, assertion: answer.credential, scope: binding.webAuthnScope };
  }
  if (method === 'webauthn_enrollment') {
    if (answer.credential === undefined || !isAttestation(answer.credential))
      throw new AppError('invalid_request', {}, 'Adding a passkey needs `credential`, a new credential');
    if (binding.passkeyEnrollmentChallengeId === undefined) throw new AppError('method_not_allowed');
    const name = answer.name?.trim() || DEFAULT_PASSKEY_NAME;
    return { method, attestation: answer.credential, name, challengeId: binding.passkeyEnrollmentChallengeId };
  }
  const { code } = answer;
  if (code === undefined) throw new AppError('invalid_request', {}, 'This method needs `code`');
  if (method === 'recovery_code') {
    if (normalizeRecoveryCode(code) === null) throw new AppError('invalid_request', {}, 'A recovery code has 16 letters and digits');
    return { method, code };
  }
  if (!isSixDigitCode(code)) throw new AppError('invalid_request', {}, 'A code is exactly 6 digits');
  if (method === 'totp') return { method, code };
  if (method === 'email') {
    if (!binding.emailScope) throw new AppError('method_not_allowed');
    return { method, code, scope: binding.emailScope };
  }
  if (binding.enrollmentChallengeId === undefined) throw new AppError('method_not_allowed');
  return { method, code, challengeId: binding.enrollmentChallengeId };
}
