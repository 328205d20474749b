import { createHmac } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { AppError } from '../domain/errors.js';
import type { Db } from '../store/schema.js';
import {
  deleteWebhook,
  findWebhook,
  findWebhookById,
  insertWebhook,
  insertWebhookDelivery,
  listWebhookDeliveries,
  listWebhooksForEvent,
  listWebhooksOfSuperApp,
  markWebhookDeliveryFailed,
  updateWebhookDelivery,
  type Webhook,
  type WebhookDelivery,
} from '../store/webhooks.js';
import { type Actor, assertRecentAuthentication } from './account-two-factor.js';
import { type AuditEventType, recordAudit } from './audit.js';
import { type Deps, newId, nowIso } from './deps.js';
import { enqueueOutbox, type OutboxHandler, type OutboxItem } from './outbox.js';
import { authorizeSuperAppAdmin } from './tenant-authority.js';

/**
 * Webhooks per super app (issue 18): audit events pushed to a URL, signed per Standard
 * Webhooks. Deliveries are queued in the transaction of the audited change (outbox), sent
 * after it commits, retried with backoff; each attempt is logged in `webhook_deliveries`.
 */

/** What delivery may connect to. */
export interface WebhookOptions {
  /** `WEBHOOK_ALLOW_PRIVATE=true`: private, loopback and link-local addresses are allowed. */
  allowPrivate: boolean;
  /** PUBLIC_URL unset (a local install): `http://localhost` and `http://127.0.0.1` URLs are allowed. */
  allowLocalhost: boolean;
  /** Resolves a host name to its addresses (tests answer without DNS); `dns.lookup` by default. */
  lookup?: (host: string) => Promise<{ address: string; family: number }[]>;
  /** Per attempt; 10 s by default. */
  timeoutMs?: number;
}

const DEFAULT_OPTIONS: WebhookOptions = { allowPrivate: false, allowLocalhost: false };
const optionsOf = (deps: Deps): WebhookOptions => deps.webhooks ?? DEFAULT_OPTIONS;

/** The event as it is posted (Standard Webhooks' `type`, `timestamp`, `data`). */
export interface WebhookEvent {
  id: string;
  type: AuditEventType | 'webhook.test';
  timestamp: string;
  data: Record<string, unknown>;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_URL_LENGTH = 2000;

/** Addresses delivery refuses unless WEBHOOK_ALLOW_PRIVATE=true. */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv6');
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True when delivery may connect to `address` for a URL whose host is `host`. */
export function isAllowedWebhookAddress(address: string, host: string, options: WebhookOptions): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (options.allowPrivate) return true;
  if (options.allowLocalhost && LOCAL_HOSTS.has(host) && LOOPBACK.check(address, type)) return true;
  return !BLOCKED.check(address, type);
}

/** 400 `webhook_url_not_allowed` unless the URL may be a webhook's (its addresses are checked again at each delivery). */
export function checkWebhookUrl(text: string, options: WebhookOptions): URL {
  const refuse = (detail: string): never => {
    throw new AppError('webhook_url_not_allowed', {}, detail);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse('The webhook URL is not a valid absolute URL');
  }
  if (text.length > MAX_URL_LENGTH) refuse(`The webhook URL is longer than ${MAX_URL_LENGTH} characters`);
  if (url.username !== '' || url.password !== '') refuse('The webhook URL must not carry a user name or password');
  const host = url.hostname.toLowerCase();
  const local = LOCAL_HOSTS.has(host);
  if (url.protocol === 'http:') {
    if (!local || !options.allowLocalhost) refuse('The webhook URL must start with https:// (http:// only to localhost while PUBLIC_URL is unset)');
  } else if (url.protocol !== 'https:') {
    refuse('The webhook URL must start with https://');
  }
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(literal) !== 0 && !isAllowedWebhookAddress(literal, host, options)) {
    refuse('The webhook URL points to a private, loopback or link-local address');
  }
  return url;
}

/** A new signing secret: `whsec_` and the base64 of 32 random bytes. */
function newSecret(deps: Pick<Deps, 'random'>): { text: string; bytes: Uint8Array } {
  const bytes = deps.random.bytes(32);
  return { text: `whsec_${Buffer.from(bytes).toString('base64')}`, bytes };
}

/** Standard Webhooks' `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`. */
export function signWebhook(secret: Uint8Array, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
}
const viewOf = (w: Webhook): WebhookView => ({ id: w.id, url: w.url, events: w.events, createdAt: w.createdAt });
/** The secret box binds a sealed secret to its webhook. */
export const webhookSealContext = (webhookId: string) => `webhook:${webhookId}`;

/** The webhooks of a super app (its admins, under its rule). */
export async function listWebhooksAsAdmin(deps: Deps, actor: Actor, superAppId: string): Promise<{ webhooks: WebhookView[] }> {
  await authorizeSuperAppAdmin(deps, actor, superAppId, { adminAction: false });
  return { webhooks: (await listWebhooksOfSuperApp(deps.db, superAppId)).map(viewOf) };
}

