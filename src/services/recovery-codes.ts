import { generateRecoveryCodes } from '../domain/codes.js';
import { replaceRecoveryCodes } from '../store/recovery-codes.js';
import type { Db } from '../store/schema.js';
import { type Deps, newId, nowIso } from './deps.js';
import { recoveryCodeHash } from './second-factor/recovery-code.js';

/** Creates a fresh set of recovery codes (the old set dies) inside `db`; returns the plain codes, shown once. */
export async function issueRecoveryCodes(deps: Deps, db: Db, accountId: string): Promise<string[]> {
  const codes = generateRecoveryCodes(deps.random);
  const rows = codes.map((code) => ({ id: newId(deps), codeHash: recoveryCodeHash(code)! }));
  await replaceRecoveryCodes(db, accountId, rows, nowIso(deps));
  return codes;
}
