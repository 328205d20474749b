import type { Mailer } from '../adapters/mailer.js';
import type { PasswordHasher } from '../adapters/password-hasher.js';
import type { SecretBox } from '../adapters/secret-box.js';
import type { OutboxSender } from './outbox.js';
import type { WebhookOptions } from './webhooks.js';
import { generateToken } from '../adapters/tokens.js';
import type { Clock, Metrics, Random } from '../domain/ports.js';
import type { RelyingParty } from '../domain/webauthn.js';
import type { DatabaseConnection } from '../store/schema.js';

/** Where a request came from, for the audit log. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  /** The browser's `mpp_device` cookie values as sent (checked by services/devices.ts; never logged). */
  deviceCookies?: readonly string[];
  /** The `Accept-Language` header as sent: a first sign-in takes the account's email language from it. */
  acceptLanguage?: string;
}

/** Minimal logger shape (pino's); messages never carry codes, secrets or passwords. */
export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** Everything a service needs, passed as one object (STYLE: layering, rule 3). */
export interface Deps {
  db: DatabaseConnection;
  clock: Clock;
  random: Random;
  mailer: Mailer;
  /** Delivers what transactions queued (mail, webhook calls): at once after a commit, and by polling (services/deliveries.ts). */
  outbox: OutboxSender;
  hasher: PasswordHasher;
  secretBox: SecretBox;
  logger: Logger;
  sessionIdleSeconds: number;
  sessionAbsoluteSeconds: number;
  /** WebAuthn relying party id and origins, from PUBLIC_URL (domain/relying-party.ts). */
  relyingParty: RelyingParty;
  /** Counters for operators (`GET /metrics`); absent: nothing is counted. */
  metrics?: Metrics;
  /** Where the console is reached (links in emails); `PUBLIC_URL`, else http://localhost and the port. */
  publicUrl?: string;
  /** What webhook deliveries may connect to (services/webhooks.ts); absent: public https addresses only. */
  webhooks?: WebhookOptions;
}

/** Current time as the ISO text the store compares. */
export function nowIso(deps: Pick<Deps, 'clock'>): string {
  return deps.clock.now().toISOString();
}

/** A random opaque id for rows (16 bytes, base64url, never starting with `-`). */
export function newId(deps: Pick<Deps, 'random'>): string {
  return generateToken(deps.random, 16);
}
