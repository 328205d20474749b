import { ApiError } from './api';
import type { PasskeyProblemCode } from './passkeys';
import type { NamedRef, ProblemBody, ProblemCode } from './types';

/** The console's language; the one place a translation will change (issue 14). */
const LOCALE = 'en';

/** Codes the console gives failures of its own (api.ts, reauth.tsx), beside the server's. */
export type ConsoleProblemCode = 'network_error' | 'reauthentication_cancelled' | PasskeyProblemCode;
export type PhraseCode = ProblemCode | ConsoleProblemCode;

/**
 * Every sentence the console says about a refused or failed call, in one table:
 * - `problem`: one per problem `code` (docs/errors.md), so a new code does not compile without one;
 * - `detail`: the wordings a code takes with details of the problem or with what the console was doing;
 * - `failed`: what failed, for an error with no `code` the console knows (a bug, a proxy's 502);
 * - `notice`: the titles and texts of the notices that explain a refusal.
 * Placeholders are `{{name}}`; keys ending `_one` / `_other` are picked by `count`: the shapes
 * i18next reads, so this table can become the English catalogue as it stands.
 */
export const PHRASES = {
  problem: {
    invalid_request: 'Some of the values entered are not valid. Check them and try again.',
    method_not_allowed: 'That verification method is not available here. Choose another method.',
    cannot_reset_own_two_factor: 'You cannot reset your own two-factor authentication; deactivate it in Settings instead.',
    weak_password: 'This password does not meet the password policy. Choose a longer, less common one.',
    unauthenticated: 'Your session ended. Log in again.',
    invalid_credentials: 'Wrong email or password.',
    invalid_code: 'Wrong code. Check it and try again.',
    reauthentication_required: 'Confirm your password to continue.',
    forbidden: 'You do not have permission to do this.',
    not_a_member: 'This account is not a member of any workspace yet. Ask a workspace admin to add you.',
    deactivation_not_allowed: 'Deactivation is not allowed by {{superApps}}.',
    cross_origin_request: 'The request was refused because it came from another site. Reload the console and try again.',
    second_factor_required_for_super_app: '{{superApp}} requires two-factor authentication: verify with a second factor to continue.',
    admin_second_factor_required: 'This needs your own two-factor authentication: activate it in Settings → Account first.',
    reset_forbidden_by_super_app: "Only an admin of {{superApps}} can reset this member's two-factor authentication.",
    email_code_required: 'Enter the code we emailed you before setting up an authenticator app.',
    not_found: 'It is no longer there. Reload the page and try again.',
    no_pending_activation: 'This set-up is no longer pending. Start again.',
    two_factor_already_active: 'Two-factor authentication is already active on your account.',
    two_factor_not_active: 'Two-factor authentication is not active on this account.',
    already_exists: 'It already exists.',
    challenge_expired: 'This sign-in attempt expired; enter your password again.',
    activation_expired: 'This set-up expired. Start again to get a new QR code.',
    payload_too_large: 'What was sent is too large.',
    unsupported_media_type: 'The server did not accept the request. Reload the console and try again.',
    too_many_attempts: 'Too many attempts. Wait a moment before trying again.',
    resend_too_soon: 'A code was sent moments ago. Wait before asking for another one.',
    too_many_codes: 'Too many codes were requested. Wait a while before asking for another one.',
    internal_error: 'The server had a problem. Please try again in a moment.',
    mail_delivery_failed: 'The email could not be sent. Try again in a moment.',
    service_unavailable: 'The server had a problem. Please try again in a moment.',
    network_error: 'The server could not be reached. Check your connection and try again.',
    reauthentication_cancelled: 'The change was not made because the password was not confirmed.',
    second_factor_code_required: 'Enter a code from your authenticator app, or one of your recovery codes.',
    password_reset_expired: 'This link has expired or was already used. Ask for a new one.',
    passkey_not_verified: 'The passkey or security key could not be verified. Try again.',
    webhook_url_not_allowed: 'The webhook URL is not allowed. Use an https:// address of a public host.',
    last_second_factor: 'This is your last second factor: turn two-factor authentication off instead.',
    passkey_limit_reached: 'This account has as many passkeys and security keys as it may have. Remove one first.',
    passkey_cancelled: 'The passkey or security key was not used: the request was cancelled, timed out, or found no passkey of this account. Try again.',
    passkey_unsupported:
      'This browser cannot use passkeys or security keys here. Open the console at its own address (https, or localhost) in a current browser, or use another method.',
    passkey_already_registered: 'This passkey or security key is already added to your account.',
  } satisfies Record<PhraseCode, string>,
  detail: {
    invalid_code_attempts_left_one: 'Wrong code. {{count}} attempt left.',
    invalid_code_attempts_left_other: 'Wrong code. {{count}} attempts left.',
    invalid_code_no_attempts_left: 'Wrong code. No attempts left.',
    invalid_code_clock_ahead_one: "Wrong code. Your phone's clock seems about {{count}} minute ahead; turn on automatic date and time on your phone.",
    invalid_code_clock_ahead_other: "Wrong code. Your phone's clock seems about {{count}} minutes ahead; turn on automatic date and time on your phone.",
    invalid_code_clock_behind_one: "Wrong code. Your phone's clock seems about {{count}} minute behind; turn on automatic date and time on your phone.",
    invalid_code_clock_behind_other: "Wrong code. Your phone's clock seems about {{count}} minutes behind; turn on automatic date and time on your phone.",
    invalid_code_already_used: 'This code was already used; wait for the next one.',
    invalid_code_already_used_attempts_left_one: 'This code was already used; wait for the next one. {{count}} attempt left.',
    invalid_code_already_used_attempts_left_other: 'This code was already used; wait for the next one. {{count}} attempts left.',
    invalid_credentials_current_password: 'Wrong current password.',
    invalid_code_activation: 'Wrong code. Enter the current code from your authenticator app.',
    invalid_credentials_password_only: 'Wrong password.',
    deactivation_not_allowed_unnamed: 'Deactivation is not allowed by your super app.',
    second_factor_required_for_super_app_unnamed: 'This super app requires two-factor authentication: verify with a second factor to continue.',
    reset_forbidden_by_super_app_unnamed: "Only an admin of every super app that forbids deactivation can reset this member's two-factor authentication.",
    two_factor_not_active_deactivation: 'Two-factor authentication is already off.',
    two_factor_not_active_member: 'This member has no two-factor authentication to reset.',
    two_factor_not_active_step_up: 'This super app asks for no second factor: activate two-factor authentication for your account first.',
    challenge_expired_step_up: 'This verification expired; start it again.',
    resend_too_soon_countdown: 'A code was sent less than a minute ago; you can send another in {{seconds}} s.',
    resend_too_soon_sent_here: 'We sent a code to {{sentTo}} less than a minute ago: enter it below. You can send another in {{seconds}} s.',
    resend_too_soon_earlier_attempt: 'A code sent for an earlier sign-in attempt does not work for this one.',
  },
  failed: {
    default: 'Something went wrong. Please try again.',
    load_two_factor: 'Two-factor settings could not be loaded.',
    start_activation: 'The set-up could not be started.',
    start_enrollment: 'The authenticator set-up could not be started.',
    deactivate: 'Two-factor authentication could not be deactivated.',
    regenerate_codes: 'New recovery codes could not be generated.',
    send_code: 'The code could not be sent. Try again.',
    load_policy: 'The policy could not be loaded.',
    save_policy: 'The policy could not be saved.',
    load_members: 'The member list could not be loaded.',
    reset_member: 'The reset failed.',
    log_out: 'Logging out failed. Try again.',
    change_password: 'The password could not be changed.',
    request_password_reset: 'The link could not be requested. Try again.',
    check_reset_link: 'The link could not be checked. Try again.',
    reset_password: 'The password could not be reset.',
    load_sessions: 'The list of sessions could not be loaded.',
    load_devices: 'The list of browsers could not be loaded.',
    end_session: 'The session could not be signed out.',
    end_other_sessions: 'The other sessions could not be signed out.',
    forget_device: 'The browser could not be forgotten.',
    use_passkey: 'The passkey or security key could not be used. Try again.',
    add_passkey: 'The passkey or security key could not be added.',
    rename_passkey: 'The passkey could not be renamed.',
    remove_passkey: 'The passkey could not be removed.',
    remove_authenticator: 'The authenticator app could not be removed.',
  },
  notice: {
    locked_out: 'Too many attempts. Try again in {{time}}.',
    activation_expired_title: 'This set-up expired',
    activation_expired_description: 'The QR code is valid for 10 minutes. Start again to get a new one, and remove the old entry from your authenticator app.',
    super_app_second_factor_title: '{{superApp}} requires two-factor authentication',
    super_app_second_factor_description: 'This session has not passed the second factor {{superApp}} asks for. Verify to manage it.',
    challenge_ended_attempts_title: 'No attempts left',
    challenge_ended_attempts_description: 'Too many wrong codes were entered for this sign-in attempt. Sign in again to get a new attempt.',
    challenge_ended_attempts_step_up_description: 'Too many wrong codes were entered for this verification. Start it again to get a new attempt.',
    challenge_ended_attempts_restart: 'Your last sign-in attempt ended after too many wrong codes. Enter your password to start a new one.',
    challenge_ended_expired_title: 'This sign-in attempt expired',
    challenge_ended_expired_description: 'Sign in again to get a new attempt.',
    challenge_ended_expired_step_up_title: 'This verification expired',
    challenge_ended_expired_step_up_description: 'Start it again to get a new attempt.',
    sign_in_interrupted: 'Your sign-in attempt was interrupted. Sign in again to continue.',
    activation_same_key: 'This is the key shown before: an entry you already scanned still works.',
    activation_new_key:
      'This is a new key: the one shown before expired, so an entry you already scanned will not work. Remove it from your authenticator app.',
    password_changed: 'Password changed. Other browsers and devices were signed out.',
    password_reset_requested: 'If an account uses this email, we sent it a link. It works for {{minutes}} minutes.',
    password_reset_done: 'Password reset. Sign in with your new password.',
    password_reset_expired_title: 'This link has expired or was already used',
    password_reset_expired_description: 'A link works once, for 30 minutes, and only the newest one works. Ask for a new one.',
    password_reset_missing_title: 'Open the link from the email',
    password_reset_missing_description:
      'This page needs the link we emailed you (it is not kept once read, so reloading the page loses it). Open the link from the email again, or ask for a new one.',
    other_sessions_ended_one: '{{count}} other session was signed out.',
    other_sessions_ended_other: '{{count}} other sessions were signed out.',
    own_second_factor_title: 'Activate your own two-factor authentication first',
    own_second_factor_description:
      "Changing a super app's policy or resetting a member's two-factor authentication needs a session that passed a second factor.",
  },
};

