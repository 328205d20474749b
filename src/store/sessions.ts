import type { Locale } from '../domain/locale.js';
import type { ChallengeMethod } from '../domain/policy.js';
import { type Account, storedLocale } from './accounts.js';
import { parseMethods } from './challenges.js';
import { reusableQuery } from './reusable-query.js';
import type { Db, SessionRow } from './schema.js';
import type { MembershipView } from './tenants.js';

/** A signed-in browser: whose, in which workspace, which second factors it passed and when it dies. */
export interface Session {
  /** SHA-256 of the cookie token. */
  id: string;
  accountId: string;
  workspaceId: string;
  /** True once any second factor was passed (sessions older than per-method tracking have no methods listed). */
  secondFactorVerified: boolean;
  /** The second-factor methods this session passed (empty: the password alone). */
  secondFactorMethods: ChallengeMethod[];
  /** When the password was last proven. */
  authenticatedAt: string;
  lastSeenAt: string;
  expiresAt: string;
  createdAt: string;
  /** Where it was opened (null for sessions from before this was recorded). */
  ip: string | null;
  userAgent: string | null;
}

/** A session with its account and its workspace membership. */
export interface SessionView {
  session: Session;
  account: Account;
  /** The language of the account's emails (null until a sign-in or a choice sets it). */
  accountLocale: Locale | null;
  workspace: MembershipView['workspace'];
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    accountId: row.account_id,
    workspaceId: row.workspace_id,
    secondFactorVerified: row.second_factor_verified === 1,
    secondFactorMethods: parseMethods(row.second_factor_methods),
    authenticatedAt: row.authenticated_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/**
 * Inserts a session. `secondFactorMethods` empty: the password alone. `authenticatedAt`
 * (when the password was last proven) defaults to `now`.
 */
export async function insertSession(
  db: Db,
  s: {
    id: string;
    accountId: string;
    workspaceId: string;
    secondFactorMethods: readonly ChallengeMethod[];
    expiresAt: string;
    now: string;
    authenticatedAt?: string;
    ip?: string | null;
    userAgent?: string | null;
  },
): Promise<void> {
  await insertSessionQuery(
    db,
    s.id,
    s.accountId,
    s.workspaceId,
    s.secondFactorMethods.length > 0 ? 1 : 0,
    [...new Set(s.secondFactorMethods)].join(','),
    s.authenticatedAt ?? s.now,
    s.now,
    s.expiresAt,
    s.ip ?? null,
    s.userAgent ?? null,
  );
}

const insertSessionQuery = reusableQuery(
  (
    db: Db,
    id: string,
    accountId: string,
    workspaceId: string,
    verified: number,
    methods: string,
    authenticatedAt: string,
    now: string,
    expiresAt: string,
    ip: string | null,
    userAgent: string | null,
  ) =>
    db.insertInto('sessions').values({
      id,
      account_id: accountId,
      workspace_id: workspaceId,
      second_factor_verified: verified,
      second_factor_methods: methods,
      authenticated_at: authenticatedAt,
      last_seen_at: now,
      expires_at: expiresAt,
      created_at: now,
      ip,
      user_agent: userAgent,
    }),
);

const sessionViewQuery = reusableQuery((db: Db, id: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .innerJoin('memberships', (join) =>
      join.onRef('memberships.workspace_id', '=', 'sessions.workspace_id').onRef('memberships.account_id', '=', 'sessions.account_id'),
    )
    .innerJoin('workspaces', 'workspaces.id', 'sessions.workspace_id')
    .innerJoin('super_apps', 'super_apps.id', 'workspaces.super_app_id')
    .select([
      'sessions.id',
      'sessions.account_id',
      'sessions.workspace_id',
      'sessions.second_factor_verified',
      'sessions.second_factor_methods',
      'sessions.authenticated_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.created_at',
      'sessions.ip',
      'sessions.user_agent',
      'accounts.email',
      'accounts.name',
      'accounts.locale',
      'memberships.role',
      'workspaces.name as workspace_name',
      'super_apps.id as super_app_id',
      'super_apps.name as super_app_name',
    ])
    .where('sessions.id', '=', id),
);

/** A session with its account and its workspace membership, in one query (the hot path of every request). */
export async function findSessionView(db: Db, id: string): Promise<SessionView | undefined> {
  const row = (await sessionViewQuery(db, id)).rows[0];
  if (!row) return undefined;
  const { email, name, locale, role, workspace_name: workspaceName, super_app_id: superAppId, super_app_name: superAppName, ...session } = row;
  return {
    session: toSession(session),
    account: { id: session.account_id, email, name },
    accountLocale: storedLocale(locale),
    workspace: { id: session.workspace_id, name: workspaceName, role, superApp: { id: superAppId, name: superAppName } },
  };
}

/** The session the id names, without joins (challenge completion re-reads its origin session). */
export async function findSessionById(db: Db, id: string): Promise<Session | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSession(row);
}

/** Removes `methods` from the second factors the session passed (its authenticator was turned off). */
export async function forgetSessionSecondFactors(db: Db, id: string, methods: readonly ChallengeMethod[]): Promise<void> {
  const row = await findSessionById(db, id);
  if (!row) return;
  const kept = row.secondFactorMethods.filter((m) => !methods.includes(m));
  await db
    .updateTable('sessions')
    .set({ second_factor_methods: kept.join(','), second_factor_verified: kept.length > 0 ? 1 : 0 })
    .where('id', '=', id)
    .execute();
}

/** Records activity on a session (idle timeout). */
export async function touchSession(db: Db, id: string, now: string): Promise<void> {
  await touchSessionQuery(db, id, now);
}

const touchSessionQuery = reusableQuery((db: Db, id: string, now: string) => db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id));

