import { listAuditEventsOfAccount, listAuditEventsOfSuperApp } from '../store/audit-events.js';
import type { AuditEventRow } from '../store/schema.js';
import type { AuditEventType } from './audit.js';
import type { Deps } from './deps.js';

/** How many events one page of the audit log holds at most. */
export const AUDIT_PAGE_LIMIT = 200;

function toAuditView(row: AuditEventRow) {
  return {
    id: row.id,
    // Only recordAudit writes the table, always with an AuditEventType.
    type: row.type as AuditEventType,
    accountId: row.account_id,
    actorAccountId: row.actor_account_id,
    superAppId: row.super_app_id,
    workspaceId: row.workspace_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: JSON.parse(row.details) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

/** The account's own 2FA events, newest first. */
export async function listAccountAuditEvents(deps: Deps, accountId: string, limit = AUDIT_PAGE_LIMIT) {
  return { events: (await listAuditEventsOfAccount(deps.db, accountId, limit)).map(toAuditView) };
}

/** Events of the super app (policy) and of its workspaces' accounts; the caller checks admin rights. */
export async function listSuperAppAuditEvents(deps: Deps, superAppId: string, limit = AUDIT_PAGE_LIMIT) {
  return { events: (await listAuditEventsOfSuperApp(deps.db, superAppId, limit)).map(toAuditView) };
}
