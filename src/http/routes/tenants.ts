import { assertRecentAuthentication } from '../../services/account-two-factor.js';
import { listSuperAppAuditEvents } from '../../services/audit-log.js';
import { listMembers, resetMemberTwoFactor } from '../../services/members.js';
import { assertSuperAppAdmin, getTwoFactorPolicy, setTwoFactorPolicy } from '../../services/super-app-policy.js';
import type { HttpApp } from '../app.js';
import { MemberParams, PolicyBody, SuperAppParams, WorkspaceParams } from '../schemas.js';

/** Super app policy, audit log and workspace members (API.md "Super app policy", "Workspace"). */
export function registerTenantRoutes(app: HttpApp): void {
  const { deps } = app;

  app.get('/api/v1/super-apps/:id/two-factor-policy', { schema: { tags: ['super app'], params: SuperAppParams } }, async (request) => {
    const { account } = await app.requireSession(request);
    await assertSuperAppAdmin(deps, request.params.id, account.id);
    return getTwoFactorPolicy(deps, request.params.id);
  });

  app.put('/api/v1/super-apps/:id/two-factor-policy', { schema: { tags: ['super app'], params: SuperAppParams, body: PolicyBody } }, async (request) => {
    const actor = await app.requireActor(request);
    await assertSuperAppAdmin(deps, request.params.id, actor.accountId);
    assertRecentAuthentication(deps, actor);
    return setTwoFactorPolicy(deps, request.params.id, request.body, { actorAccountId: actor.accountId, context: actor.context, keepSessionId: actor.sessionId });
  });

  app.get('/api/v1/super-apps/:id/audit-events', { schema: { tags: ['super app'], params: SuperAppParams } }, async (request) => {
    const { account } = await app.requireSession(request);
    await assertSuperAppAdmin(deps, request.params.id, account.id);
    return listSuperAppAuditEvents(deps, request.params.id);
  });

  app.get('/api/v1/workspaces/:id/members', { schema: { tags: ['workspace'], params: WorkspaceParams } }, async (request) => {
    const { account } = await app.requireSession(request);
    return listMembers(deps, request.params.id, account.id);
  });

  app.post('/api/v1/workspaces/:id/members/:accountId/two-factor/reset', { schema: { tags: ['workspace'], params: MemberParams } }, async (request) => {
    await resetMemberTwoFactor(deps, request.params.id, request.params.accountId, await app.requireActor(request));
    return { active: false };
  });
}
