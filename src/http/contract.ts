import Type, { type Static, type TSchema } from 'typebox';
import type { ErrorCode } from '../domain/errors.js';
import { AuditEventType, Locale } from './schemas.js';

/**
 * The response side of the public contract (API.md, docs/api-additions.md), one TypeBox
 * schema per body. Routes declare them per status, Fastify serializes from them (fields
 * they do not name never leave the server) and the OpenAPI document is built from them;
 * the console takes its types from here with `Static<typeof …>`. Only TypeBox may be
 * imported here (and types), so a browser bundle can import it too.
 */

export * from './schemas.js';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const SuperAppRef = Type.Object({ id: Type.String(), name: Type.String() });
export const WorkspaceRef = Type.Object({ id: Type.String(), name: Type.String() });
export const AccountView = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() });
export const Role = Type.Enum(['admin', 'developer']);
/** A workspace with the account's role in it and its super app. */
export const WorkspaceView = Type.Object({ id: Type.String(), name: Type.String(), role: Role, superApp: SuperAppRef });

export const ChallengeMethod = Type.Enum(['totp', 'email', 'recovery_code', 'totp_enrollment', 'webauthn', 'webauthn_enrollment']);
export const PolicyMethod = Type.Enum(['totp', 'email', 'webauthn']);

/** An open challenge; `id` is its bearer token, valid until `expiresAt`. */
export const ChallengeView = Type.Object({
  id: Type.String(),
  methods: Type.Array(ChallengeMethod),
  primaryMethod: ChallengeMethod,
  expiresAt: DateTime,
  reason: Type.Enum(['account_two_factor', 'super_app_policy']),
  superApp: SuperAppRef,
  workspace: WorkspaceRef,
  sentTo: Type.String({ description: 'The masked email address codes go to' }),
  rememberDeviceDays: Type.Integer({
    minimum: 0,
    description: "Days verify's `rememberDevice: true` would spare this browser the second factor (0: not offered; always 0 for a switch or step-up)",
  }),
});

const AuthenticatedFields = {
  status: Type.Literal('authenticated'),
  account: AccountView,
  workspace: WorkspaceView,
};
export const Authenticated = Type.Object({
  ...AuthenticatedFields,
  rememberedDeviceUntil: Type.Optional(
    Type.String({ format: 'date-time', description: 'Login only: the second factor was skipped, this browser being remembered until then' }),
  ),
});
export const ChallengeRequired = Type.Object({
  status: Type.Enum(['second_factor_required', 'enrollment_required']),
  challenge: ChallengeView,
});

/** Login, workspace switch and step-up: a session at once, or a challenge to pass first. */
export const SignInStep = Type.Union([Authenticated, ChallengeRequired], { description: 'Signed in, or a challenge to pass first' });
export const VerifyResult = Type.Object(
  {
    ...AuthenticatedFields,
    recoveryCodes: Type.Optional(Type.Array(Type.String(), { description: 'Only after enrolment: shown once' })),
    rememberedDeviceUntil: Type.Optional(
      Type.String({ format: 'date-time', description: 'After `rememberDevice: true` on a login: this browser skips the second factor until then' }),
    ),
  },
  { description: 'Signed in (a new session cookie)' },
);

export const EmailCodeSent = Type.Object({ sentTo: Type.String(), resendAfterSeconds: Type.Integer() }, { description: 'An email code was sent' });
export const PendingTotp = Type.Object(
  { secret: Type.String({ description: 'Base32 key' }), otpauthUri: Type.String(), expiresAt: DateTime },
  { description: 'A pending authenticator secret' },
);

/** The session's account, with the language its emails are written in. */
export const SessionAccountView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  locale: Type.Union([Locale, Type.Null()], {
    description: "Language of the account's emails; null: not chosen yet (English). A first sign-in takes it from Accept-Language",
  }),
});

