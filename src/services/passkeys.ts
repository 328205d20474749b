import {
  type AuthenticatorTransport,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { sha256Hex } from '../adapters/tokens.js';
import { AppError } from '../domain/errors.js';
import { WEBAUTHN_CHALLENGE_TTL_SECONDS, WEBAUTHN_MAX_CREDENTIALS } from '../domain/limits.js';
import { type AccountRecord, findAccountById, lockAccountFactors } from '../store/accounts.js';
import { deleteSessionsOfAccount, forgetSessionSecondFactors } from '../store/sessions.js';
import { hasActiveTotpFactor } from '../store/totp-factors.js';
import { claimWebAuthnChallenge } from '../store/webauthn-challenges.js';
import { deleteWebAuthnCredential, insertWebAuthnCredential, listWebAuthnCredentials, renameWebAuthnCredential } from '../store/webauthn-credentials.js';
import { type Actor, assertRecentAuthentication, toPasskeyView } from './account-two-factor.js';
import { recordAudit } from './audit.js';
import { type Deps, newId } from './deps.js';
import { sendSecurityNotice } from './notifications.js';
import { issueRecoveryCodes } from './recovery-codes.js';
import { authenticatorAttachmentOf, type WebAuthnAttestation } from './second-factor/proof.js';
import { readClientChallenge, storeWebAuthnChallenge } from './second-factor/webauthn.js';

/** What Settings shows of a passkey. */
export type PasskeyView = ReturnType<typeof toPasskeyView>;

/** Public-key algorithms offered at registration: EdDSA, ES256, RS256 (COSE ids, RFC 9053). */
const SUPPORTED_ALGORITHM_IDS = [-8, -7, -257];

async function accountOrThrow(deps: Deps, accountId: string): Promise<AccountRecord> {
  const account = await findAccountById(deps.db, accountId);
  if (!account) throw new AppError('unauthenticated');
  return account;
}

/** A name without surrounding blanks; 400 `invalid_request` when nothing is left. */
function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new AppError('invalid_request', {}, 'A passkey needs a name');
  return trimmed;
}

/**
 * Settings → "Add a passkey or security key", step 1 (recent password, as for activating an
 * authenticator): creation options excluding the account's credentials, with a challenge
 * stored hashed for 5 minutes. 409 `passkey_limit_reached` at 20 credentials.
 */