type Section = keyof typeof PHRASES;
type PluralBase<K extends string> = K extends `${infer Base}_${'one' | 'other'}` ? Base : K;
/** "section.name", the name without its plural suffix: `phrase('detail.invalid_code_attempts_left', { count })`. */
export type PhraseKey = { [S in Section]: `${S}.${PluralBase<keyof (typeof PHRASES)[S] & string>}` }[Section];
type NameIn<S extends Section> = PluralBase<keyof (typeof PHRASES)[S] & string>;

/** What the console was doing when a call failed: names the `failed` phrase and the `detail` wordings that replace a code's own. */
export type Action = keyof typeof PHRASES.failed | 'confirm_password' | 'verify_activation' | 'step_up';

/** Where what the console was doing changes a code's words: code → a `detail` phrase, per action. */
const WORDING_DURING: { [A in Action]?: Partial<Record<PhraseCode, NameIn<'detail'>>> } = {
  confirm_password: { invalid_credentials: 'invalid_credentials_password_only' },
  deactivate: { invalid_credentials: 'invalid_credentials_password_only', two_factor_not_active: 'two_factor_not_active_deactivation' },
  regenerate_codes: { invalid_credentials: 'invalid_credentials_password_only' },
  verify_activation: { invalid_code: 'invalid_code_activation' },
  step_up: { challenge_expired: 'challenge_expired_step_up', two_factor_not_active: 'two_factor_not_active_step_up' },
  reset_member: { two_factor_not_active: 'two_factor_not_active_member' },
  change_password: { invalid_credentials: 'invalid_credentials_current_password' },
};

