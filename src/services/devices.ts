import { generateToken, sha256Hex } from '../adapters/tokens.js';
import { DEVICE_COOKIE_ACCOUNTS, DEVICE_COOKIE_MAX_AGE_SECONDS, MAX_DEVICES_PER_ACCOUNT } from '../domain/limits.js';
import { addSeconds } from '../domain/ports.js';
import { remembranceHolds, type TwoFactorPolicy } from '../domain/policy.js';
import { emailKey } from '../store/accounts.js';
import {
  type DeviceWithAccount,
  findLiveDevices,
  hasLiveDevices,
  insertDevice,
  listDevicesOfAccount,
  pruneDevicesOfAccount,
  rememberDeviceUntil,
  touchDevice,
} from '../store/devices.js';
import type { Db } from '../store/schema.js';
import { type Deps, newId, type RequestContext } from './deps.js';
import type { QueueMail, Recipient } from './mail.js';

/**
 * Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"). After a
 * full sign-in the browser holds `mpp_device`: one entry `token.signature` per account
 * that signed in from it (the most recent first, at most `DEVICE_COOKIE_ACCOUNTS`,
 * separated by `~`). The token is random, the signature its HMAC under the server key, so
 * a forged or altered entry is refused before the database is asked; the database keeps
 * only the token's SHA-256. A valid entry for the account being tried moves that
 * browser's password attempts off the account's shared counter.
 */

const SEPARATOR = '~';
/** Entries looked at per request, whatever the browser sends (each costs an HMAC). */
const MAX_ENTRIES_READ = DEVICE_COOKIE_ACCOUNTS * 2;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

function signature(deps: Pick<Deps, 'secretBox'>, token: string): string {
  return deps.secretBox.mac(`mpp-2fa device:${token}`);
}

/** The tokens of the well-formed, correctly signed entries in the cookie values, in order, without repeats. */
function tokensOf(deps: Pick<Deps, 'secretBox'>, cookies: readonly string[] | undefined): string[] {
  const entries = (cookies ?? []).flatMap((value) => value.split(SEPARATOR)).slice(0, MAX_ENTRIES_READ);
  const tokens: string[] = [];
  for (const entry of entries) {
    const [token, sig, extra] = entry.split('.');
    if (extra !== undefined || !token || !sig || !TOKEN.test(token) || !SIGNATURE.test(sig)) continue;
    if (deps.secretBox.macMatches(`mpp-2fa device:${token}`, sig) && !tokens.includes(token)) tokens.push(token);
  }
  return tokens;
}

function seenSince(deps: Pick<Deps, 'clock'>): string {
  return addSeconds(deps.clock.now(), -DEVICE_COOKIE_MAX_AGE_SECONDS).toISOString();
}

/** The live devices the cookie names, each with its token, in cookie order. */
async function devicesOf(deps: Deps, db: Db, cookies: readonly string[] | undefined): Promise<Array<DeviceWithAccount & { token: string }>> {
  const tokens = tokensOf(deps, cookies);
  const rows = await findLiveDevices(db, tokens.map(sha256Hex), seenSince(deps));
  const byHash = new Map(rows.map((row) => [row.tokenHash, row]));
  return tokens.flatMap((token) => {
    const row = byHash.get(sha256Hex(token));
    return row ? [{ ...row, token }] : [];
  });
}

/**
 * The known device the cookie names for the account of `email`, or undefined. The same
 * work for every email, known or not (one query when the cookie holds a signed entry), so
 * it may run before the password attempt is reserved without telling which emails exist.
 */
export async function findDeviceForEmail(deps: Deps, cookies: readonly string[] | undefined, email: string): Promise<DeviceWithAccount | undefined> {
  if (!cookies || cookies.length === 0) return undefined;
  const key = emailKey(email);
  return (await devicesOf(deps, deps.db, cookies)).find((device) => device.emailKey === key);
}

/** A device cookie to set after a sign-in; `newDevice` when the owner should hear of it. */
export interface RememberedDevice {
  /** The device row of this browser for the account. */
  deviceId: string;
  cookie: string;
  /** The browser was not a known device of the account, and the account had others. */
  newDevice: boolean;
}

function entry(deps: Pick<Deps, 'secretBox'>, token: string): string {
  return `${token}.${signature(deps, token)}`;
}

/**
 * Records a full sign-in from this browser inside `tx`: a known device of the account is
 * seen again; otherwise the account gets a new device. The cookie keeps this account's
 * entry first and the browser's other live entries after it, up to
 * `DEVICE_COOKIE_ACCOUNTS`; the account keeps its `MAX_DEVICES_PER_ACCOUNT` most
 * recently seen devices.
 */
