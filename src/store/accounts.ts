import { isLocale, type Locale } from '../domain/locale.js';
import { reusableQuery } from './reusable-query.js';
import type { AccountRow, Db } from './schema.js';

/** An account as services see it (no password hash). */
export interface Account {
  id: string;
  email: string;
  name: string;
}

/** Lower-cased email used for the unique, case-insensitive index. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** An account with what verifying it needs: the password hash and the second-factor counters. */
export interface AccountRecord extends Account {
  passwordHash: string;
  /** Highest TOTP step ever accepted (replay guard). */
  totpLastStep: number | null;
  secondFactorFailures: number;
  secondFactorLockedUntil: string | null;
  /** When the last email code was sent (resend cooldown). */
  emailCodeSentAt: string | null;
  createdAt: string;
  /** Language of the account's emails; null: not chosen yet (English). */
  locale: Locale | null;
}

export function toAccount(account: Account): Account {
  return { id: account.id, email: account.email, name: account.name };
}

function toAccountRecord(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    totpLastStep: row.totp_last_step,
    secondFactorFailures: row.second_factor_failures,
    secondFactorLockedUntil: row.second_factor_locked_until,
    emailCodeSentAt: row.email_code_sent_at,
    createdAt: row.created_at,
    locale: storedLocale(row.locale),
  };
}

/** The `accounts.locale` column as a language: null when unset (or a value this version does not write). */
export function storedLocale(value: string | null): Locale | null {
  return isLocale(value) ? value : null;
}

export async function insertAccount(db: Db, row: { id: string; email: string; name: string; passwordHash: string; now: string }): Promise<void> {
  await db
    .insertInto('accounts')
    .values({
      id: row.id,
      email: row.email.trim(),
      email_key: emailKey(row.email),
      name: row.name,
      password_hash: row.passwordHash,
      totp_last_step: null,
      second_factor_locked_until: null,
      email_code_sent_at: null,
      created_at: row.now,
      locale: null,
    })
    .execute();
}

export async function findAccountByEmail(db: Db, email: string): Promise<AccountRecord | undefined> {
  const row = (await accountByEmailKeyQuery(db, emailKey(email))).rows[0];
  return row && toAccountRecord(row);
}

const accountByEmailKeyQuery = reusableQuery((db: Db, key: string) => db.selectFrom('accounts').selectAll().where('email_key', '=', key));

const accountByIdQuery = reusableQuery((db: Db, id: string) => db.selectFrom('accounts').selectAll().where('id', '=', id));

export async function findAccountById(db: Db, id: string): Promise<AccountRecord | undefined> {
  const row = (await accountByIdQuery(db, id)).rows[0];
  return row && toAccountRecord(row);
}

/**
 * Marks TOTP `step` used for the account; false when it (or a later step) was already
 * used. A conditional UPDATE, so exactly one of any number of concurrent claims wins,
 * across processes too (RFC 6238 §5.2: a verifier must not accept the same OTP twice).
 */
export async function claimTotpStep(db: Db, accountId: string, step: number): Promise<boolean> {
  const result = await claimTotpStepQuery(db, accountId, step);
  return (result.numAffectedRows ?? 0n) > 0n;
}

const claimTotpStepQuery = reusableQuery((db: Db, accountId: string, step: number) =>
  db
    .updateTable('accounts')
    .set({ totp_last_step: step })
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)])),
);

/**
 * Counts one second-factor attempt before its code is checked, unless verification is
 * locked at `now`; returns the new count, or null while locked. Reserving first (one
 * conditional UPDATE) means parallel guesses cannot slip past a lock that an earlier
 * guess of the same burst sets; a success clears the count again.
 */
export async function reserveSecondFactorAttempt(db: Db, accountId: string, now: string): Promise<number | null> {
  const row = (await reserveAttemptQuery(db, accountId, now, 1)).rows[0];
  return row ? row.second_factor_failures : null;
}

const reserveAttemptQuery = reusableQuery((db: Db, accountId: string, now: string, one: number) =>
  db
    .updateTable('accounts')
    .set((eb) => ({ second_factor_failures: eb('second_factor_failures', '+', one) }))
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('second_factor_locked_until', 'is', null), eb('second_factor_locked_until', '<=', now)]))
    .returning('second_factor_failures'),
);

/** Locks second-factor verification until `until` (ISO time). */
export async function lockSecondFactor(db: Db, accountId: string, until: string): Promise<void> {
  await lockSecondFactorQuery(db, accountId, until);
}

const lockSecondFactorQuery = reusableQuery((db: Db, accountId: string, until: string) =>
  db.updateTable('accounts').set({ second_factor_locked_until: until }).where('id', '=', accountId),
);

/** Clears the failure count and any lock (after a success or a 2FA reset). */
export async function clearSecondFactorFailures(db: Db, accountId: string): Promise<boolean> {
  const result = await clearFailuresQuery(db, accountId, 0, null);
  return (result.numAffectedRows ?? 0n) > 0n;
}

const clearFailuresQuery = reusableQuery((db: Db, accountId: string, zero: number, none: null) =>
  db
    .updateTable('accounts')
    .set({ second_factor_failures: zero, second_factor_locked_until: none })
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('second_factor_failures', '>', zero), eb('second_factor_locked_until', 'is not', null)])),
);

/**
 * Stamps an email send at `now` unless one happened after `notBefore`; false when the
 * cooldown has not passed. Compare-and-set, so two concurrent requests cannot both send.
 */
export async function claimEmailCodeSend(db: Db, accountId: string, now: string, notBefore: string): Promise<boolean> {
  const result = await db
    .updateTable('accounts')
    .set({ email_code_sent_at: now })
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('email_code_sent_at', 'is', null), eb('email_code_sent_at', '<=', notBefore)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Undoes a send stamp that is still ours (the mail could not be delivered). */
export async function releaseEmailCodeSend(db: Db, accountId: string, stamped: string, previous: string | null): Promise<void> {
  await db.updateTable('accounts').set({ email_code_sent_at: previous }).where('id', '=', accountId).where('email_code_sent_at', '=', stamped).execute();
}

/**
 * Takes the account row's write lock for the rest of the transaction (a no-op UPDATE), so
 * changes to its set of second factors run one after another: two removals of its last two
 * passkeys cannot both see the other one still there. SQLite transactions are serial anyway.
 */
export async function lockAccountFactors(db: Db, accountId: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set((eb) => ({ email_key: eb.ref('email_key') }))
    .where('id', '=', accountId)
    .execute();
}

/** Replaces the account's password hash. */
export async function updatePasswordHash(db: Db, accountId: string, passwordHash: string): Promise<void> {
  await db.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', accountId).execute();
}

/** Sets the language of the account's emails (`PUT /api/v1/account/locale`); false when there is no such account. */
export async function setAccountLocale(db: Db, accountId: string, locale: Locale): Promise<boolean> {
  const result = await db.updateTable('accounts').set({ locale }).where('id', '=', accountId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Sets the language only while the account has none (a sign-in taking it from the
 * browser); one conditional UPDATE, so a language the owner chose is never overwritten.
 */
export async function setAccountLocaleIfUnset(db: Db, accountId: string, locale: Locale): Promise<boolean> {
  const result = await db.updateTable('accounts').set({ locale }).where('id', '=', accountId).where('locale', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