export const SessionView = Type.Object(
  {
    account: SessionAccountView,
    workspace: WorkspaceView,
    workspaces: Type.Array(WorkspaceView, { description: 'Oldest membership first' }),
    secondFactorVerified: Type.Boolean(),
    administeredSuperApps: Type.Array(SuperAppRef),
  },
  { description: 'The current session' },
);
export const Reauthenticated = Type.Object({ authenticatedAt: DateTime }, { description: 'The password was confirmed' });

const PolicyFields = {
  required: Type.Boolean(),
  primaryMethod: PolicyMethod,
  secondaryMethod: Nullable(PolicyMethod),
  allowDeactivation: Type.Boolean(),
  phishingResistantOnly: Type.Boolean({ description: 'Only passkeys and security keys count, for logins, switches and step-ups' }),
  rememberDeviceDays: Type.Integer({
    minimum: 0,
    maximum: 30,
    description: 'Days a login may skip the second factor on a browser that asked "don\'t ask again"; 0: never',
  }),
};
export const PolicyView = Type.Object(PolicyFields, { description: "The super app's two-factor policy" });

/** A passkey or security key of the account (never its key material). */
export const PasskeyView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: DateTime,
  lastUsedAt: Nullable(DateTime),
});
export const Passkeys = Type.Object(
  { passkeys: Type.Array(PasskeyView, { description: 'Oldest first' }) },
  { description: "The account's passkeys and security keys" },
);
export const Passkey = Type.Object({ passkey: PasskeyView }, { description: 'The passkey or security key' });
export const PasskeyAdded = Type.Object(
  {
    passkey: PasskeyView,
    recoveryCodes: Type.Optional(Type.Array(Type.String(), { description: 'Only when this is the first second factor of the account: 10 codes, shown once' })),
  },
  { description: 'The passkey or security key was added' },
);

const Base64Url = Type.String({ description: 'base64url' });
const CredentialDescriptor = Type.Object({
  id: Base64Url,
  type: Type.String({ description: '`public-key`' }),
  transports: Type.Optional(Type.Array(Type.String())),
});
/** `PublicKeyCredentialCreationOptionsJSON` (WebAuthn Level 3 §5.4) for `navigator.credentials.create()` (e.g. `@simplewebauthn/browser` `startRegistration`). */
export const WebAuthnCreationOptions = Type.Object({
  challenge: Base64Url,
  rp: Type.Object({ name: Type.String(), id: Type.Optional(Type.String()) }),
  user: Type.Object({ id: Base64Url, name: Type.String(), displayName: Type.String() }),
  pubKeyCredParams: Type.Array(Type.Object({ alg: Type.Integer({ description: 'COSE algorithm' }), type: Type.String({ description: '`public-key`' }) })),
  timeout: Type.Optional(Type.Integer({ description: 'Milliseconds' })),
  excludeCredentials: Type.Optional(Type.Array(CredentialDescriptor)),
  authenticatorSelection: Type.Optional(
    Type.Object({
      authenticatorAttachment: Type.Optional(Type.String()),
      residentKey: Type.Optional(Type.String()),
      requireResidentKey: Type.Optional(Type.Boolean()),
      userVerification: Type.Optional(Type.String()),
    }),
  ),
  hints: Type.Optional(Type.Array(Type.String())),
  attestation: Type.Optional(Type.String()),
  attestationFormats: Type.Optional(Type.Array(Type.String())),
  extensions: Type.Optional(Type.Object({ credProps: Type.Optional(Type.Boolean()) })),
});
/** `PublicKeyCredentialRequestOptionsJSON` (WebAuthn Level 3 §5.5) for `navigator.credentials.get()` (e.g. `@simplewebauthn/browser` `startAuthentication`). */
export const WebAuthnRequestOptions = Type.Object({
  challenge: Base64Url,
  timeout: Type.Optional(Type.Integer({ description: 'Milliseconds' })),
  rpId: Type.Optional(Type.String()),
  allowCredentials: Type.Optional(Type.Array(CredentialDescriptor)),
  userVerification: Type.Optional(Type.String()),
  hints: Type.Optional(Type.Array(Type.String())),
});
export const PasskeyRegistrationOptions = Type.Object(
  { options: WebAuthnCreationOptions, expiresAt: DateTime },
  { description: 'Options for the browser to create a credential; answer them once, before `expiresAt`' },
);
export const PasskeyRequestOptions = Type.Object(
  { options: WebAuthnRequestOptions, expiresAt: DateTime },
  { description: 'Options for the browser to sign with a passkey or security key; answer them once, before `expiresAt`' },
);

