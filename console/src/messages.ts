import { ApiError, type ProblemBody } from './api';

/** Plain-words explanation of a failed call; `fallback` for codes with no special wording. */
export function describeError(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (!(error instanceof ApiError)) return fallback;
  const body = error.body;
  switch (error.code) {
    case 'network_error':
      return 'The server could not be reached. Check your connection and try again.';
    case 'invalid_credentials':
      return 'Wrong email or password.';
    case 'invalid_code':
      return wrongCode(body.attemptsRemaining);
    case 'not_a_member':
      return 'This account is not a member of any workspace yet. Ask a workspace admin to add you.';
    case 'second_factor_required_for_super_app':
      return `${body.superApp?.name ?? 'This super app'} requires two-factor authentication: verify with a second factor to continue.`;
    case 'admin_second_factor_required':
      return 'This needs your own two-factor authentication: activate it in Settings → Account first.';
    case 'reset_forbidden_by_super_app':
      return `Only an admin of ${forbiddingNames(body) ?? 'every super app that forbids deactivation'} can reset this member's two-factor authentication.`;
    case 'two_factor_not_active':
      return 'This member has no two-factor authentication to reset.';
    case 'too_many_attempts':
      return 'Too many attempts. Wait a moment before trying again.';
    case 'resend_too_soon':
      return 'A code was sent moments ago. Wait before asking for another one.';
    case 'method_not_allowed':
      return 'That verification method is not available here. Choose another method.';
    case 'challenge_expired':
      return 'This sign-in attempt expired; enter your password again.';
    case 'deactivation_not_allowed':
      return `Deactivation is not allowed by ${forbiddingNames(body) ?? 'your super app'}.`;
    case 'too_many_codes':
      return 'Too many codes were requested. Wait a while before asking for another one.';
    case 'mail_delivery_failed':
      return 'The email could not be sent. Try again in a moment.';
    case 'reauthentication_required':
      return 'Confirm your password to continue.';
    case 'reauthentication_cancelled':
      return 'The change was not made because the password was not confirmed.';
    case 'cannot_reset_own_two_factor':
      return 'You cannot reset your own two-factor authentication; deactivate it in Settings instead.';
    case 'cross_origin_request':
      return 'The request was refused because it came from another site. Reload the console and try again.';
    case 'forbidden':
      return 'You do not have permission to do this.';
    case 'invalid_request':
      return 'Some of the values entered are not valid. Check them and try again.';
    case 'unauthenticated':
      return 'Your session ended. Log in again.';
    default:
      return error.status >= 500 ? 'The server had a problem. Please try again in a moment.' : fallback;
  }
}

function forbiddingNames(body: ProblemBody): string | undefined {
  const named = Array.isArray(body.forbiddenBy) ? body.forbiddenBy : Array.isArray(body.superApps) ? body.superApps : [];
  const list = named as Array<{ name?: unknown }>;
  const names = list.map((app) => app.name).filter((name): name is string => typeof name === 'string');
  if (names.length > 0) return names.join(', ');
  return body.superApp?.name;
}

/** "Wrong code. 3 attempts left." — the count only when the server sent one. */
export function wrongCode(attemptsRemaining?: number): string {
  if (typeof attemptsRemaining !== 'number') return 'Wrong code. Check it and try again.';
  if (attemptsRemaining <= 0) return 'Wrong code. No attempts left.';
  return `Wrong code. ${attemptsRemaining} ${attemptsRemaining === 1 ? 'attempt' : 'attempts'} left.`;
}

/** Advice when the server saw the phone's clock off by `driftSeconds` (positive = phone ahead). */
export function clockDriftAdvice(driftSeconds: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(driftSeconds) / 60));
  const direction = driftSeconds < 0 ? 'behind' : 'ahead';
  return `Your phone's clock seems about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} ${direction}; turn on automatic date and time on your phone.`;
}

/** Seconds to wait from a 429 answer, if it said. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const seconds = error.body.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : undefined;
}
