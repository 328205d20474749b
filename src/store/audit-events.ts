import type { AuditEventRow, Db, NewAuditEvent } from './schema.js';

/** Appends one event; the table is never updated or deleted from. */
export async function insertAuditEvent(db: Db, event: NewAuditEvent): Promise<void> {
  await db.insertInto('audit_events').values(event).execute();
}

/** The account's own events, newest first. */
export async function listAuditEventsOfAccount(db: Db, accountId: string, limit: number): Promise<AuditEventRow[]> {
  return db.selectFrom('audit_events').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Events of a super app's policy and of accounts in its workspaces, newest first. */
export async function listAuditEventsOfSuperApp(db: Db, superAppId: string, limit: number): Promise<AuditEventRow[]> {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('super_app_id', '=', superAppId),
        eb(
          'account_id',
          'in',
          eb.selectFrom('memberships').innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id').select('memberships.account_id').where('workspaces.super_app_id', '=', superAppId),
        ),
      ]),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
