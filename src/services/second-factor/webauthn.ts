import type { AuthenticationResponseJSON, AuthenticatorTransport, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { sha256Hex } from '../../adapters/tokens.js';
import { webauthnLibrary } from '../../adapters/webauthn-library.js';
import { AppError } from '../../domain/errors.js';
import { WEBAUTHN_CHALLENGE_TTL_SECONDS } from '../../domain/limits.js';
import { addSeconds } from '../../domain/ports.js';
import { isSignCountRegression } from '../../domain/webauthn.js';
import { claimWebAuthnChallenge, replaceWebAuthnChallenge, type WebAuthnChallengeScope } from '../../store/webauthn-challenges.js';
import {
  claimWebAuthnSignCount,
  findWebAuthnCredentialByCredentialId,
  listWebAuthnCredentials,
  type WebAuthnCredential,
} from '../../store/webauthn-credentials.js';
import { type Deps, newId } from '../deps.js';
import { type SecondFactorMethod, WRONG } from './method.js';
import { authenticatorAttachmentOf, type WebAuthnAssertion, type WebAuthnScope } from './proof.js';

/** The `challenge` a browser put into `clientDataJSON` (base64url), or null when it is not readable. */
export function readClientChallenge(clientDataJson: unknown): string | null {
  if (typeof clientDataJson !== 'string' || clientDataJson.length > 4096) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientDataJson, 'base64url').toString('utf8'));
    const challenge = (parsed as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === 'string' && challenge.length > 0 && challenge.length <= 200 ? challenge : null;
  } catch {
    return null;
  }
}

/**
 * Stores the WebAuthn challenge `value` (the base64url text the browser signs) for `scope`
 * as its SHA-256, valid 5 minutes; an earlier unanswered one of the same scope dies. Returns
 * when it expires.
 */
export async function storeWebAuthnChallenge(deps: Deps, scope: WebAuthnChallengeScope, value: string): Promise<string> {
  const now = deps.clock.now();
  const expiresAt = addSeconds(now, WEBAUTHN_CHALLENGE_TTL_SECONDS).toISOString();
  await replaceWebAuthnChallenge(deps.db, { ...scope, id: newId(deps), challengeHash: sha256Hex(value), expiresAt, now: now.toISOString() });
  return expiresAt;
}

/** Request options for `navigator.credentials.get()` over the account's credentials, bound to `scope` (5 minutes, once); 400 `method_not_allowed` without a credential. */
export async function createWebAuthnRequestOptions(
  deps: Deps,
  accountId: string,
  scope: WebAuthnScope,
): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; expiresAt: string }> {
  const credentials = await listWebAuthnCredentials(deps.db, accountId);
  if (credentials.length === 0) throw new AppError('method_not_allowed');
  const { generateAuthenticationOptions } = await webauthnLibrary();
  const options = await generateAuthenticationOptions({
    rpID: deps.relyingParty.id,
    allowCredentials: credentials.map((c) => ({ id: c.credentialId, transports: c.transports })),
    challenge: new Uint8Array(deps.random.bytes(32)),
    timeout: WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000,
    // A second factor after the password: presence is required, verification (PIN, biometrics) is welcome.
    userVerification: 'preferred',
  });
  return { options, expiresAt: await storeWebAuthnChallenge(deps, { accountId, ...scope }, options.challenge) };
}

/** The assertion in the library's shape (absent rather than null fields). */
function toAuthenticationResponse(assertion: WebAuthnAssertion): AuthenticationResponseJSON {
  const { userHandle, ...response } = assertion.response;
  return {
    id: assertion.id,
    rawId: assertion.rawId,
    type: assertion.type,
    response: typeof userHandle === 'string' ? { ...response, userHandle } : response,
    clientExtensionResults: assertion.clientExtensionResults,
    authenticatorAttachment: authenticatorAttachmentOf(assertion),
  };
}

/** The verified assertion's new sign counter, or null when the signature, origin, RP id, type or flags are wrong. */
async function verifyAssertion(deps: Deps, assertion: WebAuthnAssertion, credential: WebAuthnCredential, challenge: string): Promise<number | null> {
  const { verifyAuthenticationResponse } = await webauthnLibrary();
  try {
    const result = await verifyAuthenticationResponse({
      response: toAuthenticationResponse(assertion),
      expectedChallenge: challenge,
      expectedOrigin: deps.relyingParty.origins,
      expectedRPID: deps.relyingParty.id,
      // Counter 0 turns the library's own counter check off: ours runs after the signature
      // verified, so a regression is audited only for a genuine signature of this key.
      credential: {
        id: credential.credentialId,
        publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')),
        counter: 0,
        transports: credential.transports as AuthenticatorTransport[],
      },
      requireUserVerification: false,
    });
    return result.verified ? result.authenticationInfo.newCounter : null;
  } catch {
    return null;
  }
}

/**
 * A passkey or security key: the assertion must answer a live WebAuthn challenge of the
 * proof's scope (claimed once, right or wrong, so a replayed or older assertion fails), come
 * from a credential of the account, verify for our RP id and origins, and move the sign
 * counter forward (a regression is refused with an alarm for the audit log).
 */
export const webAuthnMethod: SecondFactorMethod<{ method: 'webauthn'; assertion: WebAuthnAssertion; scope: WebAuthnScope }> = {
  async check(deps, tx, account, proof) {
    const now = deps.clock.now().toISOString();
    const challenge = readClientChallenge(proof.assertion.response?.clientDataJSON);
    if (challenge === null) return WRONG;
    if (!(await claimWebAuthnChallenge(tx, { accountId: account.id, ...proof.scope }, sha256Hex(challenge), now))) return WRONG;
    const credential = await findWebAuthnCredentialByCredentialId(tx, account.id, proof.assertion.id);
    if (!credential) return WRONG;
    const counter = await verifyAssertion(deps, proof.assertion, credential, challenge);
    if (counter === null) return WRONG;
    if (isSignCountRegression(credential.signCount, counter)) {
      return {
        accepted: false,
        hint: {},
        alarm: { type: 'passkey.sign_counter_regressed', details: { passkeyId: credential.id, storedCounter: credential.signCount, reportedCounter: counter } },
      };
    }
    return (await claimWebAuthnSignCount(tx, credential.id, credential.signCount, counter, now)) ? { accepted: true } : WRONG;
  },
};
