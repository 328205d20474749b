import { isSixDigitCode, normalizeRecoveryCode } from '../../domain/codes.js';
import { AppError } from '../../domain/errors.js';
import type { ChallengeMethod } from '../../domain/policy.js';
import type { EmailCodePurpose } from '../../store/email-codes.js';

/** What an emailed code was sent for: its purpose and, for a login, the challenge. */
export interface EmailScope {
  purpose: EmailCodePurpose;
  challengeId: string | null;
}

/**
 * A proof of the second factor, parsed once where it enters: the method, a code of the
 * right shape, and what the code is bound to (the email it was sent for, the pending key).
 */
export type SecondFactorProof =
  | { method: 'totp'; code: string }
  | { method: 'recovery_code'; code: string }
  | { method: 'email'; code: string; scope: EmailScope }
  /** The first code of a pending authenticator key: created in the login challenge `challengeId`, or in Settings (null). */
  | { method: 'totp_enrollment'; code: string; challengeId: string | null };

/** What a proof may be bound to; the flow knows it, the client does not send it. */
export interface ProofBinding {
  emailScope?: EmailScope;
  /** Enrolment: the challenge the pending key belongs to (null: Settings). */
  enrollmentChallengeId?: string | null;
}

/**
 * Parses `code` for `method` into a proof; 400 `invalid_request` when the code has the
 * wrong shape (it then costs no attempt) or the flow has nothing to bind it to.
 */
export function parseProof(method: ChallengeMethod, code: string, binding: ProofBinding = {}): SecondFactorProof {
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
