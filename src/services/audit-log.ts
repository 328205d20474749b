import { type AuditEvent, listAuditEventsOfAccount, listAuditEventsOfSuperApp } from '../store/audit-events.js';
import type { AuditEventType } from './audit.js';
import type { Deps } from './deps.js';

/** How many events one page of the audit log holds at most. */
export const AUDIT_PAGE_LIMIT = 200;

function toAuditView(event: AuditEvent) {
  // Only recordAudit writes the table, always with an AuditEventType.
  return { ...event, type: event.type as AuditEventType, details: JSON.parse(event.details) as Record<string, unknown> };
}

/** The account's own 2FA events, newest first. */
export async function listAccountAuditEvents(deps: Deps, accountId: string, limit = AUDIT_PAGE_LIMIT) {
  return { events: (await listAuditEventsOfAccount(deps.db, accountId, limit)).map(toAuditView) };
}

/** Events of the super app (policy) and of its workspaces' accounts; the caller checks admin rights. */
export async function listSuperAppAuditEvents(deps: Deps, superAppId: string, limit = AUDIT_PAGE_LIMIT) {
  return { events: (await listAuditEventsOfSuperApp(deps.db, superAppId, limit)).map(toAuditView) };
}