export const TwoFactorStatus = Type.Object(
  {
    active: Type.Boolean({ description: 'True when the account has any second factor (an authenticator app or a passkey)' }),
    method: Nullable(Type.Literal('totp')),
    methods: Type.Array(Type.Enum(['totp', 'webauthn']), { description: 'The second factors the account has' }),
    activatedAt: Nullable(DateTime),
    passkeys: Type.Array(PasskeyView, { description: 'Passkeys and security keys, oldest first' }),
    recoveryCodesRemaining: Type.Integer(),
    deactivation: Type.Object({ allowed: Type.Boolean(), forbiddenBy: Type.Array(SuperAppRef) }),
    superAppPolicies: Type.Array(Type.Object({ superApp: SuperAppRef, ...PolicyFields })),
  },
  { description: "The account's two-factor state" },
);
export const ActivationVerified = Type.Object(
  { active: Type.Literal(true), recoveryCodes: Type.Array(Type.String(), { description: '10 codes, shown once' }) },
  { description: 'Two-factor authentication is on' },
);
export const TwoFactorOff = Type.Object({ active: Type.Literal(false) }, { description: 'Two-factor authentication is off' });
export const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String()) }, { description: 'New recovery codes; the old ones no longer work' });

export const DeviceView = Type.Object({
  id: Type.String(),
  firstSeenAt: DateTime,
  lastSeenAt: DateTime,
  ip: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  current: Type.Boolean({ description: 'The browser asking' }),
  rememberedUntil: Nullable(DateTime),
});
export const Devices = Type.Object({ devices: Type.Array(DeviceView) }, { description: 'Browsers that signed in, most recently seen first' });

export const SessionListItem = Type.Object({
  id: Type.String({ description: 'Stable while the session lives; not the cookie and not what the server stores' }),
  workspace: Type.Object({ id: Type.String(), name: Type.String() }),
  ip: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  createdAt: DateTime,
  lastSeenAt: DateTime,
  secondFactorVerified: Type.Boolean(),
  current: Type.Boolean({ description: 'The session asking' }),
});
export const AccountSessions = Type.Object(
  { sessions: Type.Array(SessionListItem) },
  { description: 'Where the account is signed in, most recently active first' },
);
export const SessionsEnded = Type.Object({ ended: Type.Integer({ minimum: 0 }) }, { description: 'How many other sessions ended' });
export const PasswordResetAccepted = Type.Object(
  { expiresInMinutes: Type.Integer() },
  { description: 'The same answer whether or not the email has an account; a link goes out only if it has' },
);
export const PasswordResetView = Type.Object(
  {
    expiresAt: DateTime,
    secondFactorRequired: Type.Boolean(),
    methods: Type.Array(Type.Union([Type.Literal('webauthn'), Type.Literal('totp'), Type.Literal('recovery_code')]), {
      description: 'What the reset may take besides the new password: the factors the account has, and its recovery codes',
    }),
  },
  { description: 'The link still works' },
);

export const AuditEvent = Type.Object({
  id: Type.String(),
  type: AuditEventType,
  accountId: Nullable(Type.String()),
  actorAccountId: Nullable(Type.String()),
  superAppId: Nullable(Type.String()),
  workspaceId: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown(), { description: 'Facts of the event (method, purpose, counts)' }),
  createdAt: DateTime,
});
export const AuditEvents = Type.Object(
  {
    events: Type.Array(AuditEvent),
    nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next (older) page; null on the last page' })),
  },
  { description: 'Audit events, newest first, one page (200 at most)' },
);

export const Members = Type.Object(
  {
    members: Type.Array(Type.Object({ account: AccountView, role: Role, twoFactorActive: Type.Boolean() })),
    canResetTwoFactor: Type.Boolean({ description: "The caller administers the workspace's super app" }),
  },
  { description: 'The members of the workspace' },
);

