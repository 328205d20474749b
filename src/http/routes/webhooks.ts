import { createWebhookAsAdmin, deleteWebhookAsAdmin, listDeliveriesAsAdmin, listWebhooksAsAdmin, sendTestEventAsAdmin } from '../../services/webhooks.js';
import type { ErrorCode } from '../../domain/errors.js';
import type { HttpApp } from '../http-app.js';
import { NoContent, WebhookCreated, WebhookDeliveries, Webhooks, WebhookTestQueued } from '../contract.js';
import { responsesOf, securityOf } from '../responses.js';
import { SuperAppParams, WebhookBody, WebhookParams } from '../schemas.js';

const security = securityOf('session');
/** As the other super app routes (routes/tenants.ts): not an admin, then the super app's rule. */
const AUTHORITY: ErrorCode[] = ['invalid_request', 'forbidden', 'second_factor_required_for_super_app'];
/** Creating and deleting also need a second factor in the session and a recent password, as policy changes. */
const ADMIN_ACTION: ErrorCode[] = [...AUTHORITY, 'admin_second_factor_required', 'reauthentication_required'];

/** Webhooks per super app (API.md "Planned additions → Operations", services/webhooks.ts). */
export function registerWebhookRoutes(app: HttpApp): void {
  const { deps } = app;

  app.get(
    '/api/v1/super-apps/:id/webhooks',
    {
      schema: {
        operationId: 'listWebhooks',
        summary: "The super app's webhooks (super app admins)",
        tags: ['super app'],
        security,
        params: SuperAppParams,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: Webhooks }, problems: AUTHORITY }),
      },
    },
    async (request) => listWebhooksAsAdmin(deps, await app.requireActor(request), request.params.id),
  );

  app.post(
    '/api/v1/super-apps/:id/webhooks',
    {
      schema: {
        operationId: 'createWebhook',
        summary: 'Add a webhook that receives audit events, signed per Standard Webhooks (super app admins, with a second factor)',
        description: 'The answer is the only one that carries the signing secret.',
        tags: ['super app'],
        security,
        params: SuperAppParams,
        body: WebhookBody,
        response: responsesOf({ method: 'POST', access: 'session', ok: { 201: WebhookCreated }, problems: [...ADMIN_ACTION, 'webhook_url_not_allowed'] }),
      },
    },
    async (request, reply) => {
      const created = await createWebhookAsAdmin(deps, await app.requireActor(request), request.params.id, request.body);
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/super-apps/:id/webhooks/:webhookId',
    {
      schema: {
        operationId: 'deleteWebhook',
        summary: 'Remove a webhook and its delivery log (super app admins, with a second factor)',
        tags: ['super app'],
        security,
        params: WebhookParams,
        response: responsesOf({ method: 'DELETE', access: 'session', ok: { 204: NoContent }, problems: [...ADMIN_ACTION, 'not_found'] }),
      },
    },
    async (request, reply) => {
      await deleteWebhookAsAdmin(deps, await app.requireActor(request), request.params.id, request.params.webhookId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/super-apps/:id/webhooks/:webhookId/test',
    {
      schema: {
        operationId: 'testWebhook',
        summary: 'Queue a `webhook.test` event for this webhook (super app admins, with a second factor)',
        tags: ['super app'],
        security,
        params: WebhookParams,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 202: WebhookTestQueued },
          problems: [...AUTHORITY, 'admin_second_factor_required', 'not_found'],
        }),
      },
    },
    async (request, reply) => {
      const queued = await sendTestEventAsAdmin(deps, await app.requireActor(request), request.params.id, request.params.webhookId);
      return reply.code(202).send(queued);
    },
  );

  app.get(
    '/api/v1/super-apps/:id/webhooks/:webhookId/deliveries',
    {
      schema: {
        operationId: 'listWebhookDeliveries',
        summary: "The webhook's recent deliveries and their outcome (super app admins)",
        tags: ['super app'],
        security,
        params: WebhookParams,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: WebhookDeliveries }, problems: [...AUTHORITY, 'not_found'] }),
      },
    },
    async (request) => listDeliveriesAsAdmin(deps, await app.requireActor(request), request.params.id, request.params.webhookId),
  );
}
