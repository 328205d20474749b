import { METHOD_LABELS } from './labels';
import type { AuditEvent, AuditEventType, ChallengeMethod } from './types';

/** What each kind of security event says, in words. */
export const ACTIVITY_LABELS: Record<AuditEventType, string> = {
  'two_factor.activated': 'Two-factor authentication turned on',
  'two_factor.deactivated': 'Two-factor authentication turned off',
  'two_factor.reset': 'Two-factor authentication reset by an administrator',
  'second_factor.succeeded': 'Signed in with a second factor',
  'second_factor.skipped': 'Signed in on a remembered browser (second factor skipped)',
  'second_factor.failed': 'Wrong verification code',
  'second_factor.replayed': 'A verification code was used again',
  'second_factor.locked': 'Verification locked after too many wrong codes',
  'recovery_code.used': 'Signed in with a recovery code',
  'recovery_codes.regenerated': 'New recovery codes created',
  'email_code.sent': 'Verification code emailed',
  'policy.changed': 'Two-factor policy changed',
  'passkey.added': 'Passkey or security key added',
  'passkey.renamed': 'Passkey or security key renamed',
  'passkey.removed': 'Passkey or security key removed',
  'totp.removed': 'Authenticator app removed',
  'passkey.sign_counter_regressed': 'A passkey reported a suspicious sign counter',
  'password.changed': 'Password changed',
  'password_reset.requested': 'Password reset link requested',
  'password.reset': 'Password reset with an emailed link',
  'webhook.created': 'Webhook added',
  'webhook.deleted': 'Webhook removed',
};

const isMethod = (value: unknown): value is ChallengeMethod => typeof value === 'string' && value in METHOD_LABELS;

/** The event in words: its label, and the method or purpose where the event names one. */
export function describeActivity(event: AuditEvent): string {
  const label = ACTIVITY_LABELS[event.type] ?? event.type;
  const { method, purpose } = event.details;
  if ((event.type === 'second_factor.succeeded' || event.type === 'second_factor.failed') && isMethod(method)) {
    const what = purpose === 'step_up' ? 'Verified' : purpose === 'switch' ? 'Switched workspace' : undefined;
    return `${what ?? label} (${METHOD_LABELS[method]})`;
  }
  return label;
}

/** Events worth an on-screen notice when they happened lately: someone may need to act on them. */
export const NOTABLE_TYPES: readonly AuditEventType[] = [
  'recovery_code.used',
  'second_factor.locked',
  'second_factor.replayed',
  'two_factor.reset',
  'two_factor.deactivated',
  'password.reset',
  'password.changed',
  'passkey.removed',
];