export async function rememberDevice(deps: Deps, tx: Db, accountId: string, context: RequestContext | null): Promise<RememberedDevice> {
  const now = deps.clock.now().toISOString();
  const seen = { now, ip: context?.ip ?? null, userAgent: context?.userAgent?.slice(0, 512) ?? null };
  const live = await devicesOf(deps, tx, context?.deviceCookies);
  const known = live.find((device) => device.accountId === accountId);
  const others = live.filter((device) => device.accountId !== accountId).map((device) => entry(deps, device.token));
  if (known) {
    await touchDevice(tx, known.id, seen);
    return { deviceId: known.id, cookie: [entry(deps, known.token), ...others].slice(0, DEVICE_COOKIE_ACCOUNTS).join(SEPARATOR), newDevice: false };
  }
  const hadDevices = await hasLiveDevices(tx, accountId, seenSince(deps));
  const token = generateToken(deps.random);
  const deviceId = newId(deps);
  await insertDevice(tx, {
    id: deviceId,
    accountId,
    tokenHash: sha256Hex(token),
    ip: seen.ip,
    userAgent: seen.userAgent,
    createdAt: now,
    lastSeenAt: now,
  });
  await pruneDevicesOfAccount(tx, accountId, MAX_DEVICES_PER_ACCOUNT);
  return { deviceId, cookie: [entry(deps, token), ...others].slice(0, DEVICE_COOKIE_ACCOUNTS).join(SEPARATOR), newDevice: hadDevices };
}

/** Queues the owner's email about a sign-in from a browser the account had not used (the mail cleans the user agent). */
export async function noticeNewDevice(mail: QueueMail, account: Recipient, device: RememberedDevice, context: RequestContext | null): Promise<void> {
  if (device.newDevice) await mail(account, { kind: 'new_sign_in', ip: context?.ip ?? null, userAgent: context?.userAgent ?? null });
}

/** The known device of the account that the cookie names (this browser), or undefined. */
export async function currentDeviceOf(deps: Deps, accountId: string, cookies: readonly string[] | undefined): Promise<DeviceWithAccount | undefined> {
  if (!cookies || cookies.length === 0) return undefined;
  return (await devicesOf(deps, deps.db, cookies)).find((device) => device.accountId === accountId);
}

/** The account's known devices for `GET /account/devices`, the requesting browser marked `current`. */
export async function listDevices(deps: Deps, accountId: string, cookies: readonly string[]) {
  const current = await currentDeviceOf(deps, accountId, cookies);
  const rows = await listDevicesOfAccount(deps.db, accountId, seenSince(deps));
  return {
    devices: rows.map((device) => ({
      id: device.id,
      firstSeenAt: device.createdAt,
      lastSeenAt: device.lastSeenAt,
      ip: device.ip,
      userAgent: device.userAgent,
      current: device.id === current?.id,
      rememberedUntil: device.rememberedUntil !== null && device.rememberedUntil > deps.clock.now().toISOString() ? device.rememberedUntil : null,
    })),
  };
}

/**
 * "Don't ask again on this browser" (issue 17), on top of the device cookie: after a
 * login's second factor, with `rememberDevice: true`, the browser's device row records
 * until when it is remembered and the policy's days it was granted under. A later login
 * of the same account into a super app may skip the second factor only when that row says
 * so and the super app's policy still allows at least those days (domain/policy
 * `remembranceHolds`); the cookie alone proves only which row to read.
 */

/** Remembers this browser's device for `days` days inside `tx`; returns until when. */
export async function rememberBrowser(deps: Pick<Deps, 'clock'>, tx: Db, deviceId: string, days: number): Promise<string> {
  const until = addSeconds(deps.clock.now(), days * 24 * 60 * 60).toISOString();
  await rememberDeviceUntil(tx, deviceId, { until, days });
  return until;
}

/** The account's device the cookie names when it is remembered and `policy` still honours it, or undefined. */
export async function findRememberedBrowser(
  deps: Deps,
  accountId: string,
  cookies: readonly string[] | undefined,
  policy: TwoFactorPolicy,
): Promise<DeviceWithAccount | undefined> {
  if (policy.rememberDeviceDays < 1) return undefined;
  const device = await currentDeviceOf(deps, accountId, cookies);
  return device && remembranceHolds(device, policy, deps.clock.now()) ? device : undefined;
}
