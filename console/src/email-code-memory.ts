import type { EmailCodeSent } from './types';

/** How long an emailed code works (SPEC: email codes are valid 10 minutes). */
export const EMAIL_CODE_VALID_SECONDS = 10 * 60;

interface SentCode {
  sentTo: string;
  /** Date.now() when another code may be asked for. */
  resendAt: number;
  /** Date.now() when the code stops working. */
  validUntil: number;
}

// Per page load only: what was sent for each scope (a challenge id, or "deactivation").
const sentCodes = new Map<string, SentCode>();

/** Notes that a code for `scope` was just sent, so a form shown again for it can say so instead of offering "Send code". */
export function rememberEmailCodeSent(scope: string, sent: EmailCodeSent): void {
  const now = Date.now();
  sentCodes.set(scope, { sentTo: sent.sentTo, resendAt: now + sent.resendAfterSeconds * 1000, validUntil: now + EMAIL_CODE_VALID_SECONDS * 1000 });
}

/** The code sent for `scope` from this page while it still works, with the seconds until another may be sent; undefined if none. */
export function findEmailCodeSent(scope: string): { sentTo: string; resendAfterSeconds: number } | undefined {
  const sent = sentCodes.get(scope);
  const now = Date.now();
  if (!sent || sent.validUntil <= now) return undefined;
  return { sentTo: sent.sentTo, resendAfterSeconds: Math.max(0, Math.ceil((sent.resendAt - now) / 1000)) };
}
