import type { Locale } from '../domain/locale.js';
import { setAccountLocale } from '../store/accounts.js';
import type { Deps } from './deps.js';

/** `PUT /api/v1/account/locale`: the language the account's emails are written in from now on. */
export async function chooseAccountLocale(deps: Pick<Deps, 'db'>, accountId: string, locale: Locale): Promise<void> {
  await setAccountLocale(deps.db, accountId, locale);
}
