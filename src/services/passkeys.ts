import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { endRemembrancesOfAccount } from '../store/devices.js';
import { AppError } from '../domain/errors.js';
import { type AccountRecord, findAccountById, lockAccountFactors } from '../store/accounts.js';
import { deleteSessionsOfAccount, forgetSessionSecondFactors } from '../store/sessions.js';
import { hasActiveTotpFactor } from '../store/totp-factors.js';
import { deleteWebAuthnCredential, listWebAuthnCredentials, renameWebAuthnCredential } from '../store/webauthn-credentials.js';
import { type Actor, assertRecentAuthentication, toPasskeyView } from './account-two-factor.js';
import { recordAudit } from './audit.js';
import type { Deps } from './deps.js';
import { transactionWithMail } from './mail.js';
import { issueRecoveryCodes } from './recovery-codes.js';
import { createPasskeyCreationOptions, storeVerifiedPasskey, verifyPasskeyRegistration } from './second-factor/pending-passkey.js';
import type { WebAuthnAttestation } from './second-factor/proof.js';

/** What Settings shows of a passkey. */
export type PasskeyView = ReturnType<typeof toPasskeyView>;

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
  return createPasskeyCreationOptions(deps, await accountOrThrow(deps, actor.accountId), { challengeId: null });
}

/**
 * Step 2: checks the browser's answer against the registration challenge (claimed once, so
 * an answer cannot be replayed; 400 `passkey_not_verified` otherwise) and stores the
 * credential under `name`. When it is the account's first second factor, recovery codes are
 * issued (answered once) and its other sessions end, as when an authenticator is activated.
 * 409 `already_exists` when the credential is registered already.
 */
export async function finishPasskeyRegistration(
  deps: Deps,
  actor: Actor,
  input: { name: string; credential: WebAuthnAttestation },
): Promise<{ passkey: PasskeyView; recoveryCodes?: string[] }> {
  assertRecentAuthentication(deps, actor);
  const name = cleanName(input.name);
  const account = await accountOrThrow(deps, actor.accountId);
  const scope = { accountId: account.id, purpose: 'registration' as const, challengeId: null };
  const verified = await verifyPasskeyRegistration(deps, deps.db, scope, input.credential);
  if (!verified) throw new AppError('passkey_not_verified');
  return transactionWithMail(deps, async (tx, mail) => {
    const { passkey, first } = await storeVerifiedPasskey(deps, tx, account.id, name, verified);
    await endRemembrancesOfAccount(tx, account.id);
    await recordAudit(deps, tx, { type: 'passkey.added', accountId: account.id, context: actor.context, details: { passkeyId: passkey.id } });
    await mail(account, { kind: 'passkey_added', name });
    if (!first) return { passkey: toPasskeyView(passkey) };
    const recoveryCodes = await issueRecoveryCodes(deps, tx, account.id);
    // Sessions elsewhere signed in with the password alone; from now on a sign-in needs the passkey.
    await deleteSessionsOfAccount(tx, account.id, actor.sessionId);
    await recordAudit(deps, tx, { type: 'two_factor.activated', accountId: account.id, context: actor.context, details: { method: 'webauthn' } });
    return { passkey: toPasskeyView(passkey), recoveryCodes };
  });
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
  await transactionWithMail(deps, async (tx, mail) => {
    // Serialises factor changes of the account: the check below sees every committed removal.
    await lockAccountFactors(tx, account.id);
    const credentials = await listWebAuthnCredentials(tx, account.id);
    if (!credentials.some((c) => c.id === id)) throw new AppError('not_found');
    if (credentials.length === 1 && !(await hasActiveTotpFactor(tx, account.id))) throw new AppError('last_second_factor');
    if (!(await deleteWebAuthnCredential(tx, account.id, id))) throw new AppError('not_found');
    await deleteSessionsOfAccount(tx, account.id, actor.sessionId);
    if (credentials.length === 1) await forgetSessionSecondFactors(tx, actor.sessionId, ['webauthn']);
    await endRemembrancesOfAccount(tx, account.id);
    await recordAudit(deps, tx, { type: 'passkey.removed', accountId: account.id, context: actor.context, details: { passkeyId: id } });
    await mail(account, { kind: 'passkey_removed' });
  });
}
