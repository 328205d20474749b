import { AppError } from '../domain/errors.js';
import { type AuditCursor, type AuditEvent, listAuditEventsOfAccount, listAuditEventsOfSuperApp, listAuditEventsPage } from '../store/audit-events.js';
import { findSuperAppById } from '../store/tenants.js';
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

/** Events per page of an export: memory stays at one page whatever the table holds. */
const EXPORT_PAGE_SIZE = 500;
const CSV_COLUMNS = ['id', 'type', 'createdAt', 'accountId', 'actorAccountId', 'superAppId', 'workspaceId', 'ip', 'userAgent', 'details'] as const;

/**
 * One CSV field: quoted when needed, and a text a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@`, tab, carriage return first: a user agent is the client's own text)
 * is prefixed with `'` (OWASP "CSV injection").
 */
function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * `mpp-2fa audit export`: every audit event (of one super app, since an instant), oldest
 * first, as JSON lines or CSV with a header, yielded a page at a time so any size streams
 * in constant memory. Each JSON line is the event as `GET …/audit-events` shows it.
 */
export async function* exportAuditEvents(
  deps: Deps,
  filter: { superAppId?: string | undefined; since?: string | undefined },
  format: 'jsonl' | 'csv',
): AsyncGenerator<string> {
  if (filter.superAppId !== undefined && !(await findSuperAppById(deps.db, filter.superAppId))) {
    throw new AppError('not_found', {}, `No super app with id ${filter.superAppId}`);
  }
  if (format === 'csv') yield CSV_COLUMNS.join(',') + '\n';
  let cursor: AuditCursor | null = null;
  for (;;) {
    const page = await listAuditEventsPage(deps.db, filter, cursor, EXPORT_PAGE_SIZE);
    if (page.length === 0) return;
    yield page
      .map((event) => (format === 'jsonl' ? JSON.stringify(toAuditView(event)) : CSV_COLUMNS.map((column) => csvField(event[column])).join(',')) + '\n')
      .join('');
    const last = page[page.length - 1]!;
    cursor = { createdAt: last.createdAt, id: last.id };
    if (page.length < EXPORT_PAGE_SIZE) return;
  }
}
