// The peer of the TOTP-verify benchmark: better-auth with its two-factor plugin on SQLite
// (better-sqlite3, WAL, like mpp-2fa), served by node:http. Dev-only. Forked by
// bench/run.js with an IPC channel; seeds `--users` accounts with an active authenticator
// (one precomputed password hash reused, like our seeding), listens on 127.0.0.1 and reports
// its own event-loop delay and RSS like bench/server.js.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { symmetricEncrypt } from 'better-auth/crypto';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { twoFactor } from 'better-auth/plugins/two-factor';
import { onStop, startMonitor } from '../../lib/monitor.js';
import { peerEmail, peerTotpSecret } from './accounts.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    db: { type: 'string' },
    users: { type: 'string', default: '1000' },
    password: { type: 'string' },
    secret: { type: 'string' },
    // Default scrypt makes each prepared sign-in cost ~50–500 ms of CPU on this machine; the
    // measured step (verify-totp) never touches the password, so preparation may use a cheap hash.
    'scrypt-passwords': { type: 'boolean', default: false },
  },
});

/** A cheap salted SHA-256 "password hash" for the preparation sign-ins only (see --scrypt-passwords). */
const cheapPasswords = {
  hash: async (password) => {
    const salt = createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 16);
    return `${salt}:${createHash('sha256')
      .update(salt + password)
      .digest('hex')}`;
  },
  verify: async ({ hash, password }) => {
    const [salt, digest] = hash.split(':');
    const actual = createHash('sha256')
      .update(salt + password)
      .digest();
    const expected = Buffer.from(digest ?? '', 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  },
};

async function main() {
  const port = Number(values.port);
  const baseURL = `http://127.0.0.1:${port}`;
  const sqlite = new Database(values.db);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');

  const auth = betterAuth({
    appName: 'bench-peer',
    baseURL,
    secret: values.secret,
    database: sqlite,
    emailAndPassword: { enabled: true, ...(values['scrypt-passwords'] ? {} : { password: cheapPasswords }) },
    plugins: [twoFactor({ issuer: 'bench-peer' })],
    // A load test from one IP: the built-in per-IP limiter (3 per 10 s on /two-factor/*) would
    // answer 429 to nearly everything; mpp-2fa has no per-IP limit on verify either.
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { level: 'error' },
  });

  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();

  const ctx = await auth.$context;
  const users = Number(values.users);
  const passwordHash = await ctx.password.hash(values.password);
  for (let i = 0; i < users; i += 1) {
    const user = await ctx.internalAdapter.createUser({ email: peerEmail(i), name: `Peer ${i}`, emailVerified: true, twoFactorEnabled: true });
    await ctx.internalAdapter.linkAccount({ userId: user.id, providerId: 'credential', accountId: user.id, password: passwordHash });
    await ctx.adapter.create({
      model: 'twoFactor',
      data: {
        userId: user.id,
        secret: await symmetricEncrypt({ key: ctx.secretConfig, data: peerTotpSecret(values.secret, i) }),
        backupCodes: await symmetricEncrypt({ key: ctx.secretConfig, data: JSON.stringify([]) }),
        verified: true,
      },
    });
  }

  const server = createServer(toNodeHandler(auth));
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  startMonitor();
  onStop(async () => {
    await new Promise((resolve) => server.close(resolve));
    server.closeAllConnections?.();
    sqlite.close();
  });
  process.send?.({ type: 'listening', url: baseURL, pid: process.pid });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
