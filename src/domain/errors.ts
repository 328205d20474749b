/**
 * The one catalogue of error codes. Every code has an HTTP status and a title, so a
 * code without an HTTP meaning does not compile. Documented in docs/errors.md.
 */
export const ERROR_CATALOGUE = {
  invalid_request: { status: 400, title: 'The request is not valid' },
  method_not_allowed: { status: 400, title: 'This verification method is not allowed here' },
  cannot_reset_own_two_factor: { status: 400, title: 'You cannot reset your own two-factor authentication' },
  weak_password: { status: 400, title: 'The password does not meet the password policy' },
  passkey_not_verified: { status: 400, title: 'The passkey or security key could not be verified; try again' },
  webhook_url_not_allowed: { status: 400, title: 'The webhook URL is not allowed: use https:// to a public address' },
  unauthenticated: { status: 401, title: 'Sign in first' },
  invalid_credentials: { status: 401, title: 'The email or password is incorrect' },
  invalid_code: { status: 401, title: 'The verification code is incorrect' },
  reauthentication_required: { status: 401, title: 'Confirm your password to continue' },
  forbidden: { status: 403, title: 'You are not allowed to do this' },
  not_a_member: { status: 403, title: 'The account is not a member of this workspace' },
  deactivation_not_allowed: { status: 403, title: 'A super app you belong to does not allow deactivating two-factor authentication' },
  cross_origin_request: { status: 403, title: 'Cross-origin requests are not allowed' },
  second_factor_required_for_super_app: { status: 403, title: 'This super app requires a second factor that this session has not passed' },
  admin_second_factor_required: {
    status: 403,
    title: 'Verify a second factor in this session before changing a policy or resetting two-factor authentication',
  },
  reset_forbidden_by_super_app: { status: 403, title: 'Another super app this member belongs to does not allow turning off their two-factor authentication' },
  email_code_required: { status: 403, title: 'Enter the code we emailed you before setting up an authenticator' },
  second_factor_code_required: { status: 403, title: 'Enter a code from your authenticator app or a recovery code' },
  not_found: { status: 404, title: 'Not found' },
  no_pending_activation: { status: 404, title: 'There is no pending two-factor activation' },
  two_factor_already_active: { status: 409, title: 'Two-factor authentication is already active' },
  two_factor_not_active: { status: 409, title: 'Two-factor authentication is not active' },
  already_exists: { status: 409, title: 'It already exists' },
  last_second_factor: { status: 409, title: 'This is your last second factor; turning it off is a deactivation' },
  passkey_limit_reached: { status: 409, title: 'No more passkeys or security keys can be added; remove one first' },
  challenge_expired: { status: 410, title: 'The sign-in attempt has expired; enter your password again' },
  activation_expired: { status: 410, title: 'The activation has expired; start again' },
  password_reset_expired: { status: 410, title: 'The password reset link has expired or was already used; request a new one' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Send the request body as application/json' },
  too_many_attempts: { status: 429, title: 'Too many attempts; try again later' },
  resend_too_soon: { status: 429, title: 'Wait before requesting another code' },
  too_many_codes: { status: 429, title: 'Too many codes were requested; try again later' },
  internal_error: { status: 500, title: 'Something went wrong on our side' },
  mail_delivery_failed: { status: 503, title: 'The email could not be sent; try again' },
  service_unavailable: { status: 503, title: 'The service is not available' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An expected failure with a stable code; `extra` fields go into the problem body. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra: Record<string, unknown>;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, extra: Record<string, unknown> = {}, detail?: string) {
    super(detail ?? ERROR_CATALOGUE[code].title);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.extra = extra;
    const retry = extra.retryAfterSeconds;
    this.retryAfterSeconds = typeof retry === 'number' ? retry : undefined;
  }
}
