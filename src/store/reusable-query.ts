import type { Compilable, CompiledQuery, DialectAdapter, QueryResult } from 'kysely';
import type { Db } from './schema.js';

interface Compiled<R> {
  compiled: CompiledQuery<R>;
  /** For each parameter of the compiled SQL, the index of the argument it takes. */
  positions: number[];
}

/** Distinct shapes one family may compile (each is one SQL text, prepared once per connection). */
const MAX_SHAPES = 64;

/**
 * A query built and compiled once per dialect, then run with new values (on any handle
 * or transaction of that dialect). The hot paths (session lookup, login, second-factor
 * verify) run only such queries: Kysely otherwise rebuilds and recompiles every query,
 * which costs more than running our point queries. Each SQL text then reaches the driver
 * as the same string, which the store prepares once per connection (better-sqlite3
 * statements, PostgreSQL named statements: see database.ts). `build` receives one
 * placeholder per argument; each placeholder must reach the query only as a bound value
 * (never as an identifier or a fragment), and every bound value must be a placeholder
 * (a literal `1` is an argument too): compiling throws otherwise.
 */
export function reusableQuery<A extends unknown[], R>(build: (db: Db, ...placeholders: A) => Compilable<R>): (db: Db, ...args: A) => Promise<QueryResult<R>> {
  const family = reusableQueryFamily((db: Db, _shape: 0, ...placeholders: A) => build(db, ...placeholders));
  return (db, ...args) => family(db, 0, ...args);
}

/**
 * Like `reusableQuery`, for a query whose shape (not its values) varies over a few known
 * forms, such as the number of arms of a CASE: compiled once per dialect and `shape`. The
 * shape must come from the code (a configured limit), never from a request, and the
 * arguments must be the same in number for the same shape.
 */
export function reusableQueryFamily<S extends string | number, A extends unknown[], R>(
  build: (db: Db, shape: S, ...placeholders: A) => Compilable<R>,
): (db: Db, shape: S, ...args: A) => Promise<QueryResult<R>> {
  const byDialect = new WeakMap<DialectAdapter, Map<S, Compiled<R>>>();
  return async (db, shape, ...args) => {
    const adapter = db.getExecutor().adapter;
    let shapes = byDialect.get(adapter);
    if (!shapes) byDialect.set(adapter, (shapes = new Map()));
    let entry = shapes.get(shape);
    if (!entry) {
      if (shapes.size >= MAX_SHAPES) throw new Error('reusableQueryFamily: too many shapes (the shape must not come from a request)');
      const sentinels = args.map((_, i) => `\u0000placeholder:${i}\u0000`);
      const compiled = build(db, shape, ...(sentinels as A)).compile();
      const positions = compiled.parameters.map((p) => sentinels.indexOf(p as string));
      if (positions.includes(-1)) throw new Error('reusableQuery: the query has a bound value that is not a placeholder');
      entry = { compiled, positions };
      shapes.set(shape, entry);
    }
    const { compiled, positions } = entry;
    const parameters = positions.map((i) => args[i]);
    return db.executeQuery<R>({ ...compiled, parameters });
  };
}
