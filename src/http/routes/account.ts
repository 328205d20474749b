import {
  deactivateTwoFactor,
  getTwoFactorStatus,
  regenerateRecoveryCodes,
  sendDeactivationEmailCode,
  startActivation,
  verifyActivation,
} from '../../services/account-two-factor.js';
import { listAccountAuditEvents } from '../../services/audit-log.js';
import { listDevices } from '../../services/devices.js';
import { readDeviceCookies } from '../session-cookie.js';
import type { HttpApp } from '../app.js';
import { ActivationVerifyBody, DeactivationBody, RegenerateBody } from '../schemas.js';

const tags = ['account two-factor'];

/** The signed-in account's own 2FA (API.md "Account 2FA"). */
export function registerAccountRoutes(app: HttpApp): void {
  const { deps } = app;

  app.get('/api/v1/account/two-factor', { schema: { tags } }, async (request) => {
    const { account } = await app.requireSession(request);
    return getTwoFactorStatus(deps, account.id);
  });

  app.post('/api/v1/account/two-factor/activation', { schema: { tags } }, async (request, reply) => {
    return reply.code(201).send(await startActivation(deps, await app.requireActor(request)));
  });

  app.post('/api/v1/account/two-factor/activation/verify', { schema: { tags, body: ActivationVerifyBody } }, async (request) => {
    return { active: true, recoveryCodes: await verifyActivation(deps, await app.requireActor(request), request.body.code) };
  });

  app.post('/api/v1/account/two-factor/deactivation/email-code', { schema: { tags } }, async (request, reply) => {
    return reply.code(202).send(await sendDeactivationEmailCode(deps, await app.requireActor(request)));
  });

  app.post('/api/v1/account/two-factor/deactivation', { schema: { tags, body: DeactivationBody } }, async (request) => {
    await deactivateTwoFactor(deps, await app.requireActor(request), request.body);
    return { active: false };
  });

  app.post('/api/v1/account/two-factor/recovery-codes', { schema: { tags, body: RegenerateBody } }, async (request) => {
    return { recoveryCodes: await regenerateRecoveryCodes(deps, await app.requireActor(request), request.body) };
  });

  app.get('/api/v1/account/devices', { schema: { tags } }, async (request) => {
    const { account } = await app.requireSession(request);
    return listDevices(deps, account.id, readDeviceCookies(request, app.cookiePolicy));
  });

  app.get('/api/v1/account/audit-events', { schema: { tags } }, async (request) => {
    const { account } = await app.requireSession(request);
    return listAccountAuditEvents(deps, account.id);
  });
}
