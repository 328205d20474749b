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
const PolicyMethod = Type.Union([Type.Literal('totp'), Type.Literal('email')]);

export const LoginBody = Type.Object({ email: Email, password: Password, workspaceId: Type.Optional(Id) }, strict);

export const VerifyBody = Type.Object(
  {
    method: Type.Union([Type.Literal('totp'), Type.Literal('email'), Type.Literal('recovery_code'), Type.Literal('totp_enrollment')]),
    code: Code,
  },
  strict,
);

export const ChallengeParams = Type.Object({ id: Id }, strict);
export const SuperAppParams = Type.Object({ id: Id }, strict);
export const WorkspaceParams = Type.Object({ id: Id }, strict);
export const MemberParams = Type.Object({ id: Id, accountId: Id }, strict);

export const ActivationVerifyBody = Type.Object({ code: Code }, strict);

export const DeactivationBody = Type.Object(
  {
    password: Password,
    method: Type.Union([Type.Literal('totp'), Type.Literal('email'), Type.Literal('recovery_code')]),
    code: Code,
  },
  strict,
);

/** Enrolment during a challenge that also offers email: the emailed code comes first. */
export const EnrollmentBody = Type.Object({ code: Type.Optional(Code) }, strict);

export const SwitchWorkspaceBody = Type.Object({ workspaceId: Id }, strict);

export const ReauthenticateBody = Type.Object({ password: Password }, strict);

export const RegenerateBody = Type.Object({ password: Password, code: Code }, strict);

/** The account's own second factor, when it has one (email codes do not count for a password). */
const OwnFactorMethod = Type.Union([Type.Literal('totp'), Type.Literal('recovery_code')]);

export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password, method: Type.Optional(OwnFactorMethod), code: Type.Optional(Code) },
  strict,
);
export const PasswordResetRequestBody = Type.Object({ email: Email }, strict);
export const PasswordResetBody = Type.Object({ newPassword: Password, method: Type.Optional(OwnFactorMethod), code: Type.Optional(Code) }, strict);
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
  },
  strict,
);
