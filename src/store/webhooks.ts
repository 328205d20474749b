import { reusableQuery } from './reusable-query.js';
import type { Db, WebhookDeliveryStatus, WebhookDeliveryTable, WebhookTable } from './schema.js';

export interface Webhook {
  id: string;
  superAppId: string;
  url: string;
  events: string[];
  secretSealed: string;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

function toWebhook(row: WebhookTable): Webhook {
  return {
    id: row.id,
    superAppId: row.super_app_id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    secretSealed: row.secret_sealed,
    createdAt: row.created_at,
  };
}

export async function insertWebhook(db: Db, row: WebhookTable): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export async function listWebhooksOfSuperApp(db: Db, superAppId: string): Promise<Webhook[]> {
  const rows = await db.selectFrom('webhooks').selectAll().where('super_app_id', '=', superAppId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toWebhook);
}

export async function findWebhook(db: Db, superAppId: string, id: string): Promise<Webhook | undefined> {
  const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).where('super_app_id', '=', superAppId).executeTakeFirst();
  return row && toWebhook(row);
}

export async function findWebhookById(db: Db, id: string): Promise<Webhook | undefined> {
  const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toWebhook(row);
}

/** True when it was there. Its deliveries go with it. */
export async function deleteWebhook(db: Db, superAppId: string, id: string): Promise<boolean> {
  await db
    .deleteFrom('webhook_deliveries')
    .where('webhook_id', '=', id)
    .where('webhook_id', 'in', db.selectFrom('webhooks').select('id').where('super_app_id', '=', superAppId))
    .execute();
  const result = await db.deleteFrom('webhooks').where('id', '=', id).where('super_app_id', '=', superAppId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Webhooks that receive an event: of the super apps whose admins may read it (the audit
 * log's rule, store/audit-events.ts): its own super app, its workspace's, and for
 * account-wide events and 2FA resets the super apps of the account's workspaces.
 */
export async function listWebhooksForEvent(
  db: Db,
  event: { type: string; accountId: string | null; superAppId: string | null; workspaceId: string | null },
): Promise<Webhook[]> {
  const accountWide = event.accountId !== null && (event.type === 'two_factor.reset' || (event.workspaceId === null && event.superAppId === null));
  if (event.superAppId === null && event.workspaceId === null && !accountWide) return [];
  // One compiled query for every event (it runs on every audited login): unused arms get null, which matches nothing.
  const { rows } = await webhooksForEventQuery(db, event.superAppId, event.workspaceId, accountWide ? event.accountId : null);
  return rows.map(toWebhook).filter((w) => w.events.includes('*') || w.events.includes(event.type));
}

const webhooksForEventQuery = reusableQuery((db: Db, superAppId: string | null, workspaceId: string | null, accountId: string | null) =>
  db
    .selectFrom('webhooks')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('super_app_id', '=', superAppId),
        eb('super_app_id', 'in', db.selectFrom('workspaces').select('super_app_id').where('id', '=', workspaceId)),
        eb(
          'super_app_id',
          'in',
          db
            .selectFrom('workspaces')
            .select('super_app_id')
            .where('id', 'in', db.selectFrom('memberships').select('workspace_id').where('account_id', '=', accountId)),
        ),
      ]),
    ),
);

export async function insertWebhookDelivery(db: Db, row: Omit<WebhookDeliveryTable, 'attempts'>): Promise<void> {
  await db.insertInto('webhook_deliveries').values(row).execute();
}

/** Records one attempt's outcome. */
export async function updateWebhookDelivery(
  db: Db,
  id: string,
  outcome: { status: WebhookDeliveryStatus; attempts?: number; lastResponseStatus: number | null; lastError: string | null; at: string },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      ...(outcome.attempts !== undefined && { attempts: outcome.attempts }),
      last_response_status: outcome.lastResponseStatus,
      last_error: outcome.lastError,
      last_attempt_at: outcome.at,
      ...(outcome.status === 'delivered' && { delivered_at: outcome.at }),
    })
    .where('id', '=', id)
    .execute();
}

/** The webhook's most recent deliveries, newest first. */
export async function listWebhookDeliveries(db: Db, webhookId: string, limit: number): Promise<WebhookDelivery[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    webhookId: r.webhook_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: Number(r.attempts),
    lastResponseStatus: r.last_response_status === null ? null : Number(r.last_response_status),
    lastError: r.last_error,
    createdAt: r.created_at,
    lastAttemptAt: r.last_attempt_at,
    deliveredAt: r.delivered_at,
  }));
}

/** Retries ended: the last attempt's outcome stays. */
export async function markWebhookDeliveryFailed(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('webhook_deliveries').set({ status: 'failed', last_attempt_at: at }).where('id', '=', id).execute();
}

/** Webhook ids and sealed secrets after `afterId`, in id order (secrets rotate). */
export async function listSealedWebhookSecrets(db: Db, afterId: string, limit: number): Promise<{ id: string; sealed: string }[]> {
  const rows = await db.selectFrom('webhooks').select(['id', 'secret_sealed']).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((row) => ({ id: row.id, sealed: row.secret_sealed }));
}

/** Replaces a webhook's sealed secret if it is still `previous` (compare-and-set). */
export async function resealWebhookSecret(db: Db, id: string, previous: string, next: string): Promise<boolean> {
  const result = await db.updateTable('webhooks').set({ secret_sealed: next }).where('id', '=', id).where('secret_sealed', '=', previous).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