const pluralRules = new Intl.PluralRules(LOCALE);
const listFormat = new Intl.ListFormat(LOCALE, { style: 'long', type: 'conjunction' });

/** The sentence under `key`, placeholders filled from `values`; `count` picks the `_one` / `_other` form. */
export function phrase(key: PhraseKey, values: Record<string, string | number> = {}): string {
  const [section, name] = key.split('.') as [Section, string];
  const table: Record<string, string> = PHRASES[section];
  const plural = typeof values.count === 'number' ? table[`${name}_${pluralRules.select(values.count)}`] : undefined;
  const text = plural ?? table[name] ?? key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, field: string) => String(values[field] ?? ''));
}

/** "A, B and C" from the names of `refs`; undefined when there are none. */
function listNames(refs: NamedRef[] | undefined): string | undefined {
  const names = (refs ?? []).map((ref) => ref.name).filter((name) => name.length > 0);
  return names.length > 0 ? listFormat.format(names) : undefined;
}

/** The wording that needs the problem's extra fields (clock drift, a code used already, super app names), if it has them. */
function detailedPhrase(code: PhraseCode, body: ProblemBody): string | undefined {
  switch (code) {
    case 'invalid_code': {
      const drift = body.clockDriftSeconds;
      if (typeof drift === 'number' && drift !== 0) {
        const minutes = Math.max(1, Math.round(Math.abs(drift) / 60));
        return phrase(drift < 0 ? 'detail.invalid_code_clock_behind' : 'detail.invalid_code_clock_ahead', { count: minutes });
      }
      if (body.codeAlreadyUsed === true) {
        const left = body.attemptsRemaining;
        return typeof left === 'number' && left > 0
          ? phrase('detail.invalid_code_already_used_attempts_left', { count: left })
          : phrase('detail.invalid_code_already_used');
      }
      return undefined;
    }
    case 'second_factor_required_for_super_app':
      return body.superApp?.name
        ? phrase('problem.second_factor_required_for_super_app', { superApp: body.superApp.name })
        : phrase('detail.second_factor_required_for_super_app_unnamed');
    case 'deactivation_not_allowed': {
      const names = listNames(body.forbiddenBy ?? (body.superApp && [body.superApp]));
      return names ? phrase('problem.deactivation_not_allowed', { superApps: names }) : phrase('detail.deactivation_not_allowed_unnamed');
    }
    case 'reset_forbidden_by_super_app': {
      const names = listNames(body.superApps ?? (body.superApp && [body.superApp]));
      return names ? phrase('problem.reset_forbidden_by_super_app', { superApps: names }) : phrase('detail.reset_forbidden_by_super_app_unnamed');
    }
    default:
      return undefined;
  }
}

