import type { MailMessage, Mailer } from '../../src/adapters/mailer.js';

/** Keeps sent mail in memory; `failNext` makes the next send reject like a dead SMTP server. */
export class MemoryMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  private failures = 0;

  async send(message: MailMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SMTP connection refused');
    }
    this.sent.push(message);
  }

  failNext(times = 1): void {
    this.failures = times;
  }

  close(): void {}

  /** Mail sent to `to`, oldest first. */
  to(to: string): MailMessage[] {
    return this.sent.filter((m) => m.to === to);
  }

  /** The six-digit code in the newest mail to `to`. */
  lastCode(to: string): string {
    const mail = this.to(to).at(-1);
    const match = mail?.text.match(/verification code is (\d{6})/);
    if (!match) throw new Error(`no code mailed to ${to}`);
    return match[1]!;
  }
}
