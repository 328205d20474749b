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
export async function findLiveDevices(db: Db, tokenHashes: readonly string[], seenSince: string): Promise<DeviceWithAccount[]> {
  if (tokenHashes.length === 0) return [];
  const rows = await db
    .selectFrom('devices')
    .innerJoin('accounts', 'accounts.id', 'devices.account_id')
    .selectAll('devices')
    .select('accounts.email_key')
    .where('devices.token_hash', 'in', [...tokenHashes])
    .where('devices.last_seen_at', '>', seenSince)
    .execute();
  return rows.map(({ email_key: emailKey, ...row }) => ({ ...toDevice(row), emailKey }));
}

export async function insertDevice(db: Db, device: Omit<Device, 'rememberedUntil' | 'rememberDays'>): Promise<void> {
  await db
    .insertInto('devices')
    .values({
      id: device.id,
      account_id: device.accountId,
      token_hash: device.tokenHash,
      ip: device.ip,
      user_agent: device.userAgent,
      created_at: device.createdAt,
      last_seen_at: device.lastSeenAt,
    })
    .execute();
}

/** A known device signed in again: when and from where it was last seen. */
export async function touchDevice(db: Db, id: string, seen: { now: string; ip: string | null; userAgent: string | null }): Promise<void> {
  await db.updateTable('devices').set({ last_seen_at: seen.now, ip: seen.ip, user_agent: seen.userAgent }).where('id', '=', id).execute();
}

/** True when the account has a device seen since `seenSince`. */
export async function hasLiveDevices(db: Db, accountId: string, seenSince: string): Promise<boolean> {
  const row = await db.selectFrom('devices').select('id').where('account_id', '=', accountId).where('last_seen_at', '>', seenSince).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Keeps the account's `keep` most recently seen devices and forgets the rest. */
export async function pruneDevicesOfAccount(db: Db, accountId: string, keep: number): Promise<void> {
  await db
    .deleteFrom('devices')
    .where('account_id', '=', accountId)
    .where('id', 'not in', (eb) =>
      eb.selectFrom('devices').select('id').where('account_id', '=', accountId).orderBy('last_seen_at', 'desc').orderBy('id').limit(keep),
    )
    .execute();
}

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
