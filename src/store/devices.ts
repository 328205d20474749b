import { reusableQuery, reusableQueryFamily } from './reusable-query.js';
import type { Db, DeviceRow } from './schema.js';

/** A browser that completed a sign-in, bound to one account; only its token's SHA-256 is kept. */
export interface Device {
  id: string;
  accountId: string;
  tokenHash: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  /** "Don't ask again on this browser": until when (null: not remembered). */
  rememberedUntil: string | null;
  /** The super app policy's days it was remembered under (null: not remembered). */
  rememberDays: number | null;
}

/** A device with the email key of its account. */
export type DeviceWithAccount = Device & { emailKey: string };

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    accountId: row.account_id,
    tokenHash: row.token_hash,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    rememberedUntil: row.remembered_until,
    rememberDays: row.remember_days === null ? null : Number(row.remember_days),
  };
}

/** The devices whose tokens hash to one of `tokenHashes`, seen since `seenSince`, with their accounts' email keys. */
/**
 * The devices whose tokens hash to one of `tokenHashes`, seen since `seenSince`, with their
 * accounts' email keys. The list is as long as the entries a device cookie may hold (a
 * bound of the code), one compiled query per length.
 */
export async function findLiveDevices(db: Db, tokenHashes: readonly string[], seenSince: string): Promise<DeviceWithAccount[]> {
  if (tokenHashes.length === 0) return [];
  const { rows } = await liveDevicesQuery(db, tokenHashes.length, seenSince, ...tokenHashes);
  return rows.map(({ email_key: emailKey, ...row }) => ({ ...toDevice(row), emailKey }));
}

const liveDevicesQuery = reusableQueryFamily((db: Db, _count: number, seenSince: string, ...tokenHashes: string[]) =>
  db
    .selectFrom('devices')
    .innerJoin('accounts', 'accounts.id', 'devices.account_id')
    .selectAll('devices')
    .select('accounts.email_key')
    .where('devices.token_hash', 'in', tokenHashes)
    .where('devices.last_seen_at', '>', seenSince),
);

export async function insertDevice(db: Db, device: Omit<Device, 'rememberedUntil' | 'rememberDays'>): Promise<void> {
  await insertDeviceQuery(db, device.id, device.accountId, device.tokenHash, device.ip, device.userAgent, device.createdAt, device.lastSeenAt);
}

const insertDeviceQuery = reusableQuery(
  (db: Db, id: string, accountId: string, tokenHash: string, ip: string | null, userAgent: string | null, createdAt: string, lastSeenAt: string) =>
    db.insertInto('devices').values({
      id,
      account_id: accountId,
      token_hash: tokenHash,
      ip,
      user_agent: userAgent,
      created_at: createdAt,
      last_seen_at: lastSeenAt,
    }),
);

/** A known device signed in again: when and from where it was last seen. */
export async function touchDevice(db: Db, id: string, seen: { now: string; ip: string | null; userAgent: string | null }): Promise<void> {
  await touchDeviceQuery(db, id, seen.now, seen.ip, seen.userAgent);
}

const touchDeviceQuery = reusableQuery((db: Db, id: string, now: string, ip: string | null, userAgent: string | null) =>
  db.updateTable('devices').set({ last_seen_at: now, ip, user_agent: userAgent }).where('id', '=', id),
);

/** True when the account has a device seen since `seenSince`. */
export async function hasLiveDevices(db: Db, accountId: string, seenSince: string): Promise<boolean> {
  return (await anyLiveDeviceQuery(db, accountId, seenSince, 1)).rows.length > 0;
}

const anyLiveDeviceQuery = reusableQuery((db: Db, accountId: string, seenSince: string, one: number) =>
  db.selectFrom('devices').select('id').where('account_id', '=', accountId).where('last_seen_at', '>', seenSince).limit(one),
);

/** Keeps the account's `keep` most recently seen devices and forgets the rest. */
export async function pruneDevicesOfAccount(db: Db, accountId: string, keep: number): Promise<void> {
  await pruneDevicesQuery(db, accountId, keep);
}

const pruneDevicesQuery = reusableQuery((db: Db, accountId: string, keep: number) =>
  db
    .deleteFrom('devices')
    .where('account_id', '=', accountId)
    .where('id', 'not in', (eb) =>
      eb.selectFrom('devices').select('id').where('account_id', '=', accountId).orderBy('last_seen_at', 'desc').orderBy('id').limit(keep),
    ),
);

/** The account's devices seen since `seenSince`, most recently seen first. */
export async function listDevicesOfAccount(db: Db, accountId: string, seenSince: string): Promise<Device[]> {
  const rows = await db
    .selectFrom('devices')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('last_seen_at', '>', seenSince)
    .orderBy('last_seen_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toDevice);
}

/** Forgets every device of the account but `keepId`; returns how many. */
export async function deleteDevicesOfAccount(db: Db, accountId: string, keepId?: string): Promise<number> {
  let query = db.deleteFrom('devices').where('account_id', '=', accountId);
  if (keepId) query = query.where('id', '!=', keepId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Forgets one device of the account; false when the account has no such device. */
export async function deleteDeviceOfAccount(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('devices').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Remembers the device ("don't ask again") until `until`, under a policy of `days` days. */
export async function rememberDeviceUntil(db: Db, id: string, remembrance: { until: string; days: number }): Promise<void> {
  await db.updateTable('devices').set({ remembered_until: remembrance.until, remember_days: remembrance.days }).where('id', '=', id).execute();
}

/** Ends every remembrance of the account's devices (password or second-factor change); returns how many ended. */
export async function endRemembrancesOfAccount(db: Db, accountId: string): Promise<number> {
  const result = await db
    .updateTable('devices')
    .set({ remembered_until: null, remember_days: null })
    .where('account_id', '=', accountId)
    .where('remembered_until', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Ends the remembrances granted under more than `days` days on devices of the super app's
 * members (its policy lowered N); returns how many ended.
 */
export async function endRemembrancesAboveDays(db: Db, superAppId: string, days: number): Promise<number> {
  const members = db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select('memberships.account_id')
    .where('workspaces.super_app_id', '=', superAppId);
  const result = await db
    .updateTable('devices')
    .set({ remembered_until: null, remember_days: null })
    .where('remember_days', '>', days)
    .where('account_id', 'in', members)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