const WebhookFields = {
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String(), { description: 'Audit event types sent, or `["*"]`' }),
  createdAt: DateTime,
};
export const WebhookView = Type.Object(WebhookFields);
export const Webhooks = Type.Object({ webhooks: Type.Array(WebhookView) }, { description: "The super app's webhooks, oldest first (never their secrets)" });
export const WebhookCreated = Type.Object(
  {
    ...WebhookFields,
    secret: Type.String({ description: 'The signing secret (`whsec_` and base64), shown only in this answer' }),
  },
  { description: 'The webhook, with its signing secret' },
);
export const WebhookTestQueued = Type.Object({ eventId: Type.String() }, { description: 'A `webhook.test` event was queued for this webhook' });
export const WebhookDeliveryView = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  status: Type.Enum(['pending', 'delivered', 'retrying', 'refused', 'failed']),
  attempts: Type.Integer({ minimum: 0 }),
  lastResponseStatus: Nullable(Type.Integer({ description: "The receiver's last HTTP status" })),
  lastError: Nullable(
    Type.String({ description: 'Why the last attempt failed: http_error, timeout, connection_failed, dns_failed, address_not_allowed, redirect_not_followed' }),
  ),
  createdAt: DateTime,
  lastAttemptAt: Nullable(DateTime),
  deliveredAt: Nullable(DateTime),
});
export const WebhookDeliveries = Type.Object(
  { deliveries: Type.Array(WebhookDeliveryView) },
  { description: "The webhook's 50 most recent deliveries, newest first" },
);

export const Health = Type.Object({ status: Type.Literal('ok') }, { description: 'The database answers' });
export const Readiness = Type.Object({ status: Type.Literal('ready') }, { description: 'The database answers and every migration is applied' });
export const NoContent = Type.Null({ description: 'No content' });

/** Extra fields a problem may carry (docs/errors.md). */
const ProblemExtras = {
  detail: Type.Optional(Type.String()),
  attemptsRemaining: Type.Optional(Type.Integer({ description: 'Wrong codes the challenge still accepts' })),
  retryAfterSeconds: Type.Optional(Type.Integer({ description: 'Also sent as the Retry-After header' })),
  superApp: Type.Optional(SuperAppRef),
  forbiddenBy: Type.Optional(Type.Array(SuperAppRef)),
  superApps: Type.Optional(Type.Array(SuperAppRef)),
  methods: Type.Optional(Type.Array(ChallengeMethod, { description: 'Methods that would satisfy the super app' })),
  ownTwoFactorRequired: Type.Optional(Type.Boolean()),
  clockDriftSeconds: Type.Optional(Type.Integer({ description: 'Positive: the phone is ahead' })),
  codeAlreadyUsed: Type.Optional(Type.Literal(true, { description: 'The authenticator code was right but was used already; wait for the next one' })),
  pendingMigrations: Type.Optional(Type.Array(Type.String())),
};

/** An RFC 9457 problem with `status` and one of `codes`; the generic shape when both are left out. */
export function ProblemSchema<const C extends ErrorCode>(codes?: readonly C[], status?: number) {
  return Type.Object({
    type: Type.Literal('about:blank'),
    status: status === undefined ? Type.Integer() : Type.Integer({ enum: [status] }),
    code: codes === undefined ? Type.String() : Type.Enum(codes as C[]),
    title: Type.String(),
    ...ProblemExtras,
  });
}

export const Problem = ProblemSchema();
export type Problem = Static<typeof Problem>;
export type SignInStep = Static<typeof SignInStep>;
export type VerifyResult = Static<typeof VerifyResult>;
export type SessionView = Static<typeof SessionView>;
export type TwoFactorStatus = Static<typeof TwoFactorStatus>;
export type AuditEvent = Static<typeof AuditEvent>;
export type WebhookView = Static<typeof WebhookView>;
export type WebhookCreated = Static<typeof WebhookCreated>;
export type WebhookDeliveryView = Static<typeof WebhookDeliveryView>;
