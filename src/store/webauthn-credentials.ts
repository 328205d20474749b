import { reusableQuery } from './reusable-query.js';
import type { Db, WebAuthnCredentialRow } from './schema.js';

/** A passkey or security key of an account, as services see it. */
export interface WebAuthnCredential {
  /** Our id (opaque, used in URLs). */
  id: string;
  accountId: string;
  /** The authenticator's credential id, base64url. */
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  /** The sign counter last accepted (0: the authenticator keeps none). */
  signCount: number;
  transports: string[];
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

function toWebAuthnCredential(row: WebAuthnCredentialRow): WebAuthnCredential {
  return {
    id: row.id,
    accountId: row.account_id,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    signCount: Number(row.sign_count),
    transports: row.transports === '' ? [] : row.transports.split(','),
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

/** The account's credentials, oldest first. */
export async function listWebAuthnCredentials(db: Db, accountId: string): Promise<WebAuthnCredential[]> {
  const rows = await db.selectFrom('webauthn_credentials').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toWebAuthnCredential);
}

/** The account's credential with the authenticator's `credentialId`; undefined when the account has none such. */
export async function findWebAuthnCredentialByCredentialId(db: Db, accountId: string, credentialId: string): Promise<WebAuthnCredential | undefined> {
  const row = await db
    .selectFrom('webauthn_credentials')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('credential_id', '=', credentialId)
    .executeTakeFirst();
  return row && toWebAuthnCredential(row);
}

/** True when the account has at least one credential. */
export async function hasWebAuthnCredential(db: Db, accountId: string): Promise<boolean> {
  return (await anyCredentialQuery(db, accountId, 1)).rows.length > 0;
}

const anyCredentialQuery = reusableQuery((db: Db, accountId: string, one: number) =>
  db.selectFrom('webauthn_credentials').select('id').where('account_id', '=', accountId).limit(one),
);

/** Stores a verified new credential; false when its credential id is already registered (to any account). */
export async function insertWebAuthnCredential(db: Db, credential: Omit<WebAuthnCredential, 'lastUsedAt'>): Promise<boolean> {
  const result = await db
    .insertInto('webauthn_credentials')
    .values({
      id: credential.id,
      account_id: credential.accountId,
      credential_id: credential.credentialId,
      public_key: credential.publicKey,
      sign_count: credential.signCount,
      transports: credential.transports.join(','),
      name: credential.name,
      created_at: credential.createdAt,
      last_used_at: null,
    })
    .onConflict((oc) => oc.column('credential_id').doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/** Renames the account's credential `id`; the renamed credential, or undefined when the account has none such. */
export async function renameWebAuthnCredential(db: Db, accountId: string, id: string, name: string): Promise<WebAuthnCredential | undefined> {
  const row = await db
    .updateTable('webauthn_credentials')
    .set({ name })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toWebAuthnCredential(row);
}

/** Removes the account's credential `id`; false when it had none such (already removed). */
export async function deleteWebAuthnCredential(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webauthn_credentials').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Removes every credential of the account (deactivation, reset); how many there were. */
export async function deleteWebAuthnCredentialsOfAccount(db: Db, accountId: string): Promise<number> {
  const result = await db.deleteFrom('webauthn_credentials').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Moves the credential's sign counter from `previous` to `next` and stamps its use;
 * false when the counter is no longer `previous` (a parallel assertion won). Compare-and-set,
 * so of two assertions read against the same counter only one is accepted.
 */
export async function claimWebAuthnSignCount(db: Db, id: string, previous: number, next: number, now: string): Promise<boolean> {
  const result = await db
    .updateTable('webauthn_credentials')
    .set({ sign_count: next, last_used_at: now })
    .where('id', '=', id)
    .where('sign_count', '=', previous)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
