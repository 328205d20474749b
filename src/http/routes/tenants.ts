import { Readable } from 'node:stream';
import { exportAuditEvents, listSuperAppAuditEvents } from '../../services/audit-log.js';
import { listMembers, resetMemberTwoFactor } from '../../services/members.js';
import { stepUpSuperApp } from '../../services/step-up.js';
import { changeTwoFactorPolicyAsAdmin, readTwoFactorPolicyAsAdmin } from '../../services/super-app-policy.js';
import { authorizeSuperAppAdmin } from '../../services/tenant-authority.js';
import type { TSchema } from 'typebox';
import type { ErrorCode } from '../../domain/errors.js';
import type { HttpApp } from '../http-app.js';
import { AuditEvents, Members, PolicyView, SignInStep, TwoFactorOff } from '../contract.js';
import { responsesOf, securityOf } from '../responses.js';
import { AuditExportQuery, MemberParams, PolicyBody, SuperAppAuditQuery, SuperAppParams, WorkspaceParams } from '../schemas.js';

const security = securityOf('session');
/** The export's body: text, not JSON (the contract declares its media types). */
const AUDIT_EXPORT = {
  description: 'The events, oldest first',
  content: {
    'text/csv': { schema: { type: 'string', description: 'A header, then one event a line' } },
    'application/jsonl': { schema: { type: 'string', description: 'One event a line, as the list shows it' } },
  },
} as unknown as TSchema;
/** Every request to a super app or its workspaces: not an admin, then its rule (services/tenant-authority). */
const AUTHORITY: ErrorCode[] = ['invalid_request', 'forbidden', 'second_factor_required_for_super_app'];
/** Policy changes and member resets also need a second factor in the session and a recent password. */
const ADMIN_ACTION: ErrorCode[] = [...AUTHORITY, 'admin_second_factor_required', 'reauthentication_required'];

/**
 * Super app policy, audit log, step-up and workspace members (API.md "Super app policy",
 * "Workspace"). Every handler goes through services/tenant-authority, so each request is
 * checked against the super app's current rule.
 */
export function registerTenantRoutes(app: HttpApp): void {
  const { deps } = app;

  app.get(
    '/api/v1/super-apps/:id/two-factor-policy',
    {
      schema: {
        operationId: 'getTwoFactorPolicy',
        summary: "The super app's two-factor policy (super app admins)",
        tags: ['super app'],
        security,
        params: SuperAppParams,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: PolicyView }, problems: AUTHORITY }),
      },
    },
    async (request) => {
      return readTwoFactorPolicyAsAdmin(deps, await app.requireActor(request), request.params.id);
    },
  );

  app.put(
    '/api/v1/super-apps/:id/two-factor-policy',
    {
      schema: {
        operationId: 'updateTwoFactorPolicy',
        summary: "Change the super app's two-factor policy (super app admins, with a second factor)",
        tags: ['super app'],
        security,
        params: SuperAppParams,
        body: PolicyBody,
        response: responsesOf({ method: 'PUT', access: 'session', ok: { 200: PolicyView }, problems: ADMIN_ACTION }),
      },
    },
    async (request) => {
      return changeTwoFactorPolicyAsAdmin(deps, await app.requireActor(request), request.params.id, request.body);
    },
  );

  app.get(
    '/api/v1/super-apps/:id/audit-events',
    {
      schema: {
        operationId: 'listSuperAppAuditEvents',
        summary: "The super app's policy changes and the security events of its workspaces' accounts, filtered, a page at a time",
        tags: ['super app'],
        security,
        params: SuperAppParams,
        querystring: SuperAppAuditQuery,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: AuditEvents }, problems: AUTHORITY }),
      },
    },
    async (request) => {
      await authorizeSuperAppAdmin(deps, await app.requireActor(request), request.params.id, { adminAction: false });
      const { cursor, limit, ...filter } = request.query;
      return listSuperAppAuditEvents(deps, request.params.id, { cursor, limit }, filter);
    },
  );

  app.get(
    '/api/v1/super-apps/:id/audit-events/export',
    {
      schema: {
        operationId: 'exportSuperAppAuditEvents',
        summary: "Download the super app's audit events, oldest first, as CSV or JSON lines (the same filters as the list)",
        description: "Streams every matching event a page at a time, in constant memory; a CSV field a spreadsheet would run as a formula starts with `'`.",
        tags: ['super app'],
        security,
        params: SuperAppParams,
        querystring: AuditExportQuery,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: AUDIT_EXPORT }, problems: AUTHORITY }),
      },
    },
    async (request, reply) => {
      await authorizeSuperAppAdmin(deps, await app.requireActor(request), request.params.id, { adminAction: false });
      const { format = 'csv', ...filter } = request.query;
      const chunks = exportAuditEvents(deps, { superAppId: request.params.id, ...filter }, format);
      // The first chunk checks the filters, so a refusal is still a problem answer, not a broken download.
      const first = await chunks.next();
      const body = Readable.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* chunks;
        })(),
      );
      const stamp = deps.clock.now().toISOString().slice(0, 10);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/jsonl; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-events-${stamp}.${format}"`)
        .send(body);
    },
  );

  app.post(
    '/api/v1/super-apps/:id/step-up',
    {
      schema: {
        operationId: 'stepUpSuperApp',
        summary: "Pass the second factor a super app's rule asks, for authority over it",
        description: 'Already satisfied: `authenticated`, nothing changes. Otherwise a challenge whose verify replaces the session.',
        tags: ['super app'],
        security,
        params: SuperAppParams,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 200: SignInStep },
          problems: ['forbidden', 'two_factor_not_active', 'reauthentication_required'],
        }),
      },
    },
    async (request) => {
      return stepUpSuperApp(deps, await app.requireActor(request), request.params.id);
    },
  );

  app.get(
    '/api/v1/workspaces/:id/members',
    {
      schema: {
        operationId: 'listWorkspaceMembers',
        summary: 'The members of a workspace (workspace admins and admins of its super app)',
        tags: ['workspace'],
        security,
        params: WorkspaceParams,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: Members }, problems: AUTHORITY }),
      },
    },
    async (request) => {
      return listMembers(deps, request.params.id, await app.requireActor(request));
    },
  );

  app.post(
    '/api/v1/workspaces/:id/members/:accountId/two-factor/reset',
    {
      schema: {
        operationId: 'resetMemberTwoFactor',
        summary: "Reset a member's two-factor authentication (admins of the workspace's super app)",
        tags: ['workspace'],
        security,
        params: MemberParams,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 200: TwoFactorOff },
          problems: [...ADMIN_ACTION, 'cannot_reset_own_two_factor', 'reset_forbidden_by_super_app', 'not_found', 'two_factor_not_active'],
        }),
      },
    },
    async (request) => {
      await resetMemberTwoFactor(deps, request.params.id, request.params.accountId, await app.requireActor(request));
      return { active: false as const };
    },
  );
}
