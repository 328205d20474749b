import type { Db, WebAuthnChallengePurpose } from './schema.js';

export type { WebAuthnChallengePurpose };

/** What a WebAuthn challenge is bound to: its account, purpose and, for a login, the login challenge (hash). */
export interface WebAuthnChallengeScope {
  accountId: string;
  purpose: WebAuthnChallengePurpose;
  challengeId: string | null;
}

/**
 * Stores a WebAuthn challenge as the SHA-256 `challengeHash` of the value the browser signs,
 * replacing the unanswered ones of the same scope and dropping the account's spent ones.
 */
export async function replaceWebAuthnChallenge(
  db: Db,
  row: WebAuthnChallengeScope & { id: string; challengeHash: string; expiresAt: string; now: string },
): Promise<void> {
  const stale = db
    .deleteFrom('webauthn_challenges')
    .where('account_id', '=', row.accountId)
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', row.now),
        eb('used_at', 'is not', null),
        eb.and([eb('purpose', '=', row.purpose), row.challengeId === null ? eb('challenge_id', 'is', null) : eb('challenge_id', '=', row.challengeId)]),
      ]),
    );
  await stale.execute();
  await db
    .insertInto('webauthn_challenges')
    .values({
      id: row.id,
      account_id: row.accountId,
      purpose: row.purpose,
      challenge_id: row.challengeId,
      challenge_hash: row.challengeHash,
      expires_at: row.expiresAt,
      used_at: null,
      created_at: row.now,
    })
    .execute();
}

/**
 * Uses up the unexpired, unused challenge `challengeHash` of exactly this scope with one
 * conditional UPDATE; false when there is none (unknown, another scope's, expired, or used:
 * a replayed response). Of parallel requests with one challenge, exactly one wins.
 */
export async function claimWebAuthnChallenge(db: Db, scope: WebAuthnChallengeScope, challengeHash: string, now: string): Promise<boolean> {
  let query = db
    .updateTable('webauthn_challenges')
    .set({ used_at: now })
    .where('challenge_hash', '=', challengeHash)
    .where('account_id', '=', scope.accountId)
    .where('purpose', '=', scope.purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now);
  query = scope.challengeId === null ? query.where('challenge_id', 'is', null) : query.where('challenge_id', '=', scope.challengeId);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
