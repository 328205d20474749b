import { generateToken, sha256Hex } from '../adapters/tokens.js';
import { AppError } from '../domain/errors.js';
import type { ChallengeMethod } from '../domain/policy.js';
import { addSeconds } from '../domain/ports.js';
import type { Db } from '../store/schema.js';
import { deleteSession, findSessionView, insertSession, type SessionView, touchSession } from '../store/sessions.js';
import { listAdministeredSuperApps, listMembershipsOfAccount } from '../store/tenants.js';
import type { Deps, RequestContext } from './deps.js';

/** Activity is written back at most this often, to keep reads cheap. */
const TOUCH_INTERVAL_SECONDS = 60;

/** A live session with its account (and its email language) and current workspace, from one query. */
export interface SessionContext extends SessionView {
  sessionId: string;
}

/** What a new session carries: whose, where, which second factors it passed. */
export interface NewSessionInput {
  accountId: string;
  workspaceId: string;
  /** Second-factor methods passed (empty: the password alone). */
  secondFactorMethods: readonly ChallengeMethod[];
  /** A session that replaces another keeps its password time and absolute deadline. */
  authenticatedAt?: string;
  expiresAt?: string;
  /** The request that opens it: its address and browser are shown in the account's session list. */
  context?: RequestContext | null;
}

/** Creates a session (inside `db`, usually the transaction that passed the last factor); returns the cookie token. */
export async function createSession(deps: Deps, db: Db, input: NewSessionInput): Promise<string> {
  const token = generateToken(deps.random);
  const now = deps.clock.now();
  await insertSession(db, {
    id: sha256Hex(token),
    accountId: input.accountId,
    workspaceId: input.workspaceId,
    secondFactorMethods: input.secondFactorMethods,
    expiresAt: input.expiresAt ?? addSeconds(now, deps.sessionAbsoluteSeconds).toISOString(),
    now: now.toISOString(),
    ...(input.authenticatedAt !== undefined && { authenticatedAt: input.authenticatedAt }),
    ip: input.context?.ip ?? null,
    userAgent: input.context?.userAgent?.slice(0, 512) ?? null,
  });
  return token;
}

/**
 * The session the cookie token names, or 401 `unauthenticated` when there is none, or it
 * passed its absolute lifetime or idle timeout (then it is deleted).
 */
export async function requireSession(deps: Deps, token: string | undefined): Promise<SessionContext> {
  if (!token || token.length > 200) throw new AppError('unauthenticated');
  const id = sha256Hex(token);
  const view = await findSessionView(deps.db, id);
  if (!view) throw new AppError('unauthenticated');
  const { session } = view;
  const now = deps.clock.now();
  const idleDeadline = addSeconds(new Date(session.lastSeenAt), deps.sessionIdleSeconds);
  if (session.expiresAt <= now.toISOString() || idleDeadline <= now) {
    await deleteSession(deps.db, id);
    throw new AppError('unauthenticated');
  }
  if (now.getTime() - Date.parse(session.lastSeenAt) >= TOUCH_INTERVAL_SECONDS * 1000) {
    await touchSession(deps.db, id, now.toISOString());
  }
  return { sessionId: id, ...view };
}

/** Ends the session the token names (no error when there is none). */
export async function endSession(deps: Deps, token: string | undefined): Promise<void> {
  if (token && token.length <= 200) await deleteSession(deps.db, sha256Hex(token));
}

/**
 * The `GET /api/v1/session` view: account, current workspace with role and super app, every
 * workspace of the account (to switch to), administered super apps. The account carries the
 * language of its emails.
 */
export async function describeSession(deps: Deps, ctx: SessionContext) {
  return {
    account: { ...ctx.account, locale: ctx.accountLocale },
    workspace: ctx.workspace,
    workspaces: (await listMembershipsOfAccount(deps.db, ctx.account.id)).map((m) => m.workspace),
    secondFactorVerified: ctx.session.secondFactorVerified,
    administeredSuperApps: await listAdministeredSuperApps(deps.db, ctx.account.id),
  };
}
