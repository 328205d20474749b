import { listSealedTotpSecrets, resealTotpFactor } from '../store/totp-factors.js';
import type { Deps } from './deps.js';

/**
 * Re-seals every TOTP secret that is not under the current key. Each row is rewritten with
 * a compare-and-set on its old sealed text, so it can run while servers keep serving (they
 * read with old and new keys until every row is done). Returns counts.
 */
export async function rotateTotpSecrets(deps: Deps, batchSize = 500) {
  let rotated = 0;
  let scanned = 0;
  let after = '';
  for (;;) {
    const rows = await listSealedTotpSecrets(deps.db, after, batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      scanned += 1;
      if (deps.secretBox.isCurrent(row.secretSealed)) continue;
      const plain = deps.secretBox.open(row.secretSealed, row.accountId);
      if (await resealTotpFactor(deps.db, row.accountId, row.secretSealed, deps.secretBox.seal(plain, row.accountId))) rotated += 1;
    }
    after = rows[rows.length - 1]!.accountId;
  }
  return { scanned, rotated };
}
