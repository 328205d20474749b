import { sha256Hex } from '../../adapters/tokens.js';
import { normalizeRecoveryCode } from '../../domain/codes.js';
import { consumeRecoveryCode } from '../../store/recovery-codes.js';
import { type SecondFactorMethod, WRONG } from './method.js';

/** Hash under which a recovery code is stored; null for a malformed code. */
export function recoveryCodeHash(code: string): string | null {
  const normalized = normalizeRecoveryCode(code);
  return normalized === null ? null : sha256Hex(normalized);
}

/** One of the account's unused recovery codes; each works once. */
export const recoveryCodeMethod: SecondFactorMethod<{ method: 'recovery_code'; code: string }> = {
  async check(deps, tx, account, proof) {
    const hash = recoveryCodeHash(proof.code);
    return hash !== null && (await consumeRecoveryCode(tx, account.id, hash, deps.clock.now().toISOString())) ? { accepted: true } : WRONG;
  },
};
