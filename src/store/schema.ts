import type { Generated, Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { ChallengeMethod, PolicyMethod, SecondFactorReason } from '../domain/policy.js';

/** Closed sets a text column may hold (Kysely then types reads and writes with them). */
export type Role = 'admin' | 'developer';
export type TotpFactorStatus = 'pending' | 'active';
export type ChallengeKind = 'second_factor_required' | 'enrollment_required';
export type ChallengePurpose = 'login' | 'switch' | 'step_up';
export type ChallengeStatus = 'open' | 'done' | 'dead';
export type EmailCodePurpose = 'login' | 'deactivation';
export type EmailCodeStatus = 'live' | 'used' | 'dead' | 'replaced';
/** What a WebAuthn challenge was sent for: adding a credential, a login challenge's assertion, or an identity check in Settings. */
export type WebAuthnChallengePurpose = 'registration' | 'login' | 'identity' | 'password_reset';

/**
 * Tables as the database holds them. Times are ISO-8601 UTC strings of fixed width
 * (`Date#toISOString`), so they compare correctly as text on every dialect; flags are
 * 0/1 integers for the same reason.
 */
export interface Database {
  super_apps: SuperAppTable;
  super_app_admins: SuperAppAdminTable;
  workspaces: WorkspaceTable;
  accounts: AccountTable;
  memberships: MembershipTable;
  totp_factors: TotpFactorTable;
  recovery_codes: RecoveryCodeTable;
  challenges: ChallengeTable;
  email_codes: EmailCodeTable;
  sessions: SessionTable;
  audit_events: AuditEventTable;
  throttles: ThrottleTable;
  devices: DeviceTable;
  webauthn_credentials: WebAuthnCredentialTable;
  webauthn_challenges: WebAuthnChallengeTable;
  password_resets: PasswordResetTable;
  maintenance_leases: MaintenanceLeaseTable;
  outbox: OutboxTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
}

export interface SuperAppTable {
  id: string;
  name: string;
  two_factor_required: number;
  primary_method: PolicyMethod;
  secondary_method: PolicyMethod | null;
  allow_deactivation: number;
  /** 1: only passkeys and security keys count (migration 0006). */
  phishing_resistant_only: Generated<number>;
  /** Days a login may skip the second factor on a remembered browser, 0–30, 0: never (migration 0010). */
  remember_device_days: Generated<number>;
  created_at: string;
}

export interface SuperAppAdminTable {
  super_app_id: string;
  account_id: string;
  created_at: string;
}

export interface WorkspaceTable {
  id: string;
  super_app_id: string;
  name: string;
  created_at: string;
}

export interface AccountTable {
  id: string;
  email: string;
  /** Lower-cased email; unique, so emails are unique case-insensitively. */
  email_key: string;
  name: string;
  password_hash: string;
  /** Highest TOTP step ever accepted for this account (replay guard, RFC 6238 §5.2). */
  totp_last_step: number | null;
  second_factor_failures: Generated<number>;
  second_factor_locked_until: string | null;
  /** When the last email code was sent (resend cooldown, compare-and-set). */
  email_code_sent_at: string | null;
  created_at: string;
  /** Language of the account's emails, `en` or `zh-CN`; null: not chosen yet, English (migration 0013). */
  locale: Generated<string | null>;
}

export interface MembershipTable {
  workspace_id: string;
  account_id: string;
  role: Role;
  created_at: string;
}

export interface TotpFactorTable {
  account_id: string;
  /** AES-256-GCM sealed key (see adapters/secret-box.ts). */
  secret_sealed: string;
  status: TotpFactorStatus;
  /** Pending secrets only: when the activation lapses. */
  pending_expires_at: string | null;
  /** Set when the pending secret was created during a login challenge (enrolment). */
  challenge_id: string | null;
  activated_at: string | null;
  created_at: string;
}

export interface RecoveryCodeTable {
  id: string;
  account_id: string;
  /** SHA-256 of the normalized code. */
  code_hash: string;
  used_at: string | null;
  created_at: string;
}

export interface ChallengeTable {
  /** SHA-256 of the challenge token handed to the client. */
  id: string;
  account_id: string;
  workspace_id: string;
  kind: ChallengeKind;
  /** Comma-separated. */
  methods: string;
  primary_method: ChallengeMethod;
  reason: SecondFactorReason;
  /** `login`, `switch` (to another workspace) or `step_up` (authority over a super app). */
  purpose: Generated<ChallengePurpose>;
  /** Switch and step-up: the session (hash) that asked; only it may complete the challenge. */
  session_id: Generated<string | null>;
  /** Step-up: the super app the session gains authority over. */
  super_app_id: Generated<string | null>;
  /** When the emailed code of this challenge was passed before enrolment (email-first rule). */
  email_passed_at: Generated<string | null>;
  failures: Generated<number>;
  status: ChallengeStatus;
  expires_at: string;
  created_at: string;
}

export interface EmailCodeTable {
  id: string;
  account_id: string;
  purpose: EmailCodePurpose;
  challenge_id: string | null;
  /** HMAC-SHA-256 of the code under a key derived from SECRET_KEY. */
  code_hash: string;
  failures: number;
  status: EmailCodeStatus;
  expires_at: string;
  created_at: string;
}

export interface SessionTable {
  /** SHA-256 of the session token in the cookie. */
  id: string;
  account_id: string;
  workspace_id: string;
  second_factor_verified: number;
  /** Second-factor methods this session passed, comma-separated ('' for the password alone). */
  second_factor_methods: Generated<string>;
  authenticated_at: string;
  last_seen_at: string;
  expires_at: string;
  created_at: string;
  /** Where the session was opened (null for sessions older than migration 0006). */
  ip: Generated<string | null>;
  user_agent: Generated<string | null>;
}

export interface AuditEventTable {
  id: string;
  type: string;
  account_id: string | null;
  actor_account_id: string | null;
  super_app_id: string | null;
  workspace_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: string;
  created_at: string;
}

/** A counter in a window: password failures or email sends per account or IP. */
export interface ThrottleTable {
  key: string;
  count: number;
  window_started_at: string;
  last_at: string;
}

/** A browser that completed a sign-in: the SHA-256 of its `mpp_device` token, bound to one account. */
export interface DeviceTable {
  id: string;
  account_id: string;
  token_hash: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  /** "Don't ask again": until when, and under how many days of the policy (migration 0010); null: not remembered. */
  remembered_until: Generated<string | null>;
  remember_days: Generated<number | null>;
}

/** A passkey or security key: its COSE public key and credential id (base64url), last sign counter and transports. */
export interface WebAuthnCredentialTable {
  id: string;
  account_id: string;
  credential_id: string;
  public_key: string;
  /** uint32 as the authenticator last reported it; bigint (PostgreSQL answers it as text). */
  sign_count: number | string;
  /** Comma-separated AuthenticatorTransport values ('' when unknown). */
  transports: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** A WebAuthn challenge sent to the browser, kept as its SHA-256; claimed once via `used_at`. */
export interface WebAuthnChallengeTable {
  id: string;
  account_id: string;
  purpose: WebAuthnChallengePurpose;
  /** `login`: the login challenge (its hash) the assertion belongs to. */
  challenge_id: string | null;
  challenge_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/** Who runs the maintenance job on SQLite until when (one row per job; PostgreSQL uses an advisory lock). */
export interface MaintenanceLeaseTable {
  name: string;
  holder: string;
  expires_at: string;
}

export type OutboxKind = 'mail' | 'webhook';
export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** Mail and webhooks to deliver (migration 0011); `payload` is sealed JSON, null once a mail was sent. */
export interface OutboxTable {
  id: string;
  kind: OutboxKind;
  ref: string | null;
  payload: string | null;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  /** A sender's lease on the row while it delivers it. */
  claimed_until: string | null;
  /** Why the last attempt failed, short; never the payload. */
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** A super app's webhook (migration 0012): `events` is a JSON array of audit event types, or `["*"]`. */
export interface WebhookTable {
  id: string;
  super_app_id: string;
  url: string;
  events: string;
  /** The signing secret's bytes, sealed with the secret box under the webhook id. */
  secret_sealed: string;
  created_by: string | null;
  created_at: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'retrying' | 'refused' | 'failed';

/** One event queued for one webhook; `id` is the outbox item's id. */
export interface WebhookDeliveryTable {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: WebhookDeliveryStatus;
  attempts: Generated<number>;
  last_response_status: number | null;
  /** A short reason (`timeout`, `address_not_allowed`…), never the response body. */
  last_error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  delivered_at: string | null;
}

export type PasswordResetStatus = 'live' | 'used' | 'replaced';

/** A password-reset link: the SHA-256 of its token, single use, short-lived. */
export interface PasswordResetTable {
  id: string;
  account_id: string;
  status: PasswordResetStatus;
  expires_at: string;
  created_at: string;
}

/** A database handle or an open transaction; store functions accept either. */
export type Db = Kysely<Database> | Transaction<Database>;
/** The database itself (it opens transactions). */
export type DatabaseConnection = Kysely<Database>;
/** An open transaction (a change that must be all or nothing). */
export type Tx = Transaction<Database>;

export type AccountRow = Selectable<AccountTable>;
export type SuperAppRow = Selectable<SuperAppTable>;
export type WorkspaceRow = Selectable<WorkspaceTable>;
export type ChallengeRow = Selectable<ChallengeTable>;
export type EmailCodeRow = Selectable<EmailCodeTable>;
export type SessionRow = Selectable<SessionTable>;
export type TotpFactorRow = Selectable<TotpFactorTable>;
export type DeviceRow = Selectable<DeviceTable>;
export type PasswordResetRow = Selectable<PasswordResetTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type WebAuthnCredentialRow = Selectable<WebAuthnCredentialTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;