export async function startPasskeyRegistration(deps: Deps, actor: Actor): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; expiresAt: string }> {
  assertRecentAuthentication(deps, actor);
  const account = await accountOrThrow(deps, actor.accountId);
  const credentials = await listWebAuthnCredentials(deps.db, account.id);
  if (credentials.length >= WEBAUTHN_MAX_CREDENTIALS) throw new AppError('passkey_limit_reached');
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
  const expiresAt = await storeWebAuthnChallenge(deps, { accountId: account.id, purpose: 'registration', challengeId: null }, options.challenge);
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

/** The verified new credential, or 400 `passkey_not_verified` (wrong origin, RP id, challenge, type or attestation). */
async function verifyRegistration(deps: Deps, credential: WebAuthnAttestation, challenge: string) {
  try {
    const result = await verifyRegistrationResponse({
      response: toRegistrationResponse(credential),
      expectedChallenge: challenge,
      expectedOrigin: deps.relyingParty.origins,
      expectedRPID: deps.relyingParty.id,
      requireUserVerification: false,
      supportedAlgorithmIDs: SUPPORTED_ALGORITHM_IDS,
    });
    if (result.verified) return result.registrationInfo.credential;
  } catch {
    // Malformed or forged: the same answer as a failed verification.
  }
  throw new AppError('passkey_not_verified');
}

/**
 * Step 2: checks the browser's answer against the registration challenge (claimed once, so
 * an answer cannot be replayed) and stores the credential under `name`. When it is the
 * account's first second factor, recovery codes are issued (answered once) and its other
 * sessions end, as when an authenticator is activated. 409 `already_exists` when the
 * credential is registered already.
 */
export async function finishPasskeyRegistration(
  deps: Deps,
  actor: Actor,
  input: { name: string; credential: WebAuthnAttestation },
): Promise<{ passkey: PasskeyView; recoveryCodes?: string[] }> {
  assertRecentAuthentication(deps, actor);
  const name = cleanName(input.name);
  const account = await accountOrThrow(deps, actor.accountId);
  const challenge = readClientChallenge(input.credential.response.clientDataJSON);
  const now = deps.clock.now().toISOString();
  const scope = { accountId: account.id, purpose: 'registration' as const, challengeId: null };
  if (challenge === null || !(await claimWebAuthnChallenge(deps.db, scope, sha256Hex(challenge), now))) throw new AppError('passkey_not_verified');
  const verified = await verifyRegistration(deps, input.credential, challenge);
  const outcome = await deps.db.transaction().execute(async (tx) => {
    await lockAccountFactors(tx, account.id);
    const existing = await listWebAuthnCredentials(tx, account.id);
    if (existing.length >= WEBAUTHN_MAX_CREDENTIALS) throw new AppError('passkey_limit_reached');
    const first = existing.length === 0 && !(await hasActiveTotpFactor(tx, account.id));
    const passkey = { id: newId(deps), accountId: account.id, name, createdAt: now, lastUsedAt: null };
    const stored = await insertWebAuthnCredential(tx, {
      ...passkey,
      credentialId: verified.id,
      publicKey: Buffer.from(verified.publicKey).toString('base64url'),
      signCount: verified.counter,
      transports: (verified.transports ?? []).filter((t) => /^[a-z-]{1,32}$/.test(t)),
    });
    if (!stored) throw new AppError('already_exists', {}, 'This passkey or security key is registered already');
    await recordAudit(deps, tx, { type: 'passkey.added', accountId: account.id, context: actor.context, details: { passkeyId: passkey.id } });
    if (!first) return { passkey: toPasskeyView(passkey) };
    const recoveryCodes = await issueRecoveryCodes(deps, tx, account.id);
    // Sessions elsewhere signed in with the password alone; from now on a sign-in needs the passkey.
    await deleteSessionsOfAccount(tx, account.id, actor.sessionId);
    await recordAudit(deps, tx, { type: 'two_factor.activated', accountId: account.id, context: actor.context, details: { method: 'webauthn' } });
    return { passkey: toPasskeyView(passkey), recoveryCodes };
  });
  void sendSecurityNotice(deps, account.email, 'passkey_added', `Name: ${name}`);
  return outcome;
}

/** The account's passkeys and security keys, oldest first. */
export async function listPasskeys(deps: Deps, accountId: string): Promise<PasskeyView[]> {
  return (await listWebAuthnCredentials(deps.db, accountId)).map(toPasskeyView);
}

/** Renames one of the account's passkeys; 404 `not_found` when it has none with that id. */
export async function renamePasskey(deps: Deps, actor: Actor, id: string, name: string): Promise<PasskeyView> {
  const renamed = await renameWebAuthnCredential(deps.db, actor.accountId, id, cleanName(name));
  if (!renamed) throw new AppError('not_found');
  await recordAudit(deps, deps.db, { type: 'passkey.renamed', accountId: actor.accountId, context: actor.context, details: { passkeyId: id } });
  return toPasskeyView(renamed);
}

/**
 * Removes one passkey (recent password). Removing the last second factor of the account is
 * a deactivation and must go through it (password, a second factor, the super apps'
 * `allowDeactivation`): 409 `last_second_factor`. The account's other sessions end; this
 * session forgets `webauthn` when no passkey is left. 404 `not_found` for an unknown id.
 */
export async function removePasskey(deps: Deps, actor: Actor, id: string): Promise<void> {
  assertRecentAuthentication(deps, actor);
  const account = await accountOrThrow(deps, actor.accountId);
  await deps.db.transaction().execute(async (tx) => {
    // Serialises factor changes of the account: the check below sees every committed removal.
    await lockAccountFactors(tx, account.id);
    const credentials = await listWebAuthnCredentials(tx, account.id);
    if (!credentials.some((c) => c.id === id)) throw new AppError('not_found');
    if (credentials.length === 1 && !(await hasActiveTotpFactor(tx, account.id))) throw new AppError('last_second_factor');
    if (!(await deleteWebAuthnCredential(tx, account.id, id))) throw new AppError('not_found');
    await deleteSessionsOfAccount(tx, account.id, actor.sessionId);
    if (credentials.length === 1) await forgetSessionSecondFactors(tx, actor.sessionId, ['webauthn']);
    await recordAudit(deps, tx, { type: 'passkey.removed', accountId: account.id, context: actor.context, details: { passkeyId: id } });
  });
  void sendSecurityNotice(deps, account.email, 'passkey_removed');
}
