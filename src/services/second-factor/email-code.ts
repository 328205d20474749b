import { EMAIL_CODE_MAX_FAILURES } from '../../domain/limits.js';
import { consumeEmailCode, findLiveEmailCode, recordEmailCodeFailure } from '../../store/email-codes.js';
import { type SecondFactorMethod, WRONG } from './method.js';
import type { EmailScope } from './proof.js';

/** A code emailed for `scope` (a login challenge, or deactivation): the newest live one, compared in constant time. */
export const emailCodeMethod: SecondFactorMethod<{ method: 'email'; code: string; scope: EmailScope }> = {
  async check(deps, tx, account, proof) {
    const now = deps.clock.now().toISOString();
    const row = await findLiveEmailCode(tx, { accountId: account.id, ...proof.scope });
    if (!row || row.expiresAt <= now) return WRONG;
    if (!deps.secretBox.macMatches(proof.code, row.codeHash)) {
      await recordEmailCodeFailure(tx, row.id, EMAIL_CODE_MAX_FAILURES);
      return WRONG;
    }
    return (await consumeEmailCode(tx, row.id, now)) ? { accepted: true } : WRONG;
  },
};
