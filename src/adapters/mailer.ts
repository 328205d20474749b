import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

/** One plain-text email. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Delivers mail; rejects when the message could not be handed over. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * Mail over SMTP (`smtp://user:pass@host:port`, `smtps://…`). Connecting, the greeting and
 * each reply may take `timeoutSeconds` (default 20), so a hung server fails a send in bounded time.
 */
export function createSmtpMailer(options: { url: string; from: string; timeoutSeconds?: number }): Mailer {
  const timeout = (options.timeoutSeconds ?? 20) * 1000;
  const transport = nodemailer.createTransport({ url: options.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    async send(message) {
      await transport.sendMail({ from: options.from, ...message });
    },
    close: () => transport.close(),
  };
}

/**
 * Mail written as `.eml` files into `dir` (no SMTP configured): a newcomer opens the
 * newest file to read a code. `onWrite` gets the file path and subject (never the body).
 */
export function createOutboxMailer(options: { dir: string; from: string; onWrite?: (path: string, message: MailMessage) => void }): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let sequence = 0;
  return {
    async send(message) {
      const info = await transport.sendMail({ from: options.from, ...message });
      mkdirSync(options.dir, { recursive: true });
      sequence += 1;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const path = join(options.dir, `${stamp}-${process.pid}-${sequence}.eml`);
      writeFileSync(path, info.message as Buffer, { mode: 0o600 });
      options.onWrite?.(path, message);
    },
    close: () => transport.close(),
  };
}
