import type { AccountRecord } from '../store/accounts.js';
import type { Db, Tx } from '../store/schema.js';
import { recordAudit } from './audit.js';
import type { Deps } from './deps.js';
import { type MailTemplate, renderMail } from './mail-templates.js';
import { enqueueOutbox, OutboxGiveUp, type OutboxHandler } from './outbox.js';

/**
 * Every email goes through the outbox (services/outbox.ts): it is rendered in the account's
 * language and written, sealed, in the transaction of the change that causes it, then
 * delivered right after the commit, or by the sender's retries when the mail server is down
 * or the process died in between. A mail row's body is erased once sent or given up.
 */

/** Where a mail goes and in which language. */
export type Recipient = Pick<AccountRecord, 'id' | 'email' | 'locale'>;

interface MailPayload {
  to: string;
  subject: string;
  text: string;
  /** The template's kind, for the give-up event (the text is not kept). */
  template: MailTemplate['kind'];
  /** A mail whose content dies at this instant (an email code, a reset link) is given up after it rather than sent late. */
  notAfter?: string;
}

/** Queues `template` to `to` in `tx`; returns the outbox id to pass to `deliverQueued` after the commit. */
export async function queueMail(
  deps: Pick<Deps, 'clock' | 'random' | 'secretBox'>,
  tx: Db,
  to: Recipient,
  template: MailTemplate,
  options: { notAfter?: Date } = {},
): Promise<string> {
  const { subject, text } = renderMail(template, to.locale, deps.clock.now());
  const payload: MailPayload = { to: to.email, subject, text, template: template.kind, ...(options.notAfter && { notAfter: options.notAfter.toISOString() }) };
  return enqueueOutbox(deps, tx, { kind: 'mail', ref: to.id, payload });
}

/**
 * Delivers mail queued by a transaction that has committed, without waiting: the answer does
 * not depend on the mail server. A failed attempt is logged by the sender and retried.
 */
export function deliverQueued(deps: Pick<Deps, 'outbox' | 'metrics'>, ids: readonly (string | undefined)[]): void {
  for (const id of ids) {
    if (id === undefined) continue;
    deps.metrics?.email('queued');
    void deps.outbox.deliverNow(id).catch(() => undefined);
  }
}

/** Queues a mail in the transaction it is given to (see `transactionWithMail`). */
export type QueueMail = (to: Recipient, template: MailTemplate) => Promise<void>;

/**
 * Runs `work` in one transaction; what it queues with `mail(…)` is written in that
 * transaction and delivered once it committed (nothing is sent when it rolls back).
 */
export async function transactionWithMail<T>(deps: Deps, work: (tx: Tx, mail: QueueMail) => Promise<T>): Promise<T> {
  const queued: string[] = [];
  const result = await deps.db.transaction().execute((tx) => work(tx, async (to, template) => void queued.push(await queueMail(deps, tx, to, template))));
  deliverQueued(deps, queued);
  return result;
}

function isMailPayload(value: unknown): value is MailPayload {
  const mail = value as Partial<MailPayload> | null;
  return typeof mail?.to === 'string' && typeof mail.subject === 'string' && typeof mail.text === 'string' && typeof mail.template === 'string';
}

/** Sends a mail row; gives up on one whose code or link has expired, with an audit event for the account. */
export const mailOutboxHandler: OutboxHandler = {
  async deliver(deps, item) {
    if (!isMailPayload(item.payload)) throw new OutboxGiveUp('not a mail payload');
    const mail = item.payload;
    if (mail.notAfter !== undefined && deps.clock.now().getTime() >= Date.parse(mail.notAfter)) {
      throw new OutboxGiveUp('what the mail carried expired before it could be sent');
    }
    await deps.mailer.send({ to: mail.to, subject: mail.subject, text: mail.text });
  },
  async giveUp(deps, tx, item) {
    const template = isMailPayload(item.payload) ? item.payload.template : 'unknown';
    deps.metrics?.email('given_up');
    await recordAudit(deps, tx, { type: 'mail.undeliverable', accountId: item.ref, context: null, details: { template, attempts: item.attempt } });
  },
};
