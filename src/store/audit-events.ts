import type { ExpressionBuilder } from 'kysely';
import { reusableQuery } from './reusable-query.js';
import type { AuditEventRow, Database, Db } from './schema.js';

/** One audit event; `details` is a JSON object of facts (never a code, secret or password). */
export interface AuditEvent {
  id: string;
  type: string;
  accountId: string | null;
  actorAccountId: string | null;
  superAppId: string | null;
  workspaceId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: string;
  createdAt: string;
}

function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    type: row.type,
    accountId: row.account_id,
    actorAccountId: row.actor_account_id,
    superAppId: row.super_app_id,
    workspaceId: row.workspace_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: row.details,
    createdAt: row.created_at,
  };
}

/** Appends one event; events are never updated, and deleted only once older than the retention (store/retention.ts). */
export async function insertAuditEvent(db: Db, event: AuditEvent): Promise<void> {
  await insertAuditEventQuery(
    db,
    event.id,
    event.type,
    event.accountId,
    event.actorAccountId,
    event.superAppId,
    event.workspaceId,
    event.ip,
    event.userAgent,
    event.details,
    event.createdAt,
  );
}

const insertAuditEventQuery = reusableQuery(
  (
    db: Db,
    id: string,
    type: string,
    accountId: string | null,
    actorAccountId: string | null,
    superAppId: string | null,
    workspaceId: string | null,
    ip: string | null,
    userAgent: string | null,
    details: string,
    createdAt: string,
  ) =>
    db.insertInto('audit_events').values({
      id,
      type,
      account_id: accountId,
      actor_account_id: actorAccountId,
      super_app_id: superAppId,
      workspace_id: workspaceId,
      ip,
      user_agent: userAgent,
      details,
      created_at: createdAt,
    }),
);

/** Which events a listing or export looks at: one account's own, one super app's (what its admins may read), and narrower filters. */
export interface AuditFilter {
  /** Only events about this account (its own log, or a member in a super app's log). */
  accountId?: string | undefined;
  /** Only what this super app's admins may read (see `listAuditEventsOfSuperApp`). */
  superAppId?: string | undefined;
  /** Only these types. */
  types?: readonly string[] | undefined;
  /** Created at or after this instant (ISO). */
  since?: string | undefined;
  /** Created before this instant (ISO). */
  until?: string | undefined;
}

function filtered(db: Db, filter: AuditFilter) {
  let query = db.selectFrom('audit_events').selectAll();
  if (filter.superAppId !== undefined) {
    const superAppId = filter.superAppId;
    query = query.where((eb) => ofSuperApp(db, eb, superAppId));
  }
  if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
  if (filter.types !== undefined && filter.types.length > 0) query = query.where('type', 'in', [...filter.types]);
  if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
  return query;
}

/**
 * Up to `limit` events newest first, before `cursor` (the last event of the previous page)
 * when given: one page of an activity view. Keyset paging on (created_at, id).
 */
export async function listAuditEventsNewestFirst(db: Db, filter: AuditFilter, cursor: AuditCursor | null, limit: number): Promise<AuditEvent[]> {
  let query = filtered(db, filter);
  if (cursor) {
    query = query.where((eb) => eb.or([eb('created_at', '<', cursor.createdAt), eb.and([eb('created_at', '=', cursor.createdAt), eb('id', '<', cursor.id)])]));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toAuditEvent);
}

/** The account's own events, newest first. */
export async function listAuditEventsOfAccount(db: Db, accountId: string, limit: number): Promise<AuditEvent[]> {
  return listAuditEventsNewestFirst(db, { accountId }, null, limit);
}

/**
 * Events a super app's admins may read, newest first: its own (policy changes, resets by
 * its admins), its workspaces' events, account-wide events (no workspace: activation,
 * lock…) of accounts in its workspaces, and every 2FA reset of those accounts, whoever
 * reset it (a reset removes the factor everywhere) — never what its members did in another tenant.
 */
export async function listAuditEventsOfSuperApp(db: Db, superAppId: string, limit: number): Promise<AuditEvent[]> {
  return listAuditEventsNewestFirst(db, { superAppId }, null, limit);
}

/** The events a super app's admins may read (see `listAuditEventsOfSuperApp`). */
function ofSuperApp(db: Db, eb: ExpressionBuilder<Database, 'audit_events'>, superAppId: string) {
  const workspacesOfSuperApp = db.selectFrom('workspaces').select('id').where('super_app_id', '=', superAppId);
  const membersOfSuperApp = db.selectFrom('memberships').select('memberships.account_id').where('memberships.workspace_id', 'in', workspacesOfSuperApp);
  return eb.or([
    eb('super_app_id', '=', superAppId),
    eb('workspace_id', 'in', workspacesOfSuperApp),
    eb.and([eb('type', '=', 'two_factor.reset'), eb('account_id', 'in', membersOfSuperApp)]),
    eb.and([eb('workspace_id', 'is', null), eb('super_app_id', 'is', null), eb('account_id', 'in', membersOfSuperApp)]),
  ]);
}

/** Where an export page starts: after this event in (created_at, id) order. */
export interface AuditCursor {
  createdAt: string;
  id: string;
}

/**
 * Up to `limit` events oldest first, after `cursor`, matching `filter` (of one super app:
 * what its admins may read): one page of an export. Keyset paging, so each page costs the
 * same however far the export has gone.
 */
export async function listAuditEventsPage(db: Db, filter: AuditFilter, cursor: AuditCursor | null, limit: number): Promise<AuditEvent[]> {
  let query = filtered(db, filter);
  if (cursor) {
    query = query.where((eb) => eb.or([eb('created_at', '>', cursor.createdAt), eb.and([eb('created_at', '=', cursor.createdAt), eb('id', '>', cursor.id)])]));
  }
  const rows = await query.orderBy('created_at').orderBy('id').limit(limit).execute();
  return rows.map(toAuditEvent);
}