/** Creates a webhook; the only answer that carries its secret. Admins with a second factor and a recent password, as for policy changes. */
export async function createWebhookAsAdmin(
  deps: Deps,
  actor: Actor,
  superAppId: string,
  input: { url: string; events: string[] },
): Promise<WebhookView & { secret: string }> {
  await authorizeSuperAppAdmin(deps, actor, superAppId, { adminAction: true });
  assertRecentAuthentication(deps, actor);
  return createWebhook(deps, superAppId, input, { actorAccountId: actor.accountId, context: actor.context });
}

/** Creates a webhook (the caller checked authority), auditing `webhook.created`. */
export async function createWebhook(
  deps: Deps,
  superAppId: string,
  input: { url: string; events: string[] },
  by: { actorAccountId: string | null; context: Actor['context'] },
): Promise<WebhookView & { secret: string }> {
  const url = checkWebhookUrl(input.url, optionsOf(deps));
  const events = input.events.includes('*') ? ['*'] : [...new Set(input.events)];
  if (events.length === 0) throw new AppError('invalid_request', {}, 'events must name at least one event type, or "*"');
  const id = newId(deps);
  const secret = newSecret(deps);
  const createdAt = nowIso(deps);
  await deps.db.transaction().execute(async (tx) => {
    await insertWebhook(tx, {
      id,
      super_app_id: superAppId,
      url: input.url,
      events: JSON.stringify(events),
      secret_sealed: deps.secretBox.seal(secret.bytes, webhookSealContext(id)),
      created_by: by.actorAccountId,
      created_at: createdAt,
    });
    await recordAudit(deps, tx, {
      type: 'webhook.created',
      accountId: null,
      actorAccountId: by.actorAccountId,
      superAppId,
      context: by.context,
      details: { webhookId: id, origin: url.origin, events },
    });
  });
  return { id, url: input.url, events, createdAt, secret: secret.text };
}

async function webhookOrNotFound(deps: Deps, superAppId: string, webhookId: string): Promise<Webhook> {
  const webhook = await findWebhook(deps.db, superAppId, webhookId);
  if (!webhook) throw new AppError('not_found', {}, 'No such webhook in this super app');
  return webhook;
}

/** Deletes a webhook and its delivery log, auditing `webhook.deleted`; queued deliveries are dropped. */
export async function deleteWebhookAsAdmin(deps: Deps, actor: Actor, superAppId: string, webhookId: string): Promise<void> {
  await authorizeSuperAppAdmin(deps, actor, superAppId, { adminAction: true });
  assertRecentAuthentication(deps, actor);
  const webhook = await webhookOrNotFound(deps, superAppId, webhookId);
  await deps.db.transaction().execute(async (tx) => {
    if (!(await deleteWebhook(tx, superAppId, webhookId))) throw new AppError('not_found', {}, 'No such webhook in this super app');
    await recordAudit(deps, tx, {
      type: 'webhook.deleted',
      accountId: null,
      actorAccountId: actor.accountId,
      superAppId,
      context: actor.context,
      details: { webhookId, origin: new URL(webhook.url).origin },
    });
  });
}

/** Queues a `webhook.test` event for this webhook alone. */
export async function sendTestEventAsAdmin(deps: Deps, actor: Actor, superAppId: string, webhookId: string): Promise<{ eventId: string }> {
  await authorizeSuperAppAdmin(deps, actor, superAppId, { adminAction: true });
  const webhook = await webhookOrNotFound(deps, superAppId, webhookId);
  const event: WebhookEvent = {
    id: newId(deps),
    type: 'webhook.test',
    timestamp: nowIso(deps),
    data: { superAppId, webhookId, actorAccountId: actor.accountId },
  };
  await deps.db.transaction().execute(async (tx) => queueDelivery(deps, tx, webhook, event));
  return { eventId: event.id };
}

/** The webhook's 50 most recent deliveries. */
export async function listDeliveriesAsAdmin(
  deps: Deps,
  actor: Actor,
  superAppId: string,
  webhookId: string,
): Promise<{ deliveries: Omit<WebhookDelivery, 'webhookId'>[] }> {
  await authorizeSuperAppAdmin(deps, actor, superAppId, { adminAction: false });
  await webhookOrNotFound(deps, superAppId, webhookId);
  return { deliveries: (await listWebhookDeliveries(deps.db, webhookId, 50)).map(({ webhookId: _webhook, ...delivery }) => delivery) };
}

