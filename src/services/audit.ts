import { insertAuditEvent } from '../store/audit-events.js';
import type { Db } from '../store/schema.js';
import { type Deps, newId, nowIso, type RequestContext } from './deps.js';
import { queueWebhookDeliveries } from './webhooks.js';

/** The 2FA events the audit log records. */
export type AuditEventType =
  | 'two_factor.activated'
  | 'two_factor.deactivated'
  | 'two_factor.reset'
  | 'second_factor.succeeded'
  /** A login skipped the second factor on a remembered browser ("don't ask again"). */
  | 'second_factor.skipped'
  | 'second_factor.failed'
  | 'second_factor.replayed'
  | 'second_factor.locked'
  | 'recovery_code.used'
  | 'recovery_codes.regenerated'
  | 'email_code.sent'
  | 'policy.changed'
  | 'passkey.added'
  | 'passkey.renamed'
  | 'passkey.removed'
  | 'totp.removed'
  | 'passkey.sign_counter_regressed'
  | 'password.changed'
  | 'password_reset.requested'
  | 'password.reset'
  | 'webhook.created'
  | 'webhook.deleted'
  /** An email (a security notice, a code, a reset link) was given up after its retries, or because what it carried expired. */
  | 'mail.undeliverable';

export interface AuditInput {
  type: AuditEventType;
  accountId?: string | null;
  actorAccountId?: string | null;
  superAppId?: string | null;
  workspaceId?: string | null;
  context?: RequestContext | null;
  /** Facts only (method, counts); never a code, secret or password. */
  details?: Record<string, unknown>;
}

/**
 * Appends an event to the audit log, inside `db` (pass the transaction when there is one),
 * and queues it for the webhooks subscribed to it (services/webhooks.ts), in the same transaction.
 */
export async function recordAudit(deps: Pick<Deps, 'clock' | 'random' | 'secretBox'>, db: Db, input: AuditInput): Promise<void> {
  const event = {
    id: newId(deps),
    type: input.type,
    accountId: input.accountId ?? null,
    actorAccountId: input.actorAccountId === undefined ? (input.accountId ?? null) : input.actorAccountId,
    superAppId: input.superAppId ?? null,
    workspaceId: input.workspaceId ?? null,
    ip: input.context?.ip ?? null,
    userAgent: input.context?.userAgent?.slice(0, 512) ?? null,
    createdAt: nowIso(deps),
  };
  const details = input.details ?? {};
  await insertAuditEvent(db, { ...event, details: JSON.stringify(details) });
  await queueWebhookDeliveries(deps, db, { ...event, details });
}