/** "Wrong code. 3 attempts left." when a challenge said how many are left; undefined when it did not. */
function attemptsPhrase(body: ProblemBody): string | undefined {
  const left = body.attemptsRemaining;
  if (typeof left !== 'number') return undefined;
  return left <= 0 ? phrase('detail.invalid_code_no_attempts_left') : phrase('detail.invalid_code_attempts_left', { count: left });
}

/** True when the table has a phrase for `code` (a server or console code; not `http_502` and the like). */
export function isPhraseCode(code: string): code is PhraseCode {
  return Object.hasOwn(PHRASES.problem, code);
}

/** The sentence for a problem `code` with its `body` (details first, then `action`'s wording, then the code's own). */
export function phraseForProblem(code: PhraseCode, body: ProblemBody = {}, action: Action = 'default'): string {
  const detailed = detailedPhrase(code, body);
  if (detailed) return detailed;
  const during = WORDING_DURING[action]?.[code];
  if (during) return phrase(`detail.${during}`);
  if (code === 'invalid_code') return attemptsPhrase(body) ?? phrase('problem.invalid_code');
  return phrase(`problem.${code}`);
}

/**
 * Plain words for a failed call made while doing `action`: the problem's phrase when the
 * server (or the console) gave a code it knows, the server-problem phrase for an unknown
 * 5xx, and otherwise what failed (`failed.<action>`).
 */
export function describeProblem(error: unknown, action: Action = 'default'): string {
  const failed = (PHRASES.failed as Record<string, string>)[action] ?? PHRASES.failed.default;
  if (!(error instanceof ApiError)) return failed;
  if (isPhraseCode(error.code)) return phraseForProblem(error.code, error.body, action);
  return error.status >= 500 ? phrase('problem.internal_error') : failed;
}
