import { AppError } from '../domain/errors.js';
import { clearSecondFactorFailures, findAccountById } from '../store/accounts.js';
import { deleteRecoveryCodes } from '../store/recovery-codes.js';
import { deleteDevicesOfAccount } from '../store/devices.js';
import { deleteSessionsOfAccount } from '../store/sessions.js';
import { isSuperAppAdmin, listSuperAppsOfAccount, type SuperApp } from '../store/tenants.js';
import { deleteTotpFactor } from '../store/totp-factors.js';
import { deleteWebAuthnCredentialsOfAccount } from '../store/webauthn-credentials.js';
import { recordAudit } from './audit.js';
import type { Deps, RequestContext } from './deps.js';
import { transactionWithMail } from './mail.js';

/** Who resets: a super app admin (named, with the super app they act for) or the operator CLI (`admin` null). */
export interface ResetBy {
  admin: { accountId: string; name: string; superApp: SuperApp } | null;
  context: RequestContext | null;
}

/**
 * 403 `reset_forbidden_by_super_app` (with `superApps`) unless the admin administers every
 * super app of the member that forbids deactivation: a reset turns the member's 2FA off
 * account-wide, so one tenant's admin must not undo another tenant's rule.
 */
export async function assertResetAllowedAcrossTenants(deps: Deps, memberAccountId: string, adminAccountId: string): Promise<void> {
  const forbidding = (await listSuperAppsOfAccount(deps.db, memberAccountId)).filter((row) => !row.policy.allowDeactivation);
  const others: SuperApp[] = [];
  for (const row of forbidding) {
    if (!(await isSuperAppAdmin(deps.db, row.id, adminAccountId))) others.push({ id: row.id, name: row.name });
  }
  if (others.length > 0) {
    throw new AppError(
      'reset_forbidden_by_super_app',
      { superApps: others },
      `${others.map((s) => s.name).join(', ')} does not allow turning off this member's two-factor authentication`,
    );
  }
}

/**
 * Removes the account's 2FA for someone who lost their authenticator: factor, passkeys, recovery
 * codes, lock and sessions go in one transaction; the account is emailed who reset it and
 * when. Returns false (and changes, mails and records nothing) when there was nothing to
 * reset: no active authenticator, no passkey and no lock.
 */
export async function resetTwoFactor(deps: Deps, accountId: string, by: ResetBy): Promise<boolean> {
  const account = await findAccountById(deps.db, accountId);
  if (!account) throw new AppError('not_found');
  const nowIso = deps.clock.now().toISOString();
  return transactionWithMail(deps, async (tx, mail) => {
    // The delete is the claim: of two concurrent resets, one removes the factor.
    const hadAuthenticator = await deleteTotpFactor(tx, account.id, 'active');
    const passkeysRemoved = await deleteWebAuthnCredentialsOfAccount(tx, account.id);
    const hadFactor = hadAuthenticator || passkeysRemoved > 0;
    const locked = ((await findAccountById(tx, account.id))?.secondFactorLockedUntil ?? '') > nowIso;
    await clearSecondFactorFailures(tx, account.id);
    if (!hadFactor && !locked) return false;
    await deleteTotpFactor(tx, account.id);
    await deleteRecoveryCodes(tx, account.id);
    await deleteSessionsOfAccount(tx, account.id);
    await deleteDevicesOfAccount(tx, account.id);
    await recordAudit(deps, tx, {
      type: 'two_factor.reset',
      accountId: account.id,
      actorAccountId: by.admin?.accountId ?? null,
      superAppId: by.admin?.superApp.id ?? null,
      context: by.context,
      details: { by: by.admin ? 'super_app_admin' : 'operator', hadAuthenticator, passkeysRemoved },
    });
    await mail(account, { kind: 'reset', by: by.admin && { adminName: by.admin.name, superApp: by.admin.superApp.name } });
    return true;
  });
}
