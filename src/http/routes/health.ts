import type { HttpApp } from '../http-app.js';
import { checkDatabase, findPendingMigrations } from '../../services/health.js';
import { Health, Readiness } from '../contract.js';
import { sendProblem } from '../problems.js';
import { responsesOf, securityOf } from '../responses.js';

/**
 * `GET /healthz`: 200 once the database answers, 503 while it does not.
 * `GET /readyz`: 200 when the database answers and holds every migration this build knows
 * (a load balancer sends traffic only then); 503 otherwise and while shutting down.
 */
export function registerHealthRoutes(app: HttpApp): void {
  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        summary: 'Readiness: database reachable and migrated',
        tags: ['health'],
        security: securityOf('public'),
        response: responsesOf({ method: 'GET', access: 'public', ok: { 200: Readiness }, problems: ['service_unavailable'] }),
      },
    },
    async (request, reply) => {
      try {
        const pending = await findPendingMigrations(app.deps);
        if (pending.length > 0) return sendProblem(reply, 'service_unavailable', { pendingMigrations: pending });
        return { status: 'ready' as const };
      } catch (error) {
        request.log.error({ err: error }, 'database does not answer');
        return sendProblem(reply, 'service_unavailable');
      }
    },
  );

  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getHealth',
        summary: 'Liveness and database reachability',
        tags: ['health'],
        security: securityOf('public'),
        response: responsesOf({ method: 'GET', access: 'public', ok: { 200: Health }, problems: ['service_unavailable'] }),
      },
    },
    async (request, reply) => {
      try {
        await checkDatabase(app.deps);
        return { status: 'ok' as const };
      } catch (error) {
        request.log.error({ err: error }, 'database does not answer');
        return sendProblem(reply, 'service_unavailable');
      }
    },
  );
}
