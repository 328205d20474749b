import type { OwnSecondFactors } from '../../domain/policy.js';
import type { Db } from '../../store/schema.js';
import { hasActiveTotpFactor } from '../../store/totp-factors.js';
import { hasWebAuthnCredential } from '../../store/webauthn-credentials.js';

/** Which of its own second factors the account has: an active authenticator app, passkeys or security keys. */
export async function findOwnSecondFactors(db: Db, accountId: string): Promise<OwnSecondFactors> {
  return { totp: await hasActiveTotpFactor(db, accountId), webauthn: await hasWebAuthnCredential(db, accountId) };
}

/** True when the account has any second factor of its own: its two-factor authentication is on. */
export async function hasOwnSecondFactor(db: Db, accountId: string): Promise<boolean> {
  const own = await findOwnSecondFactors(db, accountId);
  return own.totp || own.webauthn;
}
