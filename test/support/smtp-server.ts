import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  /** Envelope sender and recipients (MAIL FROM / RCPT TO). */
  mailFrom: string;
  rcptTo: string[];
  /** Header values, names lower-cased, folded lines joined. */
  headers: Record<string, string>;
  subject: string;
  /** The decoded plain-text body, `\n` line ends. */
  text: string;
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
export interface TestSmtpServer {
  readonly port: number;
  /** `smtp://127.0.0.1:PORT`, for `createSmtpMailer`. */
  readonly url: string;
  readonly messages: ReceivedMail[];
  /** While true, every recipient is refused with 550, like a broken relay. */
  rejecting: boolean;
  /** Messages whose envelope names `address`, oldest first. */
  to(address: string): ReceivedMail[];
  /** The six-digit code of the newest verification-code mail to `address`. */
  lastCode(address: string): string;
  /** Resolves with the messages to `address` once there are at least `count`; rejects after `timeoutMs`. */
  waitForMail(address: string, count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Stops listening; later connections are refused. Safe to call twice. */
  close(): Promise<void>;
}

/** RFC 2045 §6.7 quoted-printable: soft line breaks and `=XX` octets (read as UTF-8). */
function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    const hex = joined[i] === '=' ? joined.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (`=?utf-8?Q?...?=`, `=?utf-8?B?...?=`) in a header value. */
function decodeHeaderValue(value: string): string {
  // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_all, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

/** Splits a raw RFC 5322 message into headers and a decoded single-part text body. */
export function parseMessage(raw: string): { headers: Record<string, string>; text: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const split = normalized.indexOf('\n\n');
  const head = split === -1 ? normalized : normalized.slice(0, split);
  const body = split === -1 ? '' : normalized.slice(split + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeHeaderValue(line.slice(colon + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text = encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { headers, text: text.replace(/\r\n/g, '\n') };
}

/** Starts an SMTP server on 127.0.0.1 at a free port: no TLS, no authentication needed. */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const events = new EventEmitter();
  const messages: ReceivedMail[] = [];
  const state = { rejecting: false };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address: SMTPServerAddress, _session, callback) {
      if (!state.rejecting) return callback();
      const refusal = Object.assign(new Error('Mailbox unavailable (test server is rejecting)'), { responseCode: 550 });
      return callback(refusal);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const { headers, text } = parseMessage(raw);
        const mailFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        const rcptTo = session.envelope.rcptTo.map((r) => r.address);
        messages.push({ mailFrom, rcptTo, headers, subject: headers.subject ?? '', text, raw });
        events.emit('message');
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const to = (address: string) => messages.filter((m) => m.rcptTo.includes(address));
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get rejecting() {
      return state.rejecting;
    },
    set rejecting(value: boolean) {
      state.rejecting = value;
    },
    to,
    lastCode(address) {
      const mail = to(address)
        .filter((m) => /verification code is \d{6}/.test(m.text))
        .at(-1);
      const match = mail?.text.match(/verification code is (\d{6})/);
      if (!match) throw new Error(`no code received over SMTP for ${address}`);
      return match[1]!;
    },
    waitForMail(address, count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (to(address).length < count) return false;
          clearTimeout(timer);
          events.off('message', check);
          resolve(to(address));
          return true;
        };
        const timer = setTimeout(() => {
          events.off('message', check);
          reject(new Error(`expected ${count} message(s) to ${address} over SMTP, got ${to(address).length}`));
        }, timeoutMs);
        events.on('message', check);
        check();
      });
    },
    close() {
      if (!closing) closing = new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}
