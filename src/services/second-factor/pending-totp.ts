import { AppError } from '../../domain/errors.js';
import { activatePendingTotpFactor, findTotpFactor } from '../../store/totp-factors.js';
import type { SecondFactorMethod } from './method.js';
import { checkTotpCode } from './totp.js';

/**
 * The first code of a pending authenticator key (enrolment at login, activation in
 * Settings): accepted, the key becomes the account's active factor. Throws 409
 * `two_factor_already_active`, 404 `no_pending_activation` (none, or one made for another
 * challenge) or 410 `activation_expired`; those are not wrong codes and cost no attempt.
 */
export const pendingTotpMethod: SecondFactorMethod<{ method: 'totp_enrollment'; code: string; challengeId: string | null }> = {
  async check(deps, tx, account, proof) {
    const factor = await findTotpFactor(tx, account.id);
    if (factor?.status === 'active') throw new AppError('two_factor_already_active');
    if (!factor || factor.challengeId !== proof.challengeId) throw new AppError('no_pending_activation');
    const now = deps.clock.now().toISOString();
    if (factor.pendingExpiresAt === null || factor.pendingExpiresAt <= now) throw new AppError('activation_expired');
    const check = await checkTotpCode(deps, tx, account, deps.secretBox.open(factor.secretSealed, account.id), proof.code);
    if (!check.accepted) return check;
    if (!(await activatePendingTotpFactor(tx, account.id, factor.secretSealed, now))) throw new AppError('no_pending_activation');
    return check;
  },
};
