import type { ChallengeMethod, SecondFactorReason } from '../domain/policy.js';
import { reusableQuery } from './reusable-query.js';
import type { ChallengeKind, ChallengePurpose, ChallengeRow, ChallengeStatus, Db } from './schema.js';

/** A login, switch or step-up challenge as services see it (its id is the hash of the client's token). */
export interface Challenge {
  id: string;
  accountId: string;
  workspaceId: string;
  kind: ChallengeKind;
  methods: ChallengeMethod[];
  primaryMethod: ChallengeMethod;
  reason: SecondFactorReason;
  purpose: ChallengePurpose;
  /** Switch and step-up: the session (hash) that asked; only it may complete the challenge. */
  sessionId: string | null;
  /** Step-up: the super app the session gains authority over. */
  superAppId: string | null;
  /** When the emailed code was passed before enrolment (email-first rule). */
  emailPassedAt: string | null;
  failures: number;
  status: ChallengeStatus;
  expiresAt: string;
  createdAt: string;
}

const METHODS: readonly ChallengeMethod[] = ['totp', 'email', 'recovery_code', 'totp_enrollment', 'webauthn', 'webauthn_enrollment'];

/** Second-factor methods from a comma-separated column (unknown words are dropped). */
export function parseMethods(column: string): ChallengeMethod[] {
  return column.split(',').filter((m): m is ChallengeMethod => (METHODS as readonly string[]).includes(m));
}

function toChallenge(row: ChallengeRow): Challenge {
  return {
    id: row.id,
    accountId: row.account_id,
    workspaceId: row.workspace_id,
    kind: row.kind,
    methods: parseMethods(row.methods),
    primaryMethod: row.primary_method,
    reason: row.reason,
    purpose: row.purpose,
    sessionId: row.session_id,
    superAppId: row.super_app_id,
    emailPassedAt: row.email_passed_at,
    failures: row.failures,
    status: row.status,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

export interface NewChallenge {
  id: string;
  accountId: string;
  workspaceId: string;
  kind: ChallengeKind;
  methods: ChallengeMethod[];
  primaryMethod: ChallengeMethod;
  reason: SecondFactorReason;
  expiresAt: string;
  now: string;
  /** Default `login`; `switch` and `step_up` belong to `sessionId`. */
  purpose?: ChallengePurpose;
  sessionId?: string | null;
  /** Step-up: the super app the session gains authority over. */
  superAppId?: string | null;
}

/** What a challenge is for: a sign-in, a workspace switch, or a step-up into a super app. */
export type { ChallengePurpose };

export async function insertChallenge(db: Db, c: NewChallenge): Promise<void> {
  await insertChallengeQuery(
    db,
    c.id,
    c.accountId,
    c.workspaceId,
    c.kind,
    c.methods.join(','),
    c.primaryMethod,
    c.reason,
    c.purpose ?? 'login',
    c.sessionId ?? null,
    c.superAppId ?? null,
    'open',
    c.expiresAt,
    c.now,
  );
}

const insertChallengeQuery = reusableQuery(
  (
    db: Db,
    id: string,
    accountId: string,
    workspaceId: string,
    kind: ChallengeKind,
    methods: string,
    primaryMethod: ChallengeMethod,
    reason: SecondFactorReason,
    purpose: ChallengePurpose,
    sessionId: string | null,
    superAppId: string | null,
    status: ChallengeStatus,
    expiresAt: string,
    now: string,
  ) =>
    db.insertInto('challenges').values({
      id,
      account_id: accountId,
      workspace_id: workspaceId,
      kind,
      methods,
      primary_method: primaryMethod,
      reason,
      purpose,
      session_id: sessionId,
      super_app_id: superAppId,
      status,
      expires_at: expiresAt,
      created_at: now,
    }),
);

const challengeByIdQuery = reusableQuery((db: Db, id: string) => db.selectFrom('challenges').selectAll().where('id', '=', id));

export async function findChallengeById(db: Db, id: string): Promise<Challenge | undefined> {
  const row = (await challengeByIdQuery(db, id)).rows[0];
  return row && toChallenge(row);
}

/**
 * Counts one attempt against an open, unexpired challenge that has attempts left, before
 * the code is checked; returns the new count, or null when none is left. A challenge whose
 * count reached `maxAttempts` without success is dead.
 */
export async function reserveChallengeAttempt(db: Db, id: string, now: string, maxAttempts: number): Promise<number | null> {
  const row = (await reserveChallengeAttemptQuery(db, id, now, maxAttempts, 1, 'open')).rows[0];
  return row ? row.failures : null;
}

const reserveChallengeAttemptQuery = reusableQuery((db: Db, id: string, now: string, maxAttempts: number, one: number, open: ChallengeStatus) =>
  db
    .updateTable('challenges')
    .set((eb) => ({ failures: eb('failures', '+', one) }))
    .where('id', '=', id)
    .where('status', '=', open)
    .where('failures', '<', maxAttempts)
    .where('expires_at', '>', now)
    .returning('failures'),
);

/** Marks an open challenge dead (its last attempt failed). */
export async function killChallenge(db: Db, id: string): Promise<void> {
  await db.updateTable('challenges').set({ status: 'dead' }).where('id', '=', id).where('status', '=', 'open').execute();
}

/**
 * Closes an open, unexpired challenge as passed; false when another request already
 * closed it, it died or it expired. The single-use guarantee of a challenge.
 */
export async function completeChallenge(db: Db, id: string, now: string): Promise<boolean> {
  const result = await completeChallengeQuery(db, id, now, 'done', 'open');
  return (result.numAffectedRows ?? 0n) > 0n;
}

const completeChallengeQuery = reusableQuery((db: Db, id: string, now: string, done: ChallengeStatus, open: ChallengeStatus) =>
  db.updateTable('challenges').set({ status: done }).where('id', '=', id).where('status', '=', open).where('expires_at', '>', now),
);

/** Records that the challenge's emailed code was passed (before enrolment); false when it is no longer open. */
export async function markChallengeEmailPassed(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db.updateTable('challenges').set({ email_passed_at: now }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
