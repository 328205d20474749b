import { generateToken, sha256Hex } from '../adapters/tokens.js';
import { maskEmail } from '../domain/codes.js';
import { CHALLENGE_TTL_SECONDS } from '../domain/limits.js';
import type { ChallengeMethod, LoginDecision, SecondFactorReason } from '../domain/policy.js';
import { addSeconds } from '../domain/ports.js';
import { type ChallengePurpose, insertChallenge } from '../store/challenges.js';
import type { AccountRecord } from '../store/accounts.js';
import type { MembershipView, SuperApp } from '../store/tenants.js';
import type { Deps } from './deps.js';

/** The public view of a challenge (API.md "Login"), `id` being the bearer token. */
export interface ChallengeView {
  id: string;
  methods: ChallengeMethod[];
  primaryMethod: ChallengeMethod;
  expiresAt: string;
  reason: SecondFactorReason;
  superApp: SuperApp;
  workspace: { id: string; name: string };
  sentTo: string;
  /** Days `rememberDevice: true` at verify would spare this browser the second factor (0: not offered). */
  rememberDeviceDays: number;
}

/** A challenge to open: whose, for which workspace and super app, what it asks, what it is for. */
export interface ChallengeRequest {
  account: Pick<AccountRecord, 'id' | 'email'>;
  workspace: MembershipView['workspace'];
  /** The super app whose rule the challenge satisfies (the workspace's, or a step-up target). */
  superApp: SuperApp;
  decision: Exclude<LoginDecision, { kind: 'authenticated' }>;
  purpose: ChallengePurpose;
  /** Switch and step-up: the session (hash) that asked; only it may complete the challenge. */
  sessionId: string | null;
  /** Login only: the super app policy's `rememberDeviceDays`, offered as "don't ask again" (else 0). */
  rememberDeviceDays?: number;
}

/**
 * Opens a challenge (5 minutes) for a login, a workspace switch or a step-up, the same
 * way for all three; only its SHA-256 is stored, the token goes to the client once.
 */
export async function openChallenge(deps: Deps, request: ChallengeRequest): Promise<ChallengeView> {
  const { account, workspace, superApp, decision } = request;
  const token = generateToken(deps.random);
  const now = deps.clock.now();
  const expiresAt = addSeconds(now, CHALLENGE_TTL_SECONDS).toISOString();
  await insertChallenge(deps.db, {
    id: sha256Hex(token),
    accountId: account.id,
    workspaceId: workspace.id,
    kind: decision.kind,
    methods: decision.methods,
    primaryMethod: decision.primaryMethod,
    reason: decision.reason,
    expiresAt,
    now: now.toISOString(),
    purpose: request.purpose,
    sessionId: request.sessionId,
    superAppId: request.purpose === 'step_up' ? superApp.id : null,
  });
  return {
    id: token,
    methods: decision.methods,
    primaryMethod: decision.primaryMethod,
    expiresAt,
    reason: decision.reason,
    superApp,
    workspace: { id: workspace.id, name: workspace.name },
    sentTo: maskEmail(account.email),
    rememberDeviceDays: request.purpose === 'login' ? (request.rememberDeviceDays ?? 0) : 0,
  };
}
