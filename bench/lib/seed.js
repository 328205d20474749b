// Seeds the benchmark database directly (better-sqlite3 or pg), after `mpp-2fa migrate` made
// the schema: one super app, one workspace, N accounts sharing ONE precomputed argon2id hash
// of a known password, a membership each, and an active authenticator (secret sealed per
// account id with the server's key) on every odd-numbered account. Everything is derived
// from the account number, so the bench can recompute emails and TOTP keys without keeping
// a million of them in memory. Columns: src/store/migrations/0001-initial.ts.

export const SUPER_APP_ID = 'bench-super-app';
export const WORKSPACE_ID = 'bench-workspace';
const BATCH = 5000;

/** murmur3's 32-bit finalizer: a fast bijection that spreads consecutive numbers. */
function mix32(x) {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** `words` pseudo-random 32-bit words derived from `i` and `salt` (fast; not for secrets outside the bench). */
function derive(i, salt, words) {
  const out = Buffer.allocUnsafe(words * 4);
  const base = mix32(i ^ mix32(salt));
  for (let k = 0; k < words; k += 1) out.writeUInt32BE(mix32(base ^ mix32(Math.imul(k + 1, 0x27d4eb2f) ^ salt)), k * 4);
  return out;
}

/** Opaque, well-spread id of account `i` (22 base64url characters, like the service's newId). */
export function accountId(i) {
  return derive(i, 1, 4).toString('base64url');
}

export function accountEmail(i) {
  return `user${i}@bench.test`;
}

/** Odd-numbered accounts have an active authenticator; even-numbered ones sign in with the password alone. */
export function hasTotp(i) {
  return i % 2 === 1;
}

/** The 20-byte authenticator key of account `i` (`seed`: any string, e.g. the bench's). */
export function totpKey(seed, i) {
  let salt = 7;
  for (const c of seed) salt = mix32(salt ^ c.charCodeAt(0));
  return derive(i, salt, 5);
}

/** A progress bar on stderr (a line per 10 % when stderr is not a terminal). */
export function progressBar(label, total) {
  const started = performance.now();
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  return {
    update(done) {
      const fraction = total === 0 ? 1 : done / total;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (tty) {
        const width = 30;
        const filled = Math.round(fraction * width);
        process.stderr.write(
          `\r  ${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${total} ${seconds}s`,
        );
        if (done >= total) process.stderr.write('\n');
      } else {
        const decile = Math.floor(fraction * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          process.stderr.write(`  ${label} ${(fraction * 100).toFixed(0)}% ${done}/${total} ${seconds}s\n`);
        }
      }
    },
  };
}

function* batches(total) {
  for (let start = 0; start < total; start += BATCH) yield [start, Math.min(total, start + BATCH)];
}

function rowsOf(start, end, { box, seed }) {
  const accounts = [];
  const factors = [];
  for (let i = start; i < end; i += 1) {
    const id = accountId(i);
    const email = accountEmail(i);
    accounts.push({ id, email, name: `Bench User ${i}` });
    if (hasTotp(i)) factors.push({ accountId: id, sealed: box.seal(totpKey(seed, i), id) });
  }
  return { accounts, factors };
}

/** Seeds a migrated SQLite file. */
export function seedSqlite(file, plan, Database) {
  const db = new Database(file);
  try {
    // No journal while seeding (a failed seed is thrown away), WAL again for the server.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    // Ids and emails arrive in random order: with SQLite's default 2 MB page cache the index
    // pages thrash and a million rows take minutes. The server opens its own connection.
    db.pragma('cache_size = -524288');
    // The rows are consistent by construction; checking each reference costs a lookup per row.
    db.pragma('foreign_keys = OFF');
    const { now, passwordHash } = plan;
    db.prepare(
      'INSERT INTO super_apps (id, name, two_factor_required, primary_method, secondary_method, allow_deactivation, created_at) VALUES (?, ?, 0, ?, NULL, 1, ?)',
    ).run(SUPER_APP_ID, 'Bench Super App', 'totp', now);
    db.prepare('INSERT INTO workspaces (id, super_app_id, name, created_at) VALUES (?, ?, ?, ?)').run(WORKSPACE_ID, SUPER_APP_ID, 'Bench Workspace', now);
    const insertAccount = db.prepare(
      'INSERT INTO accounts (id, email, email_key, name, password_hash, totp_last_step, second_factor_failures, second_factor_locked_until, email_code_sent_at, created_at) VALUES (?, ?, ?, ?, ?, NULL, 0, NULL, NULL, ?)',
    );
    const insertMembership = db.prepare('INSERT INTO memberships (workspace_id, account_id, role, created_at) VALUES (?, ?, ?, ?)');
    const insertFactor = db.prepare(
      "INSERT INTO totp_factors (account_id, secret_sealed, status, pending_expires_at, challenge_id, activated_at, created_at) VALUES (?, ?, 'active', NULL, NULL, ?, ?)",
    );
    const bar = progressBar('seeding accounts', plan.accounts);
    const insertBatch = db.transaction((start, end) => {
      const { accounts, factors } = rowsOf(start, end, plan);
      for (const a of accounts) insertAccount.run(a.id, a.email, a.email.toLowerCase(), a.name, passwordHash, now);
      for (let k = 0; k < accounts.length; k += 1) insertMembership.run(WORKSPACE_ID, accounts[k].id, start + k === 0 ? 'admin' : 'developer', now);
      for (const f of factors) insertFactor.run(f.accountId, f.sealed, now, now);
    });
    bar.update(0);
    for (const [start, end] of batches(plan.accounts)) {
      insertBatch(start, end);
      bar.update(end);
    }
    if (plan.accounts > 0) {
      db.prepare('INSERT INTO super_app_admins (super_app_id, account_id, created_at) VALUES (?, ?, ?)').run(SUPER_APP_ID, accountId(0), now);
    }
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

/** Seeds a migrated PostgreSQL database (`client` is a connected pg.Client). */
export async function seedPostgres(client, plan) {
  const { now, passwordHash } = plan;
  await client.query(
    'INSERT INTO super_apps (id, name, two_factor_required, primary_method, secondary_method, allow_deactivation, created_at) VALUES ($1, $2, 0, $3, NULL, 1, $4)',
    [SUPER_APP_ID, 'Bench Super App', 'totp', now],
  );
  await client.query('INSERT INTO workspaces (id, super_app_id, name, created_at) VALUES ($1, $2, $3, $4)', [
    WORKSPACE_ID,
    SUPER_APP_ID,
    'Bench Workspace',
    now,
  ]);
  const bar = progressBar('seeding accounts', plan.accounts);
  bar.update(0);
  for (const [start, end] of batches(plan.accounts)) {
    const { accounts, factors } = rowsOf(start, end, plan);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO accounts (id, email, email_key, name, password_hash, second_factor_failures, created_at)
       SELECT id, email, lower(email), name, $4, 0, $5 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, email, name)`,
      [accounts.map((a) => a.id), accounts.map((a) => a.email), accounts.map((a) => a.name), passwordHash, now],
    );
    await client.query(
      `INSERT INTO memberships (workspace_id, account_id, role, created_at)
       SELECT $1, id, CASE WHEN id = $4 THEN 'admin' ELSE 'developer' END, $3 FROM unnest($2::text[]) AS t(id)`,
      [WORKSPACE_ID, accounts.map((a) => a.id), now, accountId(0)],
    );
    if (factors.length > 0) {
      await client.query(
        `INSERT INTO totp_factors (account_id, secret_sealed, status, activated_at, created_at)
         SELECT id, sealed, 'active', $3, $3 FROM unnest($1::text[], $2::text[]) AS t(id, sealed)`,
        [factors.map((f) => f.accountId), factors.map((f) => f.sealed), now],
      );
    }
    await client.query('COMMIT');
    bar.update(end);
  }
  if (plan.accounts > 0) {
    await client.query('INSERT INTO super_app_admins (super_app_id, account_id, created_at) VALUES ($1, $2, $3)', [SUPER_APP_ID, accountId(0), now]);
  }
  await client.query('ANALYZE');
}
