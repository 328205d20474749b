import type { AuditEventRow, Db, NewAuditEvent } from './schema.js';

/** Appends one event; the table is never updated or deleted from. */
export async function insertAuditEvent(db: Db, event: NewAuditEvent): Promise<void> {
  await db.insertInto('audit_events').values(event).execute();
}

/** The account's own events, newest first. */
export async function listAuditEventsOfAccount(db: Db, accountId: string, limit: number): Promise<AuditEventRow[]> {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Events a super app's admins may read, newest first: its own (policy changes, resets by
 * its admins), its workspaces' events, account-wide events (no workspace: activation,
 * lock…) of accounts in its workspaces, and every 2FA reset of those accounts, whoever
 * reset it (a reset removes the factor everywhere) — never what its members did in another tenant.
 */
export async function listAuditEventsOfSuperApp(db: Db, superAppId: string, limit: number): Promise<AuditEventRow[]> {
  const workspacesOfSuperApp = db.selectFrom('workspaces').select('id').where('super_app_id', '=', superAppId);
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('super_app_id', '=', superAppId),
        eb('workspace_id', 'in', workspacesOfSuperApp),
        eb.and([
          eb('type', '=', 'two_factor.reset'),
          eb('account_id', 'in', eb.selectFrom('memberships').select('memberships.account_id').where('memberships.workspace_id', 'in', workspacesOfSuperApp)),
        ]),
        eb.and([
          eb('workspace_id', 'is', null),
          eb('super_app_id', 'is', null),
          eb('account_id', 'in', eb.selectFrom('memberships').select('memberships.account_id').where('memberships.workspace_id', 'in', workspacesOfSuperApp)),
        ]),
      ]),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
