import type { AuthenticatorTransport, PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { sha256Hex } from '../../adapters/tokens.js';
import { webauthnLibrary } from '../../adapters/webauthn-library.js';
import { AppError } from '../../domain/errors.js';
import { WEBAUTHN_CHALLENGE_TTL_SECONDS, WEBAUTHN_MAX_CREDENTIALS } from '../../domain/limits.js';
import { type AccountRecord, lockAccountFactors } from '../../store/accounts.js';
import type { Db } from '../../store/schema.js';
import { hasActiveTotpFactor } from '../../store/totp-factors.js';
import { claimWebAuthnChallenge, type WebAuthnChallengeScope } from '../../store/webauthn-challenges.js';
import { insertWebAuthnCredential, listWebAuthnCredentials, type WebAuthnCredential } from '../../store/webauthn-credentials.js';
import { type Deps, newId } from '../deps.js';
import { type SecondFactorMethod, WRONG } from './method.js';
import { authenticatorAttachmentOf, type WebAuthnAttestation } from './proof.js';
import { readClientChallenge, storeWebAuthnChallenge } from './webauthn.js';

/** Public-key algorithms offered at registration: EdDSA, ES256, RS256 (COSE ids, RFC 9053). */
const SUPPORTED_ALGORITHM_IDS = [-8, -7, -257];

/**
 * Creation options for a new passkey of `account` (attestation `none`, its passkeys
 * excluded), the challenge stored hashed for 5 minutes under `scope` (Settings, or a login
 * challenge). 409 `passkey_limit_reached` at 20 credentials.
 */
export async function createPasskeyCreationOptions(
  deps: Deps,
  account: AccountRecord,
  scope: Omit<WebAuthnChallengeScope, 'accountId' | 'purpose'>,
): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; expiresAt: string }> {
  const credentials = await listWebAuthnCredentials(deps.db, account.id);
  if (credentials.length >= WEBAUTHN_MAX_CREDENTIALS) throw new AppError('passkey_limit_reached');
  const { generateRegistrationOptions } = await webauthnLibrary();
  const options = await generateRegistrationOptions({
    rpName: deps.relyingParty.name,
    rpID: deps.relyingParty.id,
    userName: account.email,
    userDisplayName: account.name,
    userID: new TextEncoder().encode(account.id),
    challenge: new Uint8Array(deps.random.bytes(32)),
    timeout: WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000,
    attestationType: 'none',
    excludeCredentials: credentials.map((c) => ({ id: c.credentialId, transports: c.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHM_IDS,
  });
  const expiresAt = await storeWebAuthnChallenge(deps, { accountId: account.id, purpose: 'registration', ...scope }, options.challenge);
  return { options, expiresAt };
}

/** The browser's answer in the library's shape. */
function toRegistrationResponse(credential: WebAuthnAttestation): RegistrationResponseJSON {
  const { transports, ...response } = credential.response;
  return {
    id: credential.id,
    rawId: credential.rawId,
    type: credential.type,
    response: { ...response, ...(transports && { transports: transports as AuthenticatorTransport[] }) },
    clientExtensionResults: credential.clientExtensionResults,
    authenticatorAttachment: authenticatorAttachmentOf(credential),
  };
}

/** A verified new credential: what gets stored. */
export type VerifiedPasskey = Pick<WebAuthnCredential, 'credentialId' | 'publicKey' | 'signCount' | 'transports'>;

/**
 * Claims the registration challenge the answer signed (of `scope`, once, right or wrong) and
 * verifies the answer for our RP id and origins; null when either fails.
 */
export async function verifyPasskeyRegistration(
  deps: Deps,
  db: Db,
  scope: WebAuthnChallengeScope,
  attestation: WebAuthnAttestation,
): Promise<VerifiedPasskey | null> {
  const challenge = readClientChallenge(attestation.response.clientDataJSON);
  if (challenge === null || !(await claimWebAuthnChallenge(db, scope, sha256Hex(challenge), deps.clock.now().toISOString()))) return null;
  const { verifyRegistrationResponse } = await webauthnLibrary();
  try {
    const result = await verifyRegistrationResponse({
      response: toRegistrationResponse(attestation),
      expectedChallenge: challenge,
      expectedOrigin: deps.relyingParty.origins,
      expectedRPID: deps.relyingParty.id,
      requireUserVerification: false,
      supportedAlgorithmIDs: SUPPORTED_ALGORITHM_IDS,
    });
    if (!result.verified) return null;
    const { credential } = result.registrationInfo;
    return {
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      signCount: credential.counter,
      transports: (credential.transports ?? []).filter((t) => /^[a-z-]{1,32}$/.test(t)),
    };
  } catch {
    // Malformed or forged: the same answer as a failed verification.
    return null;
  }
}

/**
 * Stores a verified passkey under `name` inside `tx` (the account's factor changes are
 * serialised); `first` when the account had no second factor before. 409 `already_exists`
 * for a credential registered already, 409 `passkey_limit_reached` at 20.
 */
export async function storeVerifiedPasskey(
  deps: Deps,
  tx: Db,
  accountId: string,
  name: string,
  verified: VerifiedPasskey,
): Promise<{ passkey: Omit<WebAuthnCredential, 'credentialId' | 'publicKey' | 'signCount' | 'transports'>; first: boolean }> {
  await lockAccountFactors(tx, accountId);
  const existing = await listWebAuthnCredentials(tx, accountId);
  if (existing.length >= WEBAUTHN_MAX_CREDENTIALS) throw new AppError('passkey_limit_reached');
  const first = existing.length === 0 && !(await hasActiveTotpFactor(tx, accountId));
  const passkey = { id: newId(deps), accountId, name, createdAt: deps.clock.now().toISOString(), lastUsedAt: null };
  if (!(await insertWebAuthnCredential(tx, { ...passkey, ...verified }))) {
    throw new AppError('already_exists', {}, 'This passkey or security key is registered already');
  }
  return { passkey, first };
}

/**
 * A new passkey registered during a login challenge that asks for one (enrolment, like
 * `totp_enrollment`): the answer to the challenge's creation options. A wrong, replayed,
 * foreign or late answer is a wrong proof (it counts); accepted, the passkey is stored.
 */
export const pendingPasskeyMethod: SecondFactorMethod<{ method: 'webauthn_enrollment'; attestation: WebAuthnAttestation; name: string; challengeId: string }> =
  {
    async check(deps, tx, account, proof) {
      const scope = { accountId: account.id, purpose: 'registration' as const, challengeId: proof.challengeId };
      const verified = await verifyPasskeyRegistration(deps, tx, scope, proof.attestation);
      if (!verified) return WRONG;
      await storeVerifiedPasskey(deps, tx, account.id, proof.name, verified);
      return { accepted: true };
    },
  };