/** Marks a session freshly authenticated (password re-entered). */
export async function markSessionAuthenticated(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ authenticated_at: now, last_seen_at: now }).where('id', '=', id).execute();
}

/** Deletes the session; false when it was already gone (so of two replacements, one wins). */
export async function deleteSession(db: Db, id: string): Promise<boolean> {
  const result = await deleteSessionQuery(db, id);
  return (result.numAffectedRows ?? 0n) > 0n;
}

const deleteSessionQuery = reusableQuery((db: Db, id: string) => db.deleteFrom('sessions').where('id', '=', id));

/** Ends the sessions into the super app's workspaces that never passed a second factor; returns how many ended. */
export async function deleteSingleFactorSessionsOfSuperApp(db: Db, superAppId: string, keepId?: string): Promise<number> {
  let query = db.deleteFrom('sessions');
  if (keepId) query = query.where('id', '!=', keepId);
  const result = await query
    .where('second_factor_verified', '=', 0)
    .where('workspace_id', 'in', (eb) => eb.selectFrom('workspaces').select('id').where('super_app_id', '=', superAppId))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Ends every session of the account except `keepId`; returns how many ended. */
export async function deleteSessionsOfAccount(db: Db, accountId: string, keepId?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('account_id', '=', accountId);
  if (keepId) query = query.where('id', '!=', keepId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The account's sessions that have not passed `now`'s absolute deadline, with their workspaces, most recently active first. */
export async function listSessionsOfAccount(db: Db, accountId: string, now: string): Promise<Array<Session & { workspaceName: string }>> {
  const rows = await db
    .selectFrom('sessions')
    .innerJoin('workspaces', 'workspaces.id', 'sessions.workspace_id')
    .selectAll('sessions')
    .select('workspaces.name as workspace_name')
    .where('sessions.account_id', '=', accountId)
    .where('sessions.expires_at', '>', now)
    .orderBy('sessions.last_seen_at', 'desc')
    .orderBy('sessions.id')
    .execute();
  return rows.map(({ workspace_name: workspaceName, ...row }) => ({ ...toSession(row), workspaceName }));
}
