import { t } from './i18n';
import { METHOD_LABELS } from './labels';
import type { AuditEvent, AuditEventType, ChallengeMethod } from './types';

const EVENT_TYPES: readonly AuditEventType[] = [
  'two_factor.activated',
  'two_factor.deactivated',
  'two_factor.reset',
  'second_factor.succeeded',
  'second_factor.skipped',
  'second_factor.failed',
  'second_factor.replayed',
  'second_factor.locked',
  'recovery_code.used',
  'recovery_codes.regenerated',
  'email_code.sent',
  'policy.changed',
  'passkey.added',
  'passkey.renamed',
  'passkey.removed',
  'totp.removed',
  'passkey.sign_counter_regressed',
  'password.changed',
  'password_reset.requested',
  'password.reset',
  'webhook.created',
  'webhook.deleted',
];

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
