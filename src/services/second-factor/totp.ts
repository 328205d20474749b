import { estimateTotpClockDriftSeconds, matchTotpStep } from '../../domain/totp.js';
import { type AccountRecord, claimTotpStep, findAccountById } from '../../store/accounts.js';
import type { Db } from '../../store/schema.js';
import { findTotpFactor } from '../../store/totp-factors.js';
import type { Deps } from '../deps.js';
import { type Check, type SecondFactorMethod, WRONG } from './method.js';

/** Opens the account's active authenticator key, or null when it has none. */
export async function findActiveTotpKey(deps: Pick<Deps, 'secretBox'>, db: Db, accountId: string): Promise<Uint8Array | null> {
  const factor = await findTotpFactor(db, accountId);
  if (!factor || factor.status !== 'active') return null;
  return deps.secretBox.open(factor.secretSealed, accountId);
}

/**
 * Checks `code` against `key` and claims its time step for the account (RFC 6238 §5.2: a
 * step is accepted once). Wrong: with the clock-drift hint when the code fits a phone clock
 * minutes off, or `codeAlreadyUsed` when exactly the step used last was sent again.
 */
export async function checkTotpCode(deps: Deps, tx: Db, account: AccountRecord, key: Uint8Array, code: string): Promise<Check> {
  const now = deps.clock.now();
  const step = matchTotpStep(key, code, now);
  if (step === null) {
    const drift = estimateTotpClockDriftSeconds(key, code, now);
    return drift === null ? WRONG : { accepted: false, hint: { clockDriftSeconds: drift } };
  }
  if (await claimTotpStep(tx, account.id, step)) return { accepted: true };
  // Refused: a replay only when this very step was the last one used; an older unused step is just too old.
  return (await findAccountById(tx, account.id))?.totpLastStep === step ? { accepted: false, hint: { codeAlreadyUsed: true } } : WRONG;
}

/** A code from the account's active authenticator app. */
export const totpMethod: SecondFactorMethod<{ method: 'totp'; code: string }> = {
  async check(deps, tx, account, proof) {
    const key = await findActiveTotpKey(deps, tx, account.id);
    return key ? checkTotpCode(deps, tx, account, key, proof.code) : WRONG;
  },
};
