import Type from 'typebox';

/** Shared request schemas; `additionalProperties: false` so unknown fields are refused. */
const strict = { additionalProperties: false } as const;

/** No control characters (PostgreSQL refuses NUL in text; nothing legitimate carries them). */
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f]*$';

export const Code = Type.String({ minLength: 1, maxLength: 64, pattern: PRINTABLE, description: '6 digits (authenticator or email code) or a recovery code' });
export const Password = Type.String({ minLength: 1, maxLength: 1024, pattern: '^[^\\u0000]*$' });
export const Email = Type.String({ minLength: 3, maxLength: 254, pattern: PRINTABLE });
/** Ids and tokens are base64url. */
export const Id = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });
const PolicyMethod = Type.Union([Type.Literal('totp'), Type.Literal('email'), Type.Literal('webauthn')]);

/** The languages emails are written in (issue 14). */
export const Locale = Type.Union([Type.Literal('en'), Type.Literal('zh-CN')], { description: 'English or Simplified Chinese' });
export const LocaleBody = Type.Object({ locale: Locale }, strict);

export const LoginBody = Type.Object({ email: Email, password: Password, workspaceId: Type.Optional(Id) }, strict);

/** base64url text of at most `maxLength` characters (WebAuthn JSON fields). */
const Base64Url = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+={0,2}$' });
const CredentialCommon = {
  id: Base64Url(1400),
  rawId: Base64Url(1400),
  type: Type.Literal('public-key'),
  clientExtensionResults: Type.Object({}, { additionalProperties: true }),
  authenticatorAttachment: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
};

/** A passkey's answer to `navigator.credentials.get()` as JSON (`AuthenticationResponseJSON`, WebAuthn Level 3 §5.1). */
export const WebAuthnAssertion = Type.Object(
  {
    ...CredentialCommon,
    response: Type.Object({
      clientDataJSON: Base64Url(4096),
      authenticatorData: Base64Url(4096),
      signature: Base64Url(2048),
      userHandle: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
    }),
  },
  { ...strict, description: 'The credential from navigator.credentials.get(), as JSON' },
);

/** A new credential from `navigator.credentials.create()` as JSON (`RegistrationResponseJSON`, WebAuthn Level 3 §5.1). */
export const WebAuthnAttestation = Type.Object(
  {
    ...CredentialCommon,
    response: Type.Object({
      clientDataJSON: Base64Url(4096),
      attestationObject: Base64Url(12000),
      authenticatorData: Type.Optional(Base64Url(4096)),
      transports: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 })),
      publicKeyAlgorithm: Type.Optional(Type.Integer()),
      publicKey: Type.Optional(Base64Url(4096)),
    }),
  },
  { ...strict, description: 'The credential from navigator.credentials.create(), as JSON' },
);

/** A passkey's name as its owner calls it ("Work laptop", "YubiKey 5"). */
export const PasskeyName = Type.String({ minLength: 1, maxLength: 64, pattern: PRINTABLE });

const CodeMethod = Type.Union([Type.Literal('totp'), Type.Literal('email'), Type.Literal('recovery_code'), Type.Literal('totp_enrollment')]);
/** "Don't ask again on this browser" (login challenges whose `rememberDeviceDays` is above 0). */
const RememberDevice = Type.Optional(
  Type.Boolean({ description: "Login only: don't ask again on this browser for the challenge's `rememberDeviceDays` days (ignored when 0)" }),
);
export const VerifyBody = Type.Union(
  [
    Type.Object({ method: CodeMethod, code: Code, rememberDevice: RememberDevice }, strict),
    Type.Object(
      { method: Type.Literal('webauthn'), credential: WebAuthnAssertion, rememberDevice: RememberDevice },
      { ...strict, description: 'A passkey or security key' },
    ),
    Type.Object(
      { method: Type.Literal('webauthn_enrollment'), credential: WebAuthnAttestation, name: Type.Optional(PasskeyName), rememberDevice: RememberDevice },
      { ...strict, description: 'A new passkey answering POST …/webauthn-enrollment' },
    ),
  ],
  { description: 'A code, or (method `webauthn`) the assertion answering the options of POST …/webauthn' },
);

export const ChallengeParams = Type.Object({ id: Id }, strict);
export const SuperAppParams = Type.Object({ id: Id }, strict);
export const WorkspaceParams = Type.Object({ id: Id }, strict);
export const MemberParams = Type.Object({ id: Id, accountId: Id }, strict);

export const ActivationVerifyBody = Type.Object({ code: Code }, strict);

export const DeactivationBody = Type.Union(
  [
    Type.Object(
      {
        password: Password,
        method: Type.Union([Type.Literal('totp'), Type.Literal('email'), Type.Literal('recovery_code')]),
        code: Code,
      },
      strict,
    ),
    Type.Object({ password: Password, method: Type.Literal('webauthn'), credential: WebAuthnAssertion }, strict),
  ],
  { description: 'The password and a code, or (method `webauthn`) an assertion answering POST /api/v1/account/two-factor/webauthn' },
);

