import { generateEmailCode, maskEmail } from '../domain/codes.js';
import { AppError } from '../domain/errors.js';
import { EMAIL_CODE_RESEND_SECONDS, EMAIL_CODE_TTL_SECONDS, EMAIL_CODES_PER_HOUR, EMAIL_CODES_PER_IP_PER_HOUR } from '../domain/limits.js';
import { addSeconds } from '../domain/ports.js';
import { type AccountRecord, claimEmailCodeSend, findAccountById, releaseEmailCodeSend } from '../store/accounts.js';
import { deleteEmailCode, listEmailCodeTimesSince, type EmailCodePurpose, replaceEmailCode } from '../store/email-codes.js';
import { queueMail } from './mail.js';
import type { EmailCodeUse } from './mail-templates.js';
import { recordAudit } from './audit.js';
import { type Deps, newId, type RequestContext } from './deps.js';
import { countEmailSendFromIp } from './throttle.js';

/** Where a code went and when another may be asked for (the 202 body). */
export interface EmailCodeSent {
  sentTo: string;
  resendAfterSeconds: number;
}

export interface EmailCodeRequest {
  purpose: EmailCodePurpose;
  challengeId: string | null;
  /** The workspace a login code is for (audit log); null for account-wide purposes. */
  workspaceId: string | null;
  /** What the mail says the code is for, e.g. "sign in to the workspace Acme Dev". */
  use: EmailCodeUse;
}

function secondsUntil(deps: Pick<Deps, 'clock'>, instant: Date): number {
  return Math.max(1, Math.ceil((instant.getTime() - deps.clock.now().getTime()) / 1000));
}

/**
 * Sends a fresh six-digit code to the account's email, killing the older one of the same
 * scope. Refuses with 429 `resend_too_soon` inside the cooldown (a compare-and-set on the
 * account, so concurrent requests send one mail) and `too_many_codes` past the hourly cap.
 * The mail is queued in the code's transaction and sent at once; when the mail server refuses
 * it, the mail is not retried, the code and the cooldown are undone and 503
 * `mail_delivery_failed` is thrown, so the user is never told a code was sent when it was not.
 */
export async function sendEmailCode(deps: Deps, account: AccountRecord, request: EmailCodeRequest, context: RequestContext | null): Promise<EmailCodeSent> {
  const now = deps.clock.now();
  const hourAgo = addSeconds(now, -3600).toISOString();
  const recent = await listEmailCodeTimesSince(deps.db, account.id, hourAgo);
  if (recent.length >= EMAIL_CODES_PER_HOUR) {
    // The cap frees up when the oldest code of the last hour ages out of it.
    const oldest = new Date(recent[recent.length - EMAIL_CODES_PER_HOUR]!);
    throw new AppError('too_many_codes', { retryAfterSeconds: secondsUntil(deps, addSeconds(oldest, 3600)) });
  }
  const previous = (await findAccountById(deps.db, account.id))?.emailCodeSentAt ?? null;
  const stamp = now.toISOString();
  if (!(await claimEmailCodeSend(deps.db, account.id, stamp, addSeconds(now, -EMAIL_CODE_RESEND_SECONDS).toISOString()))) {
    const last = previous ? new Date(previous) : now;
    throw new AppError('resend_too_soon', { retryAfterSeconds: secondsUntil(deps, addSeconds(last, EMAIL_CODE_RESEND_SECONDS)) });
  }
  // Counted only for sends that pass the cooldown, so repeated clicks do not use up the IP's allowance.
  await countEmailSendFromIp(deps, context, EMAIL_CODES_PER_IP_PER_HOUR).catch(async (error: unknown) => {
    await releaseEmailCodeSend(deps.db, account.id, stamp, previous);
    throw error;
  });
  const code = generateEmailCode(deps.random);
  const codeId = newId(deps);
  const expiresAt = addSeconds(now, EMAIL_CODE_TTL_SECONDS);
  const mailId = await deps.db.transaction().execute(async (tx) => {
    await replaceEmailCode(
      tx,
      { accountId: account.id, purpose: request.purpose, challengeId: request.challengeId },
      { id: codeId, codeHash: deps.secretBox.mac(code), expiresAt: expiresAt.toISOString(), now: stamp },
    );
    const template = { kind: 'email_code' as const, code, validMinutes: EMAIL_CODE_TTL_SECONDS / 60, purpose: request.use };
    return queueMail(deps, tx, account, template, { notAfter: expiresAt });
  });
  deps.metrics?.email('queued');
  try {
    await deps.outbox.deliverNow(mailId, { retry: false });
  } catch (error) {
    await deleteEmailCode(deps.db, codeId);
    await releaseEmailCodeSend(deps.db, account.id, stamp, previous);
    deps.logger.error({ err: (error as Error).message, purpose: request.purpose }, 'verification email could not be sent');
    throw new AppError('mail_delivery_failed');
  }
  await recordAudit(deps, deps.db, {
    type: 'email_code.sent',
    accountId: account.id,
    workspaceId: request.workspaceId,
    context,
    details: { purpose: request.purpose },
  });
  return { sentTo: maskEmail(account.email), resendAfterSeconds: EMAIL_CODE_RESEND_SECONDS };
}
