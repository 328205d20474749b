import { ApiError } from './api';
import { en } from './i18n/en';
import { currentLanguage, t } from './i18n';
import type { PasskeyProblemCode } from './passkeys';
import type { NamedRef, ProblemBody, ProblemCode } from './types';

export type ConsoleProblemCode = 'network_error' | 'reauthentication_cancelled' | PasskeyProblemCode;
export type PhraseCode = ProblemCode | ConsoleProblemCode;

/**
 * Every sentence the console says about a refused or failed call lives in the catalogues
 * (i18n/en.ts, sections `problem`, `detail`, `failed`, `notice`):
 * - `problem`: one per problem `code` (docs/errors.md), so a new code does not compile without one;
 * - `detail`: the wordings a code takes with details of the problem or with what the console was doing;
 * - `failed`: what failed, for an error with no `code` the console knows (a bug, a proxy's 502);
 * - `notice`: the titles and texts of the notices that explain a refusal.
 */
const PHRASES = { problem: en.problem satisfies Record<PhraseCode, string>, detail: en.detail, failed: en.failed, notice: en.notice };

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

/** The sentence under `key` in the current language, placeholders filled from `values`; `count` picks the plural form. */
export function phrase(key: PhraseKey, values: Record<string, string | number> = {}): string {
  return t(key, values);
}

/** "A, B and C" from the names of `refs`; undefined when there are none. */
function listNames(refs: NamedRef[] | undefined): string | undefined {
  const names = (refs ?? []).map((ref) => ref.name).filter((name) => name.length > 0);
  return names.length > 0 ? new Intl.ListFormat(currentLanguage(), { style: 'long', type: 'conjunction' }).format(names) : undefined;
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
  const failed = Object.hasOwn(PHRASES.failed, action) ? t(`failed.${action}`) : t('failed.default');
  if (!(error instanceof ApiError)) return failed;
  if (isPhraseCode(error.code)) return phraseForProblem(error.code, error.body, action);
  return error.status >= 500 ? phrase('problem.internal_error') : failed;
}
