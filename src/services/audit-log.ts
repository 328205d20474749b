import { AppError } from '../domain/errors.js';
import { type AuditCursor, type AuditEvent, type AuditFilter, listAuditEventsNewestFirst, listAuditEventsPage } from '../store/audit-events.js';
import { findSuperAppById } from '../store/tenants.js';
import type { AuditEventType } from './audit.js';
import type { Deps } from './deps.js';

/** How many events one page of the audit log holds at most. */
export const AUDIT_PAGE_LIMIT = 200;

function toAuditView(event: AuditEvent) {
  // Only recordAudit writes the table, always with an AuditEventType.
  return { ...event, type: event.type as AuditEventType, details: JSON.parse(event.details) as Record<string, unknown> };
}

/** One page of an activity view: where it starts (the `nextCursor` of the previous page) and how many events at most. */
export interface AuditPage {
  cursor?: string | undefined;
  /** 1 to `AUDIT_PAGE_LIMIT` (a query string's digits); left out: `AUDIT_PAGE_LIMIT`. */
  limit?: number | string | undefined;
}

/** The filters of a super app's activity view and export (all optional). */
export interface SuperAppAuditFilter {
  type?: AuditEventType | undefined;
  accountId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** The opaque cursor of the page after `event`: base64url of its (created_at, id). */
function cursorAfter(event: AuditEvent): string {
  return Buffer.from(JSON.stringify([event.createdAt, event.id])).toString('base64url');
}

/** 400 `invalid_request` for a cursor this server did not give out. */
function parseCursor(cursor: string | undefined): AuditCursor | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string' && part.length <= 64)) {
      const [createdAt, id] = value as [string, string];
      if (!Number.isNaN(Date.parse(createdAt))) return { createdAt, id };
    }
  } catch {
    /* not base64url JSON: refused below */
  }
  throw new AppError('invalid_request', {}, 'Not a cursor this server gave out');
}

/** 400 `invalid_request` unless `since` is before `until` (when both are given); the instants as ISO. */
function checkedRange(filter: SuperAppAuditFilter): Pick<AuditFilter, 'since' | 'until'> {
  const since = filter.since === undefined ? undefined : new Date(filter.since).toISOString();
  const until = filter.until === undefined ? undefined : new Date(filter.until).toISOString();
  if (since !== undefined && until !== undefined && since >= until) throw new AppError('invalid_request', {}, '`since` must be before `until`');
  return { since, until };
}

async function pageOf(deps: Deps, filter: AuditFilter, page: AuditPage) {
  const limit = page.limit === undefined ? AUDIT_PAGE_LIMIT : Number(page.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE_LIMIT) throw new AppError('invalid_request', {}, `limit must be 1 to ${AUDIT_PAGE_LIMIT}`);
  const cursor = parseCursor(page.cursor);
  // One more than asked tells whether a next page exists.
  const events = await listAuditEventsNewestFirst(deps.db, filter, cursor, limit + 1);
  const shown = events.slice(0, limit);
  return { events: shown.map(toAuditView), nextCursor: events.length > limit ? cursorAfter(shown[shown.length - 1]!) : null };
}

/** The account's own events ("Security activity"), newest first, a page at a time. */
export async function listAccountAuditEvents(deps: Deps, accountId: string, page: AuditPage = {}) {
  return pageOf(deps, { accountId }, page);
}

/** Events of the super app (policy) and of its workspaces' accounts, filtered, a page at a time; the caller checks admin rights. */
export async function listSuperAppAuditEvents(deps: Deps, superAppId: string, page: AuditPage = {}, filter: SuperAppAuditFilter = {}) {
  return pageOf(deps, { superAppId, accountId: filter.accountId, types: filter.type && [filter.type], ...checkedRange(filter) }, page);
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
 * `mpp-2fa audit export` and `GET …/audit-events/export`: every audit event (of one super
 * app, of a type, about an account, in a date range, as asked), oldest first, as JSON lines or CSV with a header, yielded a page at a time so any size streams
 * in constant memory. Each JSON line is the event as `GET …/audit-events` shows it.
 */
export async function* exportAuditEvents(
  deps: Deps,
  filter: { superAppId?: string | undefined } & SuperAppAuditFilter,
  format: 'jsonl' | 'csv',
): AsyncGenerator<string> {
  if (filter.superAppId !== undefined && !(await findSuperAppById(deps.db, filter.superAppId))) {
    throw new AppError('not_found', {}, `No super app with id ${filter.superAppId}`);
  }
  const storeFilter: AuditFilter = {
    superAppId: filter.superAppId,
    accountId: filter.accountId,
    types: filter.type && [filter.type],
    ...checkedRange(filter),
  };
  if (format === 'csv') yield CSV_COLUMNS.join(',') + '\n';
  let cursor: AuditCursor | null = null;
  for (;;) {
    const page = await listAuditEventsPage(deps.db, storeFilter, cursor, EXPORT_PAGE_SIZE);
    if (page.length === 0) return;
    yield page
      .map((event) => (format === 'jsonl' ? JSON.stringify(toAuditView(event)) : CSV_COLUMNS.map((column) => csvField(event[column])).join(',')) + '\n')
      .join('');
    const last = page[page.length - 1]!;
    cursor = { createdAt: last.createdAt, id: last.id };
    if (page.length < EXPORT_PAGE_SIZE) return;
  }
}
