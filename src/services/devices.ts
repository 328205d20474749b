import { generateToken, sha256Hex } from '../adapters/tokens.js';
import { DEVICE_COOKIE_MAX_AGE_SECONDS, MAX_DEVICES_PER_ACCOUNT } from '../domain/limits.js';
import { addSeconds } from '../domain/ports.js';
import { findLiveDevice, hasLiveDevices, insertDevice, listDevicesOfAccount, pruneDevicesOfAccount, touchDevice } from '../store/devices.js';
import type { Db, DeviceRow } from '../store/schema.js';
import { type Deps, newId, type RequestContext } from './deps.js';
import { sendSecurityNotice } from './notifications.js';

/**
 * Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"). After a
 * full sign-in the browser holds `mpp_device` = `token.signature`: a random token and an
 * HMAC of it under the server key, so a forged or altered value is refused before the
 * database is asked; the database keeps only the token's SHA-256. A valid cookie for the
 * account moves that browser's password attempts off the account's shared counter.
 */

const MAX_COOKIE_LENGTH = 200;

function signature(deps: Pick<Deps, 'secretBox'>, token: string): string {
  return deps.secretBox.mac(`mpp-2fa device:${token}`);
}

/** The token of a well-formed, correctly signed cookie value; null otherwise. */
function tokenOf(deps: Pick<Deps, 'secretBox'>, value: string | null | undefined): string | null {
  if (!value || value.length > MAX_COOKIE_LENGTH) return null;
  const dot = value.indexOf('.');
  if (dot <= 0) return null;
  const token = value.slice(0, dot);
  return deps.secretBox.macMatches(`mpp-2fa device:${token}`, value.slice(dot + 1)) ? token : null;
}

function seenSince(deps: Pick<Deps, 'clock'>): string {
  return addSeconds(deps.clock.now(), -DEVICE_COOKIE_MAX_AGE_SECONDS).toISOString();
}

/** The device the cookie names when it is valid, unexpired and bound to `accountId`. */
export async function findTrustedDevice(deps: Deps, db: Db, cookie: string | null | undefined, accountId: string): Promise<DeviceRow | undefined> {
  const token = tokenOf(deps, cookie);
  if (token === null) return undefined;
  const device = await findLiveDevice(db, sha256Hex(token), seenSince(deps));
  return device?.account_id === accountId ? device : undefined;
}

/** A device cookie to set after a sign-in; `newDevice` when the owner should hear of it. */
export interface RememberedDevice {
  cookie: string;
  /** The browser was not a known device of the account, and the account had others. */
  newDevice: boolean;
}

/**
 * Records a full sign-in from this browser inside `tx`: a known device is seen again
 * (same cookie, new lifetime); any other browser gets a new device and cookie. The
 * account keeps its most recently seen `MAX_DEVICES_PER_ACCOUNT` devices.
 */
export async function rememberDevice(deps: Deps, tx: Db, accountId: string, context: RequestContext | null): Promise<RememberedDevice> {
  const now = deps.clock.now().toISOString();
  const seen = { now, ip: context?.ip ?? null, userAgent: context?.userAgent?.slice(0, 512) ?? null };
  const known = await findTrustedDevice(deps, tx, context?.deviceCookie, accountId);
  if (known) {
    await touchDevice(tx, known.id, seen);
    return { cookie: context!.deviceCookie!, newDevice: false };
  }
  const hadDevices = await hasLiveDevices(tx, accountId, seenSince(deps));
  const token = generateToken(deps.random);
  await insertDevice(tx, { id: newId(deps), account_id: accountId, token_hash: sha256Hex(token), ip: seen.ip, user_agent: seen.userAgent, created_at: now, last_seen_at: now });
  await pruneDevicesOfAccount(tx, accountId, MAX_DEVICES_PER_ACCOUNT);
  return { cookie: `${token}.${signature(deps, token)}`, newDevice: hadDevices };
}

/** Emails the owner about a sign-in from a browser the account had not used (after the commit). */
export function noticeNewDevice(deps: Deps, email: string, device: RememberedDevice, context: RequestContext | null): void {
  if (!device.newDevice) return;
  // The user agent is the client's own text: one line, printable, bounded.
  const browser = (context?.userAgent ?? 'unknown').replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
  void sendSecurityNotice(deps, email, 'new_sign_in', `From: ${context?.ip ?? 'unknown address'}\nBrowser: ${browser}`);
}

/** The account's known devices for `GET /account/devices`, the requesting browser marked `current`. */
export async function listDevices(deps: Deps, accountId: string, cookie: string | undefined) {
  const current = await findTrustedDevice(deps, deps.db, cookie, accountId);
  const rows = await listDevicesOfAccount(deps.db, accountId, seenSince(deps));
  return {
    devices: rows.map((row) => ({
      id: row.id,
      firstSeenAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      ip: row.ip,
      userAgent: row.user_agent,
      current: row.id === current?.id,
    })),
  };
}
