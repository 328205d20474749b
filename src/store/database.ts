import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database, Db } from './schema.js';

/** Which engine a handle talks to; the only place dialects differ. */
export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** SQLite: the database file (its `-wal` and `-shm` files sit beside it). */
  file?: string;
  /** Closes the pool or file. */
  close(): Promise<void>;
  /** PostgreSQL: connections of the pool, open, idle and waited for. */
  poolUse?: () => { total: number; idle: number; waiting: number };
}

export interface DatabaseOptions {
  /** `postgres://…`, `sqlite:///path`, a plain file path, or `:memory:`. */
  url: string;
  /** PostgreSQL pool size. */
  poolMax?: number;
  /**
   * SQLite, long-running servers: checkpoint the write-ahead log from a worker thread
   * instead of inside whichever commit crosses the threshold (that commit would stall).
   */
  backgroundCheckpoints?: boolean;
  /**
   * PostgreSQL: told when an idle pooled connection fails (server restart, admin kill);
   * the pool drops it and opens a new one on demand. Without a listener it would crash the process.
   */
  onConnectionError?: (error: Error) => void;
}

/** True when `url` names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Creates a new SQLite file readable by its owner only (0600, in a 0700 folder when the
 * folder is new): SQLite itself would create it 0644, and its `-wal` and `-shm` files take
 * the mode of the database file. An existing file keeps its mode (start-up warns about it).
 */
function createOwnerOnly(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Opens the database `url` names. SQLite runs in WAL mode with foreign keys on. */
export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (isPostgresUrl(options.url)) {
    // bigint (int8) comes back as a string by default; our bigints (TOTP steps) fit a double.
    pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolMax ?? 10 });
    pool.on('error', options.onConnectionError ?? (() => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withNamedStatements(pool) }) });
    const poolUse = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
    return { db, dialect: 'postgres', close: () => db.destroy(), poolUse };
  }
  const file = options.url.replace(/^sqlite:\/\//, '');
  if (file !== ':memory:') createOwnerOnly(file);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a power cut may lose the last commits but never corrupts (README: Durability).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const checkpointer = options.backgroundCheckpoints && file !== ':memory:' ? startCheckpointer(sqlite, file) : undefined;
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    ...(file === ':memory:' ? {} : { file }),
    close: async () => {
      await checkpointer?.terminate();
      await db.destroy();
    },
  };
}

/** Statements PostgreSQL can prepare (utility statements such as BEGIN go as they are). */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
/** SQLSTATE of "cached plan must not change result type": a migration changed a table under a prepared `select *`. */
const PLAN_CHANGED = '0A000';

/**
 * The pool, with every data statement sent as a named prepared statement: PostgreSQL then
 * parses and plans each SQL text once per connection instead of on every query (planning
 * was most of the database's time on our point queries). Each connection names each SQL
 * text once; when a migration by another instance changes a table's
 * columns under a prepared statement, that connection re-prepares it under a new name once
 * and the query goes on.
 */
function withNamedStatements(pool: pg.Pool): PostgresPool {
  const namesByClient = new WeakMap<pg.PoolClient, Map<string, string>>();
  let next = 0;
  const nameFor = (client: pg.PoolClient, sql: string) => {
    let names = namesByClient.get(client);
    if (!names) namesByClient.set(client, (names = new Map()));
    let name = names.get(sql);
    if (!name) {
      next += 1;
      name = `mpp${next.toString(36)}`;
      names.set(sql, name);
    }
    return name;
  };
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    release: (error?: Error | boolean) => client.release(error),
    query: ((sql: unknown, values?: readonly unknown[]) => {
      if (typeof sql !== 'string' || !PREPARABLE.test(sql)) return (client.query as (...args: unknown[]) => unknown)(sql, values);
      const run = () => client.query({ name: nameFor(client, sql), text: sql, values: values ? [...values] : [] });
      return run().catch((error: { code?: string }) => {
        if (error.code !== PLAN_CHANGED) throw error;
        // The next name is new: this connection parses and plans the statement afresh.
        namesByClient.get(client)?.delete(sql);
        return run();
      });
    }) as PostgresPoolClient['query'],
  });
  const wrapped: PostgresPool = {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
  return wrapped;
}

/** How often the worker folds the write-ahead log back into the database file. */
const CHECKPOINT_INTERVAL_MS = 500;

/** Runs the same whether Node evaluates it as a script or a module: dynamic imports only. */
const CHECKPOINT_WORKER = `
import('node:worker_threads').then(async ({ workerData }) => {
  const { default: Database } = await import(workerData.driverUrl);
  const db = new Database(workerData.file);
  db.pragma('busy_timeout = 5000');
  setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
});
`;

/**
 * Turns off SQLite's automatic checkpoints on `sqlite` and runs passive checkpoints on
 * their own connection in a worker thread. Should the worker die, automatic
 * checkpoints come back so the log cannot grow without bound.
 */
function startCheckpointer(sqlite: SQLite.Database, file: string): Worker {
  sqlite.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(CHECKPOINT_WORKER, {
    eval: true,
    workerData: { file, driverUrl: pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  worker.on('error', () => sqlite.pragma('wal_autocheckpoint = 1000'));
  return worker;
}

/** Prepared statements kept per SQL text; our queries are a few dozen shapes. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every SQLite statement anew on each query; preparing costs more than
 * running our point queries. This keeps prepared statements by SQL text (better-sqlite3
 * runs them synchronously, so one statement is never used by two queries at once).
 */
function withStatementCache(sqlite: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/** Throws when the database does not answer. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
