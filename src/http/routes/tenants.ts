import { listSuperAppAuditEvents } from '../../services/audit-log.js';
import { listMembers, resetMemberTwoFactor } from '../../services/members.js';
import { stepUpSuperApp } from '../../services/step-up.js';
import { changeTwoFactorPolicyAsAdmin, readTwoFactorPolicyAsAdmin } from '../../services/super-app-policy.js';
import { authorizeSuperAppAdmin } from '../../services/tenant-authority.js';
import type { HttpApp } from '../app.js';
import { MemberParams, PolicyBody, SuperAppParams, WorkspaceParams } from '../schemas.js';

/**
 * Super app policy, audit log, step-up and workspace members (API.md "Super app policy",
 * "Workspace"). Every handler goes through services/tenant-authority, so each request is
 * checked against the super app's current rule.
 */
export function registerTenantRoutes(app: HttpApp): void {
  const { deps } = app;

  app.get('/api/v1/super-apps/:id/two-factor-policy', { schema: { tags: ['super app'], params: SuperAppParams } }, async (request) => {
    return readTwoFactorPolicyAsAdmin(deps, await app.requireActor(request), request.params.id);
  });

  app.put('/api/v1/super-apps/:id/two-factor-policy', { schema: { tags: ['super app'], params: SuperAppParams, body: PolicyBody } }, async (request) => {
    return changeTwoFactorPolicyAsAdmin(deps, await app.requireActor(request), request.params.id, request.body);
  });

  app.get('/api/v1/super-apps/:id/audit-events', { schema: { tags: ['super app'], params: SuperAppParams } }, async (request) => {
    await authorizeSuperAppAdmin(deps, await app.requireActor(request), request.params.id, { adminAction: false });
    return listSuperAppAuditEvents(deps, request.params.id);
  });

  app.post('/api/v1/super-apps/:id/step-up', { schema: { tags: ['super app'], params: SuperAppParams } }, async (request) => {
    return stepUpSuperApp(deps, await app.requireActor(request), request.params.id);
  });

  app.get('/api/v1/workspaces/:id/members', { schema: { tags: ['workspace'], params: WorkspaceParams } }, async (request) => {
    return listMembers(deps, request.params.id, await app.requireActor(request));
  });

  app.post('/api/v1/workspaces/:id/members/:accountId/two-factor/reset', { schema: { tags: ['workspace'], params: MemberParams } }, async (request) => {
    await resetMemberTwoFactor(deps, request.params.id, request.params.accountId, await app.requireActor(request));
    return { active: false };
  });
}
