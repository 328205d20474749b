import { sql } from 'kysely';
import type { HttpApp } from '../app.js';
import { sendProblem } from '../problems.js';

/** `GET /healthz`: 200 once the database answers, 503 while it does not. */
export function registerHealthRoutes(app: HttpApp): void {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness and database reachability' } }, async (request, reply) => {
    try {
      await sql`select 1`.execute(app.deps.db);
      return { status: 'ok' };
    } catch (error) {
      request.log.error({ err: error }, 'database does not answer');
      return sendProblem(reply, 'service_unavailable');
    }
  });
}