async function queueDelivery(deps: Pick<Deps, 'clock' | 'random' | 'secretBox'>, tx: Db, webhook: Webhook, event: WebhookEvent): Promise<void> {
  const id = await enqueueOutbox(deps, tx, { kind: 'webhook', ref: webhook.id, payload: event });
  await insertWebhookDelivery(tx, {
    id,
    webhook_id: webhook.id,
    event_id: event.id,
    event_type: event.type,
    status: 'pending',
    last_response_status: null,
    last_error: null,
    created_at: nowIso(deps),
    last_attempt_at: null,
    delivered_at: null,
  });
}

/** Called by `recordAudit` inside the change's transaction: one delivery per subscribed webhook of the super apps concerned. */
export async function queueWebhookDeliveries(
  deps: Pick<Deps, 'clock' | 'random' | 'secretBox'>,
  tx: Db,
  event: {
    id: string;
    type: AuditEventType;
    accountId: string | null;
    actorAccountId: string | null;
    superAppId: string | null;
    workspaceId: string | null;
    ip: string | null;
    userAgent: string | null;
    details: Record<string, unknown>;
    createdAt: string;
  },
): Promise<void> {
  const webhooks = await listWebhooksForEvent(tx, event);
  for (const webhook of webhooks) {
    await queueDelivery(deps, tx, webhook, { id: event.id, type: event.type, timestamp: event.createdAt, data: { ...event } });
  }
}

/** Why an attempt failed, short (the delivery log keeps no response body). */
class DeliveryFailure extends Error {
  constructor(
    readonly reason: string,
    readonly responseStatus: number | null = null,
  ) {
    super(reason);
  }
}

/** The checked addresses of the URL's host; a DeliveryFailure `address_not_allowed` when one is refused. */
async function resolveChecked(url: URL, options: WebhookOptions): Promise<{ address: string; family: number }> {
  const host = url.hostname.toLowerCase();
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  let addresses: { address: string; family: number }[];
  if (isIP(literal) !== 0) addresses = [{ address: literal, family: isIP(literal) }];
  else {
    try {
      addresses = await (options.lookup ?? ((name: string) => dnsLookup(name, { all: true, verbatim: true })))(literal);
    } catch {
      throw new DeliveryFailure('dns_failed');
    }
  }
  const first = addresses[0];
  // Every address must pass: a host with one public and one private address is refused.
  if (!first || addresses.some((a) => !isAllowedWebhookAddress(a.address, host, options))) throw new DeliveryFailure('address_not_allowed');
  return first;
}

/** One POST to the checked address (no DNS again, no redirects), its status only. */
function post(url: URL, pinned: { address: string; family: number }, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        timeout: timeoutMs,
      },
      (response: IncomingMessage) => {
        response.resume();
        response.on('error', () => undefined);
        clearTimeout(timer);
        resolve(response.statusCode ?? 0);
        request.destroy();
      },
    );
    const timer = setTimeout(() => request.destroy(new DeliveryFailure('timeout')), timeoutMs);
    request.on('timeout', () => request.destroy(new DeliveryFailure('timeout')));
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error instanceof DeliveryFailure ? error : new DeliveryFailure('connection_failed'));
    });
    request.end(body);
  });
}

/** Delivers webhook outbox items: signs, posts to the checked address, logs the attempt; throws to be retried. */
export const webhookOutboxHandler: OutboxHandler = {
  async deliver(deps: Deps, item: OutboxItem): Promise<void> {
    const webhook = item.ref === null ? undefined : await findWebhookById(deps.db, item.ref);
    if (!webhook) return; // deleted since: nothing to send
    const options = optionsOf(deps);
    const event = item.payload as WebhookEvent;
    const record = (status: 'delivered' | 'retrying' | 'refused', lastResponseStatus: number | null, lastError: string | null) =>
      updateWebhookDelivery(deps.db, item.id, { status, attempts: item.attempt, lastResponseStatus, lastError, at: nowIso(deps) });
    try {
      const url = new URL(webhook.url);
      const pinned = await resolveChecked(url, options);
      const body = JSON.stringify(event);
      const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
      const secret = deps.secretBox.open(webhook.secretSealed, webhookSealContext(webhook.id));
      const headers = { 'webhook-id': event.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secret, event.id, timestamp, body) };
      const status = await post(url, pinned, headers, body, options.timeoutMs ?? 10_000);
      if (status >= 200 && status < 300) {
        await record('delivered', status, null);
        return;
      }
      throw new DeliveryFailure(status >= 300 && status < 400 ? 'redirect_not_followed' : 'http_error', status);
    } catch (error) {
      const failure = error instanceof DeliveryFailure ? error : new DeliveryFailure('internal_error');
      if (failure.reason === 'address_not_allowed') {
        // Refused, not failed: retrying would connect nowhere else.
        await record('refused', null, failure.reason);
        return;
      }
      await record('retrying', failure.responseStatus, failure.reason);
      throw failure;
    }
  },
  async giveUp(deps: Deps, tx: Db, item: OutboxItem): Promise<void> {
    await markWebhookDeliveryFailed(tx, item.id, nowIso(deps));
  },
};
