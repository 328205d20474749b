import type { Deps } from './deps.js';
import { mailOutboxHandler } from './mail.js';
import { createOutboxSender, type OutboxSenderOptions } from './outbox.js';
import { webhookOutboxHandler } from './webhooks.js';

/** Gives `base` its outbox sender, which delivers mail and webhook calls with `base` as its dependencies. */
export function withOutbox<T extends Omit<Deps, 'outbox'>>(base: T, options?: OutboxSenderOptions): T & Pick<Deps, 'outbox'> {
  const deps = base as T & Pick<Deps, 'outbox'>;
  deps.outbox = createOutboxSender(deps, { mail: mailOutboxHandler, webhook: webhookOutboxHandler }, options);
  return deps;
}