export const PasskeyRegistrationBody = Type.Object({ name: PasskeyName, credential: WebAuthnAttestation }, strict);
export const PasskeyRenameBody = Type.Object({ name: PasskeyName }, strict);
export const PasskeyParams = Type.Object({ id: Id }, strict);

/** Enrolment during a challenge that also offers email: the emailed code comes first. */
export const EnrollmentBody = Type.Object({ code: Type.Optional(Code) }, strict);

export const SwitchWorkspaceBody = Type.Object({ workspaceId: Id }, strict);

export const ReauthenticateBody = Type.Object({ password: Password }, strict);

export const RegenerateBody = Type.Union(
  [
    Type.Object({ password: Password, code: Code }, strict),
    Type.Object({ password: Password, method: Type.Literal('webauthn'), credential: WebAuthnAssertion }, strict),
  ],
  { description: 'The password and an authenticator code, or (method `webauthn`) an assertion answering POST /api/v1/account/two-factor/webauthn' },
);

/** The account's own second factor, when it has one (email codes do not count for a password). */
const OwnFactorMethod = Type.Union([Type.Literal('totp'), Type.Literal('recovery_code')]);

export const ChangePasswordBody = Type.Union(
  [
    Type.Object({ currentPassword: Password, newPassword: Password, method: Type.Optional(OwnFactorMethod), code: Type.Optional(Code) }, strict),
    Type.Object({ currentPassword: Password, newPassword: Password, method: Type.Literal('webauthn'), credential: WebAuthnAssertion }, strict),
  ],
  { description: 'With a code, or (method `webauthn`) an assertion answering POST /api/v1/account/two-factor/webauthn' },
);
export const PasswordResetRequestBody = Type.Object({ email: Email }, strict);
export const PasswordResetBody = Type.Union(
  [
    Type.Object({ newPassword: Password, method: Type.Optional(OwnFactorMethod), code: Type.Optional(Code) }, strict),
    Type.Object({ newPassword: Password, method: Type.Literal('webauthn'), credential: WebAuthnAssertion }, strict),
  ],
  { description: 'With a code, or (method `webauthn`) an assertion answering POST …/password-reset/{token}/webauthn' },
);
export const TokenParams = Type.Object({ token: Id }, strict);
/** A session's id as `GET /account/sessions` shows it. */
export const SessionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9a-f]+$' }) }, strict);
export const DeviceParams = Type.Object({ id: Id }, strict);

export const PolicyBody = Type.Object(
  {
    required: Type.Boolean(),
    primaryMethod: PolicyMethod,
    secondaryMethod: Type.Union([PolicyMethod, Type.Null()]),
    allowDeactivation: Type.Boolean(),
    phishingResistantOnly: Type.Optional(Type.Boolean({ description: 'Left out: unchanged' })),
    rememberDeviceDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        // MAX_REMEMBER_DEVICE_DAYS of domain/policy.ts (only TypeBox is imported here, for the console bundle).
        maximum: 30,
        description:
          'Days a login may skip the second factor on a browser that asked "don\'t ask again" (0: never). Left out: unchanged, or 0 when this switches `required` on',
      }),
    ),
  },
  strict,
);

/** What an audit event records (services/audit.ts `AuditEventType`). */
export const AuditEventType = Type.Enum([
  'two_factor.activated',
  'two_factor.deactivated',
  'two_factor.reset',
  'second_factor.succeeded',
  'second_factor.skipped',
  'second_factor.failed',
  'second_factor.replayed',
  'second_factor.locked',
  'recovery_code.used',
  'recovery_codes.regenerated',
  'email_code.sent',
  'policy.changed',
  'passkey.added',
  'passkey.renamed',
  'passkey.removed',
  'totp.removed',
  'passkey.sign_counter_regressed',
  'password.changed',
  'password_reset.requested',
  'password.reset',
  'webhook.created',
  'webhook.deleted',
  'mail.undeliverable',
]);

/** One page of an activity view: `cursor` is the `nextCursor` of the previous page. */
const AuditPageFields = {
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'The `nextCursor` of the previous page' })),
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: 'Events per page, 1 to 200 (200 when left out)' })),
};
const AuditFilterFields = {
  type: Type.Optional(AuditEventType),
  accountId: Type.Optional(Id),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Events at or after this instant' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Events before this instant' })),
};
export const AccountAuditQuery = Type.Object(AuditPageFields, strict);
export const SuperAppAuditQuery = Type.Object({ ...AuditPageFields, ...AuditFilterFields }, strict);
export const AuditExportQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], { description: 'CSV with a header (default), or JSON lines' })),
    ...AuditFilterFields,
  },
  strict,
);

export const WebhookParams = Type.Object({ id: Id, webhookId: Id }, strict);
/** A webhook's subscription: audit event types of the super app, or `"*"` for all. */
export const WebhookEvents = Type.Array(Type.Union([AuditEventType, Type.Literal('*')]), {
  minItems: 1,
  maxItems: 50,
  description: 'Audit event types to send, or `["*"]` for every event',
});
export const WebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000, pattern: PRINTABLE, description: 'https:// (http://localhost only while PUBLIC_URL is unset)' }),
    events: WebhookEvents,
  },
  strict,
);
