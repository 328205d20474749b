import { t } from './i18n';
import { METHOD_LABELS } from './labels';
import type { AuditEvent, AuditEventType, ChallengeMethod } from './types';

/** Every event type the API may answer; `satisfies` makes tsc fail when the contract gains one that is not listed. */
const EVENT_TYPES = Object.keys({
  'two_factor.activated': true,
  'two_factor.deactivated': true,
  'two_factor.reset': true,
  'second_factor.succeeded': true,
  'second_factor.skipped': true,
  'second_factor.failed': true,
  'second_factor.replayed': true,
  'second_factor.locked': true,
  'recovery_code.used': true,
  'recovery_codes.regenerated': true,
  'email_code.sent': true,
  'policy.changed': true,
  'passkey.added': true,
  'passkey.renamed': true,
  'passkey.removed': true,
  'totp.removed': true,
  'passkey.sign_counter_regressed': true,
  'password.changed': true,
  'password_reset.requested': true,
  'password.reset': true,
  'webhook.created': true,
  'webhook.deleted': true,
  'mail.undeliverable': true,
} satisfies Record<AuditEventType, true>) as AuditEventType[];

/** What each kind of security event says, in words of the current language (catalogue `activity`, the type's dot as `_`). */
export const ACTIVITY_LABELS = Object.defineProperties(
  {},
  Object.fromEntries(EVENT_TYPES.map((type) => [type, { get: () => t(`activity.${type.replace('.', '_')}`), enumerable: true }])),
) as Readonly<Record<AuditEventType, string>>;

const isMethod = (value: unknown): value is ChallengeMethod => typeof value === 'string' && value in METHOD_LABELS;

/** The event in words: its label, and the method or purpose where the event names one. */
export function describeActivity(event: AuditEvent): string {
  const label = ACTIVITY_LABELS[event.type] ?? event.type;
  const { method, purpose } = event.details;
  if ((event.type === 'second_factor.succeeded' || event.type === 'second_factor.failed') && isMethod(method)) {
    const what = purpose === 'step_up' ? t('activity.verified') : purpose === 'switch' ? t('activity.switched_workspace') : undefined;
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
