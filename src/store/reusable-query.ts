import type { Compilable, CompiledQuery, DialectAdapter, QueryResult } from 'kysely';
import type { Db } from './schema.js';

/**
 * A query built and compiled once per dialect, then run with new values (on any handle
 * or transaction of that dialect).
 * Kysely otherwise rebuilds and recompiles every query, which costs more than running
 * our point queries. `build` receives one placeholder per argument; each placeholder
 * must reach the query only as a bound value (never as an identifier or a fragment).
 */
export function reusableQuery<A extends unknown[], R>(build: (db: Db, ...placeholders: A) => Compilable<R>): (db: Db, ...args: A) => Promise<QueryResult<R>> {
  const compiledByDialect = new WeakMap<DialectAdapter, { compiled: CompiledQuery<R>; positions: number[] }>();
  return async (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let entry = compiledByDialect.get(adapter);
    if (!entry) {
      const sentinels = args.map((_, i) => `\u0000placeholder:${i}\u0000`);
      const compiled = build(db, ...(sentinels as A)).compile();
      const positions = compiled.parameters.map((p) => sentinels.indexOf(p as string));
      if (positions.includes(-1)) throw new Error('reusableQuery: the query has a bound value that is not a placeholder');
      entry = { compiled, positions };
      compiledByDialect.set(adapter, entry);
    }
    const parameters = entry.positions.map((i) => args[i]);
    return db.executeQuery<R>({ ...entry.compiled, parameters });
  };
}
