/**
 * The mail outbox across real `mpp-2fa serve` processes:
 * - a server SIGKILLed after a change committed and while its mail is being handed to the
 *   mail server: after a restart the mail is delivered exactly once (SQLite and PostgreSQL);
 * - two servers on one PostgreSQL database, the mail server refusing everything while 100
 *   mails are queued: once it accepts again every mail arrives exactly once.
 *
 * The PostgreSQL cases need TEST_DATABASE_URL (skipped locally without it, an error under CI=true).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, makeDataDir, removeDataDir } from '../support/cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import {
  createDeployment,
  describeResult,
  ensureBuilt,
  freePort,
  login,
  mapLimit,
  newSecretKey,
  PASSWORD,
  POSTGRES_URL,
  runMpp,
  ServerProcess,
  SKIP_REASON,
} from './servers.js';

const NEW_SIGN_IN = 'Mini Program Platform: New sign-in to your account';

/** A mail server that accepts connections and never greets: a send hangs until its timeout. */
async function startSilentSmtp(): Promise<{ url: string; connected: Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let onConnect!: () => void;
  const connected = new Promise<void>((resolve) => (onConnect = resolve));
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnect();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    connected,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface OutboxRow {
  kind: string;
  status: string;
  attempts: number;
  has_payload: number | boolean;
}

/** One deployment on either store: its environment, the CLI, and a reader of the outbox table. */
interface Store {
  env: NodeJS.ProcessEnv;
  cli(args: string[], input?: string): Promise<any>;
  outbox(): Promise<OutboxRow[]>;
  dispose(): Promise<void>;
}

async function sqliteStore(): Promise<Store> {
  const dataDir = makeDataDir();
  const env = cliEnv(dataDir, { SECRET_KEY: newSecretKey(), LOG_LEVEL: 'warn' });
  return {
    env,
    async cli(args, input) {
      const result = await runMpp([...args, '--json'], env, input);
      if (result.code !== 0) throw new Error(`mpp-2fa ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
      return JSON.parse(result.stdout);
    },
    async outbox() {
      const db = new Database(join(dataDir, 'mpp-2fa.sqlite'), { readonly: true, fileMustExist: true });
      try {
        return db
          .prepare("select kind, status, attempts, payload is not null as has_payload from outbox where kind = 'mail' order by created_at")
          .all() as OutboxRow[];
      } finally {
        db.close();
      }
    },
    async dispose() {
      removeDataDir(dataDir);
    },
  };
}

async function postgresStore(): Promise<Store> {
  const deployment = await createDeployment();
  const client = await deployment.database.client();
  return {
    env: deployment.env,
    cli: (args, input) => deployment.cli(args, input),
    async outbox() {
      const result = await client.query<OutboxRow>(
        "select kind, status, attempts, payload is not null as has_payload from outbox where kind = 'mail' order by created_at",
      );
      return result.rows;
    },
    dispose: () => deployment.dispose(),
  };
}

/** Polls `check` (a database read, no TOTP step involved) until it is true; throws after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A super app, a workspace and `count` members through the real CLI; returns their emails. */
async function members(store: Store, count: number, prefix: string): Promise<string[]> {
  const superApp = await store.cli(['super-app', 'create', '--name', 'Outbox Tenant']);
  const workspace = await store.cli(['workspace', 'create', '--super-app', superApp.id, '--name', 'Outbox Workspace']);
  const emails = Array.from({ length: count }, (_, i) => `${prefix}-${i}@example.com`);
  await mapLimit(emails, 2, async (email) => {
    await store.cli(['account', 'create', '--email', email, '--name', email.split('@')[0]!, '--password-stdin'], `${PASSWORD}\n`);
    await store.cli(['member', 'add', '--workspace', workspace.id, '--email', email, '--role', 'developer']);
  });
  return emails;
}

async function signIn(url: string, email: string): Promise<void> {
  const response = await login(url, email);
  if (response.status !== 200 || response.body?.status !== 'authenticated') throw new Error(`login of ${email}: ${describeResult(response)}`);
}

const stores: Array<[string, () => Promise<Store>, boolean]> = [
  ['SQLite', sqliteStore, true],
  ['PostgreSQL', postgresStore, Boolean(POSTGRES_URL)],
];

describe.each(stores)('the mail outbox across processes on %s', (name, open, available) => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    cleanup.length = 0;
  });

  it.skipIf(!available)(
    `a SIGKILL between the commit and the send: delivered exactly once after a restart${available ? '' : SKIP_REASON}`,
    { timeout: 240_000 },
    async () => {
      await ensureBuilt();
      const store = await open();
      cleanup.push(() => store.dispose());
      const [email] = await members(store, 1, `crash-${name.toLowerCase()}`);
      const silent = await startSilentSmtp();
      cleanup.push(() => silent.close());
      const smtp: TestSmtpServer = await startSmtpServer();
      cleanup.push(() => smtp.close());
      const port = await freePort();

      const first = new ServerProcess('server (mail server silent)', port, { ...store.env, SMTP_URL: silent.url, MAIL_SEND_TIMEOUT_SECONDS: '5' });
      cleanup.push(() => first.kill());
      await first.start();
      // The first sign-in makes the browser a known device; the second, from a new one, queues "New sign-in".
      await signIn(first.url, email!);
      await signIn(first.url, email!);
      // The change has committed and the mail is being handed over: kill the process now.
      await silent.connected;
      await first.kill('SIGKILL');
      const queued = await store.outbox();
      expect(queued, JSON.stringify(queued)).toHaveLength(1);
      expect(queued[0]).toMatchObject({ status: 'pending' });
      expect(Boolean(queued[0]!.has_payload)).toBe(true);
      expect(smtp.to(email!)).toHaveLength(0);

      // Restarted with a mail server that works: the row's lease runs out and the sender's poll delivers it.
      const second = new ServerProcess('server (restarted)', port, { ...store.env, SMTP_URL: smtp.url, MAIL_SEND_TIMEOUT_SECONDS: '5' });
      cleanup.push(() => second.kill());
      await second.start();
      await until('the mail is marked sent', async () => (await store.outbox()).every((row) => row.status === 'sent'));
      const delivered = smtp.to(email!);
      expect(delivered.map((mail) => mail.subject)).toEqual([NEW_SIGN_IN]);
      const [row] = await store.outbox();
      // Sent once, and its body (sealed until then) is gone from the database.
      expect(Boolean(row!.has_payload)).toBe(false);
    },
  );
});

describe.skipIf(!POSTGRES_URL)(`the mail outbox shared by two servers on PostgreSQL${SKIP_REASON}`, () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    cleanup.length = 0;
  });

  it('two servers, the mail server refusing while 100 mails are queued: each arrives once when it accepts again', { timeout: 300_000 }, async () => {
    await ensureBuilt();
    const store = await postgresStore();
    cleanup.push(() => store.dispose());
    const emails = await members(store, 4, 'pair');
    const smtp = await startSmtpServer();
    cleanup.push(() => smtp.close());
    smtp.rejecting = true;
    const env = { ...store.env, SMTP_URL: smtp.url, MAIL_SEND_TIMEOUT_SECONDS: '5' };
    const servers = [new ServerProcess('server A', await freePort(), env), new ServerProcess('server B', await freePort(), env)];
    for (const server of servers) cleanup.push(() => server.kill());
    await Promise.all(servers.map((server) => server.start()));

    // Each account signs in once (a known device, no mail), then 25 times from new browsers, alternating servers.
    await mapLimit(emails, 4, (email) => signIn(servers[0]!.url, email));
    const logins = emails.flatMap((email) => Array.from({ length: 25 }, (_, i) => ({ email, url: servers[i % 2]!.url })));
    await mapLimit(logins, 4, ({ email, url }) => signIn(url, email));
    await until('every mail was tried once and refused', async () => {
      const rows = await store.outbox();
      return rows.length === 100 && rows.every((row) => row.status === 'pending' && row.attempts >= 1);
    });
    expect(smtp.messages).toHaveLength(0);

    smtp.rejecting = false;
    await until('all 100 mails are marked sent', async () => (await store.outbox()).filter((row) => row.status === 'sent').length === 100, 180_000);
    expect(smtp.messages).toHaveLength(100);
    for (const email of emails) expect(smtp.to(email).map((mail) => mail.subject)).toEqual(Array(25).fill(NEW_SIGN_IN));
  });
});
