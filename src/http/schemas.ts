import Type from 'typebox';

/** Shared request schemas; `additionalProperties: false` so unknown fields are refused. */
const strict = { additionalProperties: false } as const;

export const Code = Type.String({ minLength: 1, maxLength: 64, description: '6 digits (authenticator or email code) or a recovery code' });
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const Email = Type.String({ minLength: 3, maxLength: 254 });
export const Id = Type.String({ minLength: 1, maxLength: 200 });
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

export const ReauthenticateBody = Type.Object({ password: Password }, strict);

export const RegenerateBody = Type.Object({ password: Password, code: Code }, strict);

export const PolicyBody = Type.Object(
  {
    required: Type.Boolean(),
    primaryMethod: PolicyMethod,
    secondaryMethod: Type.Union([PolicyMethod, Type.Null()]),
    allowDeactivation: Type.Boolean(),
  },
  strict,
);
