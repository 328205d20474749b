import { pingDatabase } from '../store/database.js';
import { listPendingMigrations } from '../store/migrate.js';
import type { Deps } from './deps.js';

/** Throws when the database does not answer (liveness, `GET /healthz`). */
export async function checkDatabase(deps: Pick<Deps, 'db'>): Promise<void> {
  await pingDatabase(deps.db);
}

/** Migrations this build knows that the database lacks (readiness, `GET /readyz`); throws when it does not answer. */
export async function findPendingMigrations(deps: Pick<Deps, 'db'>): Promise<string[]> {
  return listPendingMigrations(deps.db);
}
