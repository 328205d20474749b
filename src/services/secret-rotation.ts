import { listSealedOutboxPayloads, resealOutboxPayload } from '../store/outbox.js';
import type { Db } from '../store/schema.js';
import { listSealedTotpSecrets, resealTotpFactor } from '../store/totp-factors.js';
import { listSealedWebhookSecrets, resealWebhookSecret } from '../store/webhooks.js';
import type { Deps } from './deps.js';
import { outboxSealContext } from './outbox.js';
import { webhookSealContext } from './webhooks.js';

/** One kind of sealed value: how to page through it, the secret box context of a row, and its compare-and-set. */
interface SealedColumn {
  list(db: Db, afterId: string, limit: number): Promise<{ id: string; sealed: string }[]>;
  context(id: string): string;
  reseal(db: Db, id: string, previous: string, next: string): Promise<boolean>;
}

const TOTP_SECRETS: SealedColumn = {
  list: async (db, after, limit) => (await listSealedTotpSecrets(db, after, limit)).map((row) => ({ id: row.accountId, sealed: row.secretSealed })),
  context: (accountId) => accountId,
  reseal: resealTotpFactor,
};
const WEBHOOK_SECRETS: SealedColumn = { list: listSealedWebhookSecrets, context: webhookSealContext, reseal: resealWebhookSecret };
const OUTBOX_PAYLOADS: SealedColumn = { list: listSealedOutboxPayloads, context: outboxSealContext, reseal: resealOutboxPayload };

/** Re-seals every value of `column` not under the current key, a page at a time; returns counts. */
async function rotateColumn(deps: Deps, column: SealedColumn, batchSize: number): Promise<{ scanned: number; rotated: number }> {
  let rotated = 0;
  let scanned = 0;
  let after = '';
  for (;;) {
    const rows = await column.list(deps.db, after, batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      scanned += 1;
      if (deps.secretBox.isCurrent(row.sealed)) continue;
      const plain = deps.secretBox.open(row.sealed, column.context(row.id));
      if (await column.reseal(deps.db, row.id, row.sealed, deps.secretBox.seal(plain, column.context(row.id)))) rotated += 1;
    }
    after = rows[rows.length - 1]!.id;
  }
  return { scanned, rotated };
}

/**
 * Re-seals every TOTP secret that is not under the current key. Each row is rewritten with
 * a compare-and-set on its old sealed text, so it can run while servers keep serving (they
 * read with old and new keys until every row is done). Returns counts.
 */
export async function rotateTotpSecrets(deps: Deps, batchSize = 500) {
  return rotateColumn(deps, TOTP_SECRETS, batchSize);
}

/**
 * `mpp-2fa secrets rotate`: every sealed value under the current key — TOTP secrets (`scanned`,
 * `rotated`), webhook signing secrets, and the bodies of mail and webhook calls still in the
 * outbox — so that afterwards the old key can be dropped from SECRET_KEY_PREVIOUS.
 */
export async function rotateSecrets(deps: Deps, batchSize = 500) {
  const totp = await rotateTotpSecrets(deps, batchSize);
  const webhooks = await rotateColumn(deps, WEBHOOK_SECRETS, batchSize);
  const outbox = await rotateColumn(deps, OUTBOX_PAYLOADS, batchSize);
  return {
    ...totp,
    webhookSecretsScanned: webhooks.scanned,
    webhookSecretsRotated: webhooks.rotated,
    outboxScanned: outbox.scanned,
    outboxRotated: outbox.rotated,
  };
}
